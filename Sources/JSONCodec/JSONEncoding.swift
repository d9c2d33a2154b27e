/// Encodes `value` as compact JSON (no spaces, keys in the order encoded), appending to `buffer`.
///
/// Doubles are written in the shortest form that reads back to the same Double, spelled as Python's
/// `repr` spells it (`1e-05`, `1e+16`, `-0.0`); NaN and infinities are refused with their coding path,
/// because JSON cannot carry them. On error, `buffer` is left as it was.
package func encodeJSON<T: Encodable>(_ value: T, into buffer: inout [UInt8]) throws(JSONEncodingError) {
    let tree: EncodedValue
    do {
        tree = try encodeValue(value, path: [])
    } catch let error as JSONEncodingError {
        throw error
    } catch let error as EncodingError {
        switch error {
        case .invalidValue(_, let context):
            throw JSONEncodingError(.invalidValue(context.debugDescription), path: pathString(context.codingPath))
        @unknown default:
            throw JSONEncodingError(.invalidValue(String(describing: error)), path: "")
        }
    } catch {
        throw JSONEncodingError(.invalidValue(String(describing: error)), path: "")
    }
    if buffer.isEmpty {
        buffer = JSONWriter.document(tree)
    } else {
        buffer.append(contentsOf: JSONWriter.document(tree))
    }
}

/// Encodes `value` as compact JSON; see `encodeJSON(_:into:)`.
package func encodeJSON<T: Encodable>(_ value: T) throws(JSONEncodingError) -> [UInt8] {
    var buffer: [UInt8] = []
    try encodeJSON(value, into: &buffer)
    return buffer
}

/// Encodes a value that writes its own JSON (`JSONWritable`): its text, or, when it holds a
/// non-finite number, the error `encodeJSON` gives any `Encodable` value, path included.
///
/// Chosen by the compiler where the value's type is known to be `JSONWritable`; generic code over
/// `Encodable` calls the other `encodeJSON` (a dynamic `as? any JSONWritable` on every answer cost a
/// small `/softmax` request 800 instructions, 1.3 %), so a caller that wants this path names the type.
package func encodeJSON<T: JSONWritable>(_ value: T) throws(JSONEncodingError) -> [UInt8] {
    if let text = value.writtenJSON() { return text }
    var buffer: [UInt8] = []
    try encodeJSON(value, into: &buffer)
    return buffer
}

/// A value as encoded, before it is written out.
///
/// Number arrays are kept as the arrays themselves (copy-on-write: no copy is made) and written straight
/// to bytes, so a 131 072-element response never becomes 131 072 tree nodes.
enum EncodedValue {
    case null
    case bool(Bool)
    case signed(Int64)
    case unsigned(UInt64)
    case double(Double)
    case float(Float)
    case string(String)
    case array(EncodedArray)
    case object(EncodedObject)
    /// A `superEncoder()` whose value is known only once the caller has finished with it.
    case deferred(TreeEncoder)
    case doubles([Double])
    case doubleRows([[Double]])
    case floats([Float])
    case ints([Int])
}

final class EncodedArray {
    var elements: [EncodedValue] = []
}

/// Members in the order first encoded; encoding a key again replaces its value, as Foundation does.
final class EncodedObject {
    var keys: [String] = []
    var values: [EncodedValue] = []
    private var positions: [String: Int]? = nil

    func set(_ value: EncodedValue, forKey key: String) {
        if keys.isEmpty {
            // Room for a typical object's members at once: grown from empty, the two arrays were
            // reallocated three times each by the fifth member.
            keys.reserveCapacity(8)
            values.reserveCapacity(8)
        }
        if keys.count >= 16, positions == nil {
            positions = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let existing = positions.map { $0[key] } ?? keys.firstIndex(of: key)
        if let existing {
            values[existing] = value
        } else {
            positions?[key] = keys.count
            keys.append(key)
            values.append(value)
        }
    }
}

/// Every generic `encode` lands here: number arrays and common scalars take fast paths, anything else
/// gets an encoder of its own.
func encodeValue<T: Encodable>(_ value: T, path: @autoclosure () -> [any CodingKey]) throws -> EncodedValue {
    if T.self == [Double].self {
        let values = unsafeBitCast(value, to: [Double].self)
        try checkFinite(values, path())
        return .doubles(values)
    }
    if T.self == [[Double]].self {
        let rows = unsafeBitCast(value, to: [[Double]].self)
        for (i, row) in rows.enumerated() { try checkFinite(row, path() + [IndexKey(i)]) }
        return .doubleRows(rows)
    }
    if T.self == [Float].self {
        let values = unsafeBitCast(value, to: [Float].self)
        for (i, element) in values.enumerated() where !element.isFinite {
            throw JSONEncodingError(.nonFiniteNumber("\(element)"), path: pathString(path() + [IndexKey(i)]))
        }
        return .floats(values)
    }
    if T.self == [Int].self { return .ints(unsafeBitCast(value, to: [Int].self)) }
    if T.self == Double.self { return try finite(unsafeBitCast(value, to: Double.self), path()) }
    if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
    let encoder = TreeEncoder(codingPath: path())
    try value.encode(to: encoder)
    return encoder.value ?? .object(EncodedObject())
}

private func checkFinite(_ values: [Double], _ path: @autoclosure () -> [any CodingKey]) throws {
    // One branch-free pass (a non-finite value has all exponent bits set) before looking for the culprit.
    var all: UInt64 = 0
    for value in values { all |= value.bitPattern & 0x7FF0_0000_0000_0000 == 0x7FF0_0000_0000_0000 ? 1 : 0 }
    guard all != 0 else { return }
    for (i, value) in values.enumerated() where !value.isFinite {
        throw JSONEncodingError(.nonFiniteNumber("\(value)"), path: pathString(path() + [IndexKey(i)]))
    }
}

func finite(_ value: Double, _ path: @autoclosure () -> [any CodingKey]) throws -> EncodedValue {
    guard value.isFinite else { throw JSONEncodingError(.nonFiniteNumber("\(value)"), path: pathString(path())) }
    return .double(value)
}

func finite(_ value: Float, _ path: @autoclosure () -> [any CodingKey]) throws -> EncodedValue {
    guard value.isFinite else { throw JSONEncodingError(.nonFiniteNumber("\(value)"), path: pathString(path())) }
    return .float(value)
}

/// The `Encoder` handed to a value's `encode(to:)`. It records the one value (or container) asked for.
final class TreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var value: EncodedValue?

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let object) = value {
            return KeyedEncodingContainer(TreeKeyedContainer(object: object, codingPath: codingPath))
        }
        let object = EncodedObject()
        value = .object(object)
        return KeyedEncodingContainer(TreeKeyedContainer(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let array) = value { return TreeUnkeyedContainer(array: array, codingPath: codingPath) }
        let array = EncodedArray()
        value = .array(array)
        return TreeUnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        TreeSingleValueContainer(encoder: self)
    }
}

struct TreeKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: EncodedObject
    let codingPath: [any CodingKey]

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    mutating func encodeNil(forKey key: Key) { object.set(.null, forKey: key.stringValue) }
    mutating func encode(_ value: Bool, forKey key: Key) { object.set(.bool(value), forKey: key.stringValue) }
    mutating func encode(_ value: String, forKey key: Key) { object.set(.string(value), forKey: key.stringValue) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        object.set(try finite(value, path(key)), forKey: key.stringValue)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        object.set(try finite(value, path(key)), forKey: key.stringValue)
    }
    mutating func encode(_ value: Int, forKey key: Key) { signed(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) { signed(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) { signed(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) { signed(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) { signed(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) { unsigned(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) { unsigned(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) { unsigned(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) { unsigned(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) { unsigned(value, key) }

    private func signed<I: FixedWidthInteger & SignedInteger>(_ value: I, _ key: Key) {
        object.set(.signed(Int64(value)), forKey: key.stringValue)
    }
    private func unsigned<I: FixedWidthInteger & UnsignedInteger>(_ value: I, _ key: Key) {
        object.set(.unsigned(UInt64(value)), forKey: key.stringValue)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object.set(try encodeValue(value, path: path(key)), forKey: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodedObject()
        object.set(.object(nested), forKey: key.stringValue)
        return KeyedEncodingContainer(TreeKeyedContainer<NestedKey>(object: nested, codingPath: path(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        object.set(.array(nested), forKey: key.stringValue)
        return TreeUnkeyedContainer(array: nested, codingPath: path(key))
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = TreeEncoder(codingPath: codingPath + [SuperKey()])
        object.set(.deferred(encoder), forKey: SuperKey().stringValue)
        return encoder
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let encoder = TreeEncoder(codingPath: path(key))
        object.set(.deferred(encoder), forKey: key.stringValue)
        return encoder
    }
}

struct TreeUnkeyedContainer: UnkeyedEncodingContainer {
    let array: EncodedArray
    let codingPath: [any CodingKey]

    var count: Int { array.elements.count }
    private var elementPath: [any CodingKey] { codingPath + [IndexKey(count)] }

    mutating func encodeNil() { array.elements.append(.null) }
    mutating func encode(_ value: Bool) { array.elements.append(.bool(value)) }
    mutating func encode(_ value: String) { array.elements.append(.string(value)) }
    mutating func encode(_ value: Double) throws { array.elements.append(try finite(value, elementPath)) }
    mutating func encode(_ value: Float) throws { array.elements.append(try finite(value, elementPath)) }
    mutating func encode(_ value: Int) { array.elements.append(.signed(Int64(value))) }
    mutating func encode(_ value: Int8) { array.elements.append(.signed(Int64(value))) }
    mutating func encode(_ value: Int16) { array.elements.append(.signed(Int64(value))) }
    mutating func encode(_ value: Int32) { array.elements.append(.signed(Int64(value))) }
    mutating func encode(_ value: Int64) { array.elements.append(.signed(value)) }
    mutating func encode(_ value: UInt) { array.elements.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) { array.elements.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) { array.elements.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) { array.elements.append(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) { array.elements.append(.unsigned(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        array.elements.append(try encodeValue(value, path: elementPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodedObject()
        let path = elementPath
        array.elements.append(.object(nested))
        return KeyedEncodingContainer(TreeKeyedContainer<NestedKey>(object: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        let path = elementPath
        array.elements.append(.array(nested))
        return TreeUnkeyedContainer(array: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = TreeEncoder(codingPath: elementPath)
        array.elements.append(.deferred(encoder))
        return encoder
    }
}

struct TreeSingleValueContainer: SingleValueEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() { encoder.value = .null }
    mutating func encode(_ value: Bool) { encoder.value = .bool(value) }
    mutating func encode(_ value: String) { encoder.value = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.value = try finite(value, codingPath) }
    mutating func encode(_ value: Float) throws { encoder.value = try finite(value, codingPath) }
    mutating func encode(_ value: Int) { encoder.value = .signed(Int64(value)) }
    mutating func encode(_ value: Int8) { encoder.value = .signed(Int64(value)) }
    mutating func encode(_ value: Int16) { encoder.value = .signed(Int64(value)) }
    mutating func encode(_ value: Int32) { encoder.value = .signed(Int64(value)) }
    mutating func encode(_ value: Int64) { encoder.value = .signed(value) }
    mutating func encode(_ value: UInt) { encoder.value = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) { encoder.value = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) { encoder.value = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) { encoder.value = .unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) { encoder.value = .unsigned(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.value = try encodeValue(value, path: codingPath) }
}
