// libFuzzer target `json`: JSONCodec against arbitrary bytes. Compiled by run.sh with ReferenceJSON.swift,
// against the JSONCodec module. Invariants, each a crash when broken:
// 1. JSONCodec's tape accepts exactly what the reference validator (ReferenceJSON) accepts: decoding
//    a generic tree fails with a syntax error exactly when the bytes are not JSON.
// 2. A document that decodes as a tree (every number finite) encodes, and the encoding decodes to
//    the same tree, numbers bit for bit (so -0.0 stays -0.0) and members in the same order;
//    encoding that again gives the same bytes.

import JSONCodec

/// Any JSON value, objects as members in document order (JSONCodec's `allKeys` keeps it).
indirect enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])

    struct Member: Equatable {
        var key: String
        var value: JSONValue
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            self = .object(
                try object.allKeys.map {
                    Member(key: $0.stringValue, value: try object.decode(JSONValue.self, forKey: $0))
                })
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let b = try? single.decode(Bool.self) {
            self = .bool(b)
        } else if let s = try? single.decode(String.self) {
            self = .string(s)
        } else {
            self = .number(try single.decode(Double.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let elements):
            var c = encoder.unkeyedContainer()
            for e in elements { try c.encode(e) }
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            for m in members { try c.encode(m.value, forKey: Key(stringValue: m.key)) }
        }
    }

    /// Equality with numbers compared bit for bit.
    func same(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.same($1) }
        case (.object(let a), .object(let b)):
            a.count == b.count
                && zip(a, b).allSatisfy { $0.key.utf8.elementsEqual($1.key.utf8) && $0.value.same($1.value) }
        default: false
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONRoundTrip(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let text = String(decoding: bytes.prefix(400), as: UTF8.self)
    let valid = ReferenceJSON.isValid(bytes)
    let tree: JSONValue
    do {
        tree = try decodeJSON(JSONValue.self, from: bytes)
    } catch let error as JSONDecodingError {
        if error.isSyntaxError == valid { fatalError("reference says valid: \(valid), JSONCodec: \(error)\n  \(text)") }
        return 0
    } catch {
        fatalError("decodeJSON threw a foreign error \(error)\n  \(text)")
    }
    if !valid { fatalError("JSONCodec accepted what the reference refuses\n  \(text)") }
    let encoded: [UInt8]
    do {
        encoded = try encodeJSON(tree)
    } catch {
        fatalError("a decoded tree does not encode: \(error)\n  \(text)")
    }
    let encodedText = String(decoding: encoded, as: UTF8.self)
    guard ReferenceJSON.isValid(encoded) else { fatalError("encoded invalid JSON: \(encodedText)\n  \(text)") }
    guard let again = try? decodeJSON(JSONValue.self, from: encoded), again.same(tree) else {
        fatalError("round trip changed the tree: \(encodedText)\n  \(text)")
    }
    guard let encodedAgain = try? encodeJSON(again), encodedAgain == encoded else {
        fatalError("encoding is not stable: \(encodedText)\n  \(text)")
    }
    return 0
}
