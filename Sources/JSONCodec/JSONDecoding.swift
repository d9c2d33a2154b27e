/// Decodes `T` from a complete JSON text (RFC 8259) in `bytes`. Leading and trailing whitespace is allowed;
/// anything else after the value is a syntax error.
///
/// Throws `JSONDecodingError` for everything this module detects, and for `Swift.DecodingError`s thrown by
/// a type's own `init(from:)` (translated, with their coding path). Any other error a type throws from its
/// `init(from:)` propagates unchanged: the service throws its own problem errors from there. That is why
/// this function is not `throws(JSONDecodingError)`.
///
/// The whole text is validated first (one pass that also converts every number), so a body that is not
/// JSON is always reported as a syntax error, whatever the type.
package func decodeJSON<T: Decodable>(_ type: T.Type, from bytes: [UInt8], maxDepth: Int = 64) throws -> T {
    let context = DecodingContext(try Tape(parsing: bytes, maxDepth: maxDepth))
    do {
        return try context.decode(T.self, at: 0, path: [])
    } catch let error as DecodingError {
        throw context.translate(error)
    }
}

/// The member names of the object `decoder` stands at, in document order; nil when `decoder` is
/// not this module's or not at an object (its container then reports that).
///
/// For types that refuse unknown fields: `KeyedDecodingContainer.allKeys` builds every key and
/// then casts the array back from the type-erased box at run time, which cost more than reading a
/// whole 5-number request (perf: 5 % of a small request's CPU, most of it in generic metadata).
package func memberNames(of decoder: any Decoder) -> [String]? {
    guard let decoder = decoder as? TapeDecoder else { return nil }
    let context = decoder.context
    let object = context.node(decoder.index)
    guard object.kind == .object else { return nil }
    var names: [String] = []
    names.reserveCapacity(Int(object.end))
    var k = decoder.index + 1
    for _ in 0..<Int(object.end) {
        names.append(context.tape.string(at: k))
        k = context.tape.next(after: k + 1)
    }
    return names
}

/// The validated document, shared by every decoder and container made from it.
final class DecodingContext {
    let tape: Tape

    init(_ tape: Tape) { self.tape = tape }

    @inline(__always)
    func node(_ index: Int) -> TapeNode { tape.nodes[index] }

    func mismatch(_ expected: JSONKindDescription, at index: Int, _ path: [any CodingKey]) -> JSONDecodingError {
        JSONDecodingError(.typeMismatch(expected: expected, found: node(index).jsonKind), path: pathString(path))
    }

    // MARK: Scalars

    func bool(at index: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        switch node(index).kind {
        case .true: return true
        case .false: return false
        default: throw mismatch(.boolean, at: index, path())
        }
    }

    func string(at index: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard node(index).kind == .string else { throw mismatch(.string, at: index, path()) }
        return tape.string(at: index)
    }

    @inline(__always)
    func double(at index: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Double {
        let node = node(index)
        guard node.kind == .number else { throw mismatch(.number, at: index, path()) }
        let value = Double(bitPattern: node.payload)
        guard value.isFinite else {
            throw JSONDecodingError(.numberOutOfRange(literal: tape.literal(at: index)), path: pathString(path()))
        }
        return value
    }

    func float(at index: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> Float {
        let double = try double(at: index, path())
        let node = node(index)
        let value = tape.bytes.withUnsafeBufferPointer { buffer in
            DecimalConversion.float(
                fromDouble: double,
                literal: UnsafeBufferPointer(rebasing: buffer[Int(node.start)..<Int(node.end)]))
        }
        guard value.isFinite else {
            throw JSONDecodingError(.numberOutOfRange(literal: tape.literal(at: index)), path: pathString(path()))
        }
        return value
    }

    func integer<I: FixedWidthInteger>(_: I.Type, at index: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> I
    {
        let node = node(index)
        guard node.kind == .number else { throw mismatch(.integer, at: index, path()) }
        // A plain literal of up to 18 digits fits in Int64 and is the Double's exact value only up to 2^53,
        // so read the digits, not the Double.
        if node.flag, node.end - node.start <= 18 {
            var value: Int64 = 0
            var k = Int(node.start)
            let negative = tape.bytes[k] == UInt8(ascii: "-")
            if negative { k += 1 }
            while k < Int(node.end) {
                value = value * 10 + Int64(tape.bytes[k] &- UInt8(ascii: "0"))
                k += 1
            }
            if let result = I(exactly: negative ? -value : value) { return result }
            throw JSONDecodingError(.numberOutOfRange(literal: tape.literal(at: index)), path: pathString(path()))
        }
        do {
            return try tape.bytes.withUnsafeBufferPointer { (buffer) throws(IntegerConversion.Failure) in
                try IntegerConversion.integer(
                    I.self, from: UnsafeBufferPointer(rebasing: buffer[Int(node.start)..<Int(node.end)]))
            }
        } catch .notAnInteger {
            throw JSONDecodingError(.notAnInteger(literal: tape.literal(at: index)), path: pathString(path()))
        } catch .outOfRange {
            throw JSONDecodingError(.numberOutOfRange(literal: tape.literal(at: index)), path: pathString(path()))
        }
    }

    // MARK: Arrays of numbers, without a container per element

    // The coding paths are built only when an error needs one: an array per element (or per row) was a
    // malloc each, the most of a batch decode's allocations.

    func doubles(at index: Int, _ path: @autoclosure () -> [any CodingKey]) throws -> [Double] {
        let array = node(index)
        guard array.kind == .array else { throw mismatch(.array, at: index, path()) }
        let count = Int(array.end)
        // Not through `init(unsafeUninitializedCapacity:)`: with capacity 0 it writes the count of the
        // runtime's shared empty array, a data race (ThreadSanitizer) with any thread reading an empty array.
        guard count > 0 else { return [] }
        return try [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            let copied = tape.finiteNumbers(from: index + 1, count: count, into: buffer.baseAddress!)
            guard copied == count else {
                // The elements before it were numbers, one node each: the culprit is the next node.
                _ = try double(at: index + 1 + copied, path() + [IndexKey(copied)])  // throws the precise error
                fatalError("unreachable: a non-number or out-of-range number decoded")
            }
            initialized = count
        }
    }

    func doubleRows(at index: Int, _ path: [any CodingKey]) throws -> [[Double]] {
        try elements(at: index, path) { try doubles(at: $0, $1()) }
    }

    func floats(at index: Int, _ path: [any CodingKey]) throws -> [Float] {
        try elements(at: index, path) { try float(at: $0, $1()) }
    }

    func ints(at index: Int, _ path: [any CodingKey]) throws -> [Int] {
        try elements(at: index, path) { try integer(Int.self, at: $0, $1()) }
    }

    /// The array at `index`, each element read by `element(node, a function making its coding path)`.
    @inline(__always)
    private func elements<T>(
        at index: Int, _ path: [any CodingKey], _ element: (Int, () -> [any CodingKey]) throws -> T
    ) throws -> [T] {
        let array = node(index)
        guard array.kind == .array else { throw mismatch(.array, at: index, path) }
        var result: [T] = []
        result.reserveCapacity(Int(array.end))
        var k = index + 1
        for i in 0..<Int(array.end) {
            result.append(try element(k, { path + [IndexKey(i)] }))
            k = tape.next(after: k)
        }
        return result
    }

    /// Every generic `decode` lands here: number arrays and scalars take their fast paths, anything else
    /// gets a decoder of its own.
    func decode<T: Decodable>(_: T.Type, at index: Int, path: [any CodingKey]) throws -> T {
        if T.self == [Double].self { return unsafeBitCast(try doubles(at: index, path), to: T.self) }
        if T.self == [[Double]].self { return unsafeBitCast(try doubleRows(at: index, path), to: T.self) }
        if T.self == [Float].self { return unsafeBitCast(try floats(at: index, path), to: T.self) }
        if T.self == [Int].self { return unsafeBitCast(try ints(at: index, path), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(at: index, path), to: T.self) }
        if T.self == String.self { return unsafeBitCast(try string(at: index, path), to: T.self) }
        return try T(from: TapeDecoder(context: self, index: index, codingPath: path))
    }

    // MARK: Errors thrown by user types

    /// The tape index of the value at `codingPath`, if the path names one.
    func index(at codingPath: [any CodingKey]) -> Int? {
        var index = 0
        for key in codingPath {
            let container = node(index)
            var child = index + 1
            switch container.kind {
            case .array:
                guard let position = key.intValue, position >= 0, position < Int(container.end) else { return nil }
                for _ in 0..<position { child = tape.next(after: child) }
                index = child
            case .object:
                var found: Int? = nil
                for _ in 0..<Int(container.end) {
                    if tape.string(at: child) == key.stringValue { found = child + 1 }
                    child = tape.next(after: child + 1)
                }
                guard let found else { return nil }
                index = found
            default:
                return nil
            }
        }
        return index
    }

    func translate(_ error: DecodingError) -> JSONDecodingError {
        switch error {
        case .typeMismatch(let type, let context):
            if let index = index(at: context.codingPath) {
                return mismatch(expectedKind(of: type), at: index, context.codingPath)
            }
            return JSONDecodingError(.invalidValue(context.debugDescription), path: pathString(context.codingPath))
        case .valueNotFound(let type, let context):
            if let index = index(at: context.codingPath), node(index).kind == .null {
                return mismatch(expectedKind(of: type), at: index, context.codingPath)
            }
            return JSONDecodingError(.invalidValue(context.debugDescription), path: pathString(context.codingPath))
        case .keyNotFound(let key, let context):
            return JSONDecodingError(.missingField(key.stringValue), path: pathString(context.codingPath))
        case .dataCorrupted(let context):
            return JSONDecodingError(.invalidValue(context.debugDescription), path: pathString(context.codingPath))
        @unknown default:
            return JSONDecodingError(.invalidValue(String(describing: error)), path: "")
        }
    }

    private func expectedKind(of type: Any.Type) -> JSONKindDescription {
        switch type {
        case is any BinaryFloatingPoint.Type: .number
        case is any FixedWidthInteger.Type: .integer
        case is String.Type, is Character.Type: .string
        case is Bool.Type: .boolean
        default: JSONKindDescription(String(describing: type))
        }
    }
}

/// A `Decoder` positioned at one node of the tape.
struct TapeDecoder: Decoder {
    let context: DecodingContext
    let index: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try TapeKeyedContainer<Key>(context: context, index: index, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try TapeUnkeyedContainer(context: context, index: index, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TapeSingleValueContainer(context: context, index: index, codingPath: codingPath)
    }
}

/// An object's members, in document order, with duplicates refused when the container is made.
struct TapeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let context: DecodingContext
    let codingPath: [any CodingKey]
    let names: [String]
    let values: [Int]
    /// For objects too big for a linear scan: name → position.
    let lookup: [String: Int]?

    init(context: DecodingContext, index: Int, codingPath: [any CodingKey]) throws {
        let object = context.node(index)
        guard object.kind == .object else { throw context.mismatch(.object, at: index, codingPath) }
        let count = Int(object.end)
        var names: [String] = []
        var values: [Int] = []
        names.reserveCapacity(count)
        values.reserveCapacity(count)
        var k = index + 1
        for _ in 0..<count {
            names.append(context.tape.string(at: k))
            values.append(k + 1)
            k = context.tape.next(after: k + 1)
        }
        var lookup: [String: Int]? = nil
        if count > 12 {
            var table: [String: Int] = [:]
            table.reserveCapacity(count)
            for (position, name) in names.enumerated() where table.updateValue(position, forKey: name) != nil {
                throw JSONDecodingError(.duplicateField(name), path: pathString(codingPath))
            }
            lookup = table
        } else {
            for a in 0..<count {
                for b in (a + 1)..<max(count, a + 1) where names[a] == names[b] {
                    throw JSONDecodingError(.duplicateField(names[a]), path: pathString(codingPath))
                }
            }
        }
        self.context = context
        self.codingPath = codingPath
        self.names = names
        self.values = values
        self.lookup = lookup
    }

    var allKeys: [Key] { names.compactMap { Key(stringValue: $0) } }

    private func position(of key: Key) -> Int? {
        let name = key.stringValue
        if let lookup { return lookup[name] }
        return names.firstIndex(of: name)
    }

    func contains(_ key: Key) -> Bool { position(of: key) != nil }

    private func value(for key: Key) throws -> Int {
        guard let position = position(of: key) else {
            throw JSONDecodingError(.missingField(key.stringValue), path: pathString(codingPath))
        }
        return values[position]
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool { context.node(try value(for: key)).kind == .null }
    func decode(_: Bool.Type, forKey key: Key) throws -> Bool { try context.bool(at: value(for: key), path(key)) }
    func decode(_: String.Type, forKey key: Key) throws -> String {
        try context.string(at: value(for: key), path(key))
    }
    func decode(_: Double.Type, forKey key: Key) throws -> Double {
        try context.double(at: value(for: key), path(key))
    }
    func decode(_: Float.Type, forKey key: Key) throws -> Float { try context.float(at: value(for: key), path(key)) }
    func decode(_: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    private func integer<I: FixedWidthInteger>(_ key: Key) throws -> I {
        try context.integer(I.self, at: value(for: key), path(key))
    }

    func decode<T: Decodable>(_: T.Type, forKey key: Key) throws -> T {
        try context.decode(T.self, at: value(for: key), path: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(
            try TapeKeyedContainer<NestedKey>(context: context, index: value(for: key), codingPath: path(key)))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TapeUnkeyedContainer(context: context, index: value(for: key), codingPath: path(key))
    }

    func superDecoder() throws -> any Decoder {
        let key = SuperKey()
        guard let position = names.firstIndex(of: key.stringValue) else {
            throw JSONDecodingError(.missingField(key.stringValue), path: pathString(codingPath))
        }
        return TapeDecoder(context: context, index: values[position], codingPath: codingPath + [key])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TapeDecoder(context: context, index: try value(for: key), codingPath: path(key))
    }
}

/// The key `superDecoder()` and `superEncoder()` use, as Foundation spells it.
struct SuperKey: CodingKey {
    init() {}
    init?(stringValue: String) { if stringValue != "super" { return nil } }
    init?(intValue: Int) { nil }
    var stringValue: String { "super" }
    var intValue: Int? { nil }
}

/// An array's elements, read in order. An element is consumed only when it decodes, as Foundation does,
/// so a failed `try?` probe leaves the container where it was.
struct TapeUnkeyedContainer: UnkeyedDecodingContainer {
    let context: DecodingContext
    let codingPath: [any CodingKey]
    let elementCount: Int
    private(set) var currentIndex = 0
    /// The tape index of element `currentIndex`.
    private var cursor: Int

    init(context: DecodingContext, index: Int, codingPath: [any CodingKey]) throws {
        let array = context.node(index)
        guard array.kind == .array else { throw context.mismatch(.array, at: index, codingPath) }
        self.context = context
        self.codingPath = codingPath
        self.elementCount = Int(array.end)
        self.cursor = index + 1
    }

    var count: Int? { elementCount }
    var isAtEnd: Bool { currentIndex >= elementCount }

    private var elementPath: [any CodingKey] { codingPath + [IndexKey(currentIndex)] }

    private func current() throws -> Int {
        guard !isAtEnd else {
            throw JSONDecodingError(
                .invalidValue("expected more than \(elementCount) elements"), path: pathString(codingPath))
        }
        return cursor
    }

    private mutating func advance() {
        cursor = context.tape.next(after: cursor)
        currentIndex += 1
    }

    /// Decodes the current element with `body(context, index, path)`, then moves past it.
    private mutating func read<T>(_ body: (DecodingContext, Int, [any CodingKey]) throws -> T) throws -> T {
        let value = try body(context, try current(), elementPath)
        advance()
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard context.node(try current()).kind == .null else { return false }
        advance()
        return true
    }

    mutating func decode(_: Bool.Type) throws -> Bool { try read { try $0.bool(at: $1, $2) } }
    mutating func decode(_: String.Type) throws -> String { try read { try $0.string(at: $1, $2) } }
    mutating func decode(_: Double.Type) throws -> Double { try read { try $0.double(at: $1, $2) } }
    mutating func decode(_: Float.Type) throws -> Float { try read { try $0.float(at: $1, $2) } }
    mutating func decode(_: Int.Type) throws -> Int { try integer() }
    mutating func decode(_: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_: UInt64.Type) throws -> UInt64 { try integer() }

    private mutating func integer<I: FixedWidthInteger>() throws -> I {
        try read { try $0.integer(I.self, at: $1, $2) }
    }

    mutating func decode<T: Decodable>(_: T.Type) throws -> T {
        try read { try $0.decode(T.self, at: $1, path: $2) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try read {
            KeyedDecodingContainer(try TapeKeyedContainer<NestedKey>(context: $0, index: $1, codingPath: $2))
        }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try read { try TapeUnkeyedContainer(context: $0, index: $1, codingPath: $2) }
    }

    mutating func superDecoder() throws -> any Decoder {
        try read { TapeDecoder(context: $0, index: $1, codingPath: $2) }
    }
}

struct TapeSingleValueContainer: SingleValueDecodingContainer {
    let context: DecodingContext
    let index: Int
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { context.node(index).kind == .null }
    func decode(_: Bool.Type) throws -> Bool { try context.bool(at: index, codingPath) }
    func decode(_: String.Type) throws -> String { try context.string(at: index, codingPath) }
    func decode(_: Double.Type) throws -> Double { try context.double(at: index, codingPath) }
    func decode(_: Float.Type) throws -> Float { try context.float(at: index, codingPath) }
    func decode(_: Int.Type) throws -> Int { try context.integer(Int.self, at: index, codingPath) }
    func decode(_: Int8.Type) throws -> Int8 { try context.integer(Int8.self, at: index, codingPath) }
    func decode(_: Int16.Type) throws -> Int16 { try context.integer(Int16.self, at: index, codingPath) }
    func decode(_: Int32.Type) throws -> Int32 { try context.integer(Int32.self, at: index, codingPath) }
    func decode(_: Int64.Type) throws -> Int64 { try context.integer(Int64.self, at: index, codingPath) }
    func decode(_: UInt.Type) throws -> UInt { try context.integer(UInt.self, at: index, codingPath) }
    func decode(_: UInt8.Type) throws -> UInt8 { try context.integer(UInt8.self, at: index, codingPath) }
    func decode(_: UInt16.Type) throws -> UInt16 { try context.integer(UInt16.self, at: index, codingPath) }
    func decode(_: UInt32.Type) throws -> UInt32 { try context.integer(UInt32.self, at: index, codingPath) }
    func decode(_: UInt64.Type) throws -> UInt64 { try context.integer(UInt64.self, at: index, codingPath) }
    func decode<T: Decodable>(_: T.Type) throws -> T { try context.decode(T.self, at: index, path: codingPath) }
}
