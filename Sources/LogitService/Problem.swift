package import HTTPServer
import JSONCodec

/// An error the service answers with an RFC 9457 problem (`application/problem+json`).
///
/// `detail` names the field and, for an element, its index path (`logits[1][2]: …`), as
/// docs/api.md asks: the caller must be able to see what to fix from the message alone.
package struct Problem: Error, Sendable, Equatable {
    package var status: Status
    package var detail: String

    package init(_ status: Status, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    /// 422: valid JSON that does not fit the endpoint.
    package static func unprocessable(_ detail: String) -> Problem { Problem(.unprocessableContent, detail) }

    package var response: Response { .problem(status, detail: detail) }
}

/// A coding path as the details spell it: keys joined by ".", indices as `[i]` (`logits[1][2]`).
func pathString(_ path: [any CodingKey]) -> String {
    var out = ""
    for key in path {
        if let index = key.intValue {
            out += "[\(index)]"
        } else {
            if !out.isEmpty { out += "." }
            out += key.stringValue
        }
    }
    return out
}

/// Any object key, so that unknown fields can be named and refused (Codable ignores them).
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == AnyKey {
    /// Refuses the first key not in `allowed`, naming it and the fields that are allowed.
    /// `decoder` is the one this container came from: with JSONCodec's, the names are read straight
    /// from the document (see `memberNames(of:)`); with any other, through `allKeys`.
    func rejectUnknownKeys(allowed: [String], decoder: any Decoder) throws(Problem) {
        let names = memberNames(of: decoder) ?? allKeys.map(\.stringValue)
        if let unknown = names.first(where: { !allowed.contains($0) }) {
            let path = pathString(codingPath + [AnyKey(unknown)])
            throw .unprocessable("\(path): unknown field; expected \(listing(allowed))")
        }
    }
}

/// "a, b or c".
func listing(_ names: [String]) -> String {
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
}
