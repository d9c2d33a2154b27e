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

/// A request object's container with its member names read once: unknown ones refused, and those present and not
/// `null` kept (the null rule), so that each `present` is a scan of a few short names.
///
/// Why: asking the container itself went through `KeyedDecodingContainer`'s type-erased box and a key lookup per
/// question, and `/classify` asks about 20 (each field it may take, some twice): that was a third of the
/// decoding of a `{"model": "iris", "input": [...]}` request.
struct ObjectFields {
    let object: KeyedDecodingContainer<AnyKey>
    /// The members present and not `null`, in document order.
    private let given: [String]

    /// Refuses the first member not in `allowed`, naming it and the fields that are allowed. `decoder` is the one
    /// `object` came from: with JSONCodec's, the names are read straight from the document (see
    /// `memberNames(of:)`); with any other, through `allKeys`.
    init(_ object: KeyedDecodingContainer<AnyKey>, allowed: [String], decoder: any Decoder) throws(APIError) {
        let names = memberNames(of: decoder) ?? object.allKeys.map(\.stringValue)
        if let unknown = names.first(where: { !allowed.contains($0) }) {
            let path = pathString(object.codingPath + [AnyKey(unknown)])
            throw .invalid("\(path): unknown field; expected \(listing(allowed))")
        }
        self.object = object
        given = names.filter { !((try? object.decodeNil(forKey: AnyKey($0))) ?? false) }
    }

    /// The field is there and not `null` (the null rule: `null` is absent).
    func present(_ name: String) -> Bool { given.contains(name) }

    /// A required field, decoded as `T` (missing or `null`: the decoder's error naming it).
    func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try object.decode(T.self, forKey: AnyKey(name))
    }

    /// A required vector or batch, its shape checked.
    func batch(_ name: String) throws -> Batch {
        try decode(VectorOrRows.self, name).batch(field: name)
    }

    /// An optional field (absent or `null`: nil), decoded as `T`.
    func optional<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        present(name) ? try decode(T.self, name) : nil
    }
}

/// `name` in double quotes, escaped as JSON would.
func quoted(_ name: String) -> String { (try? encodeJSON(name)).map { String(decoding: $0, as: UTF8.self) } ?? name }

/// "a, b or c".
func listing(_ names: [String]) -> String {
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " or " + names.last!
}
