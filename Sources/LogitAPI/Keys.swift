import JSONCodec

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
    func rejectUnknownKeys(allowed: [String], decoder: any Decoder) throws(APIError) {
        let names = memberNames(of: decoder) ?? allKeys.map(\.stringValue)
        if let unknown = names.first(where: { !allowed.contains($0) }) {
            let path = pathString(codingPath + [AnyKey(unknown)])
            throw .invalid("\(path): unknown field; expected \(listing(allowed))")
        }
    }
}

/// `name` in double quotes, escaped as JSON would.
func quoted(_ name: String) -> String { (try? encodeJSON(name)).map { String(decoding: $0, as: UTF8.self) } ?? name }

/// "a, b or c".
func listing(_ names: [String]) -> String {
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
}
