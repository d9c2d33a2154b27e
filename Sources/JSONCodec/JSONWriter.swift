/// Writes encoded values as compact JSON bytes, straight into the array that is returned.
///
/// `document(_:)` first bounds the length of the text from the tree (a number array's bound is its count
/// times the longest spelling, so this costs nothing per element), makes the array with that capacity,
/// uninitialised, and writes through a pointer: no intermediate buffer, no capacity check per byte.
///
/// Doubles go through `ShortestDouble` (Schubfach, spelled as Python's `repr`). It is a `TextOutputStream`
/// for Floats: `Float.write(to:)` formats into a stack buffer and hands the ASCII bytes to `_writeASCII`,
/// so no `String` is made (`description` allocates for results longer than 15 bytes).
struct JSONWriter: TextOutputStream {
    /// Where the next byte goes.
    private(set) var p: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) { p = start }

    /// The JSON text of `value`.
    static func document(_ value: EncodedValue) -> [UInt8] {
        let bound = maxLength(value)
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            guard let start = buffer.baseAddress else { return }
            var writer = JSONWriter(start)
            writer.write(value)
            count = writer.p - start
            precondition(count <= bound, "JSONWriter.maxLength is not an upper bound")
        }
    }

    /// The longest Float spelling: "-1.17549435e-38" is 15 bytes; 24 leaves room.
    static let maxFloatLength = 24
    /// The longest integer: "-9223372036854775808" and "18446744073709551615" are 20 bytes.
    static let maxIntegerLength = 20

    /// An upper bound of the length of `value`'s text.
    static func maxLength(_ value: EncodedValue) -> Int {
        switch value {
        case .null, .bool: return 5
        case .signed, .unsigned: return maxIntegerLength
        case .double: return ShortestDouble.maxLength
        case .float: return maxFloatLength
        case .string(let text): return maxLength(text)
        case .array(let array):
            return array.elements.reduce(2 + array.elements.count) { $0 + maxLength($1) }
        case .object(let object):
            var total = 2 + 2 * object.keys.count
            for i in object.keys.indices { total += maxLength(object.keys[i]) + maxLength(object.values[i]) }
            return total
        case .deferred(let encoder): return maxLength(encoder.value ?? .object(EncodedObject()))
        case .doubles(let values): return 2 + values.count * (ShortestDouble.maxLength + 1)
        case .doubleRows(let rows):
            return rows.reduce(2 + rows.count) { $0 + 2 + $1.count * (ShortestDouble.maxLength + 1) }
        case .floats(let values): return 2 + values.count * (maxFloatLength + 1)
        case .ints(let values): return 2 + values.count * (maxIntegerLength + 1)
        }
    }

    /// Quotes and at most 6 bytes (`\u00XX`) per UTF-8 byte.
    private static func maxLength(_ text: String) -> Int { 2 + 6 * text.utf8.count }

    mutating func write(_ string: String) {
        for byte in string.utf8 { put(byte) }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { copy(buffer) }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        p.pointee = byte
        p += 1
    }

    @inline(__always)
    private mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        p.update(from: source, count: bytes.count)
        p += bytes.count
    }

    /// `text`'s bytes as they are; a short text (a key and its punctuation) as words, not through `memcpy`
    /// (a call per piece, about 40 instructions, for some ten pieces an answer). The words read only the
    /// text's own bytes.
    @inline(__always)
    mutating func write(raw text: StaticString) {
        let count = text.utf8CodeUnitCount
        let source = UnsafeRawPointer(text.utf8Start)
        let target = UnsafeMutableRawPointer(p)
        switch count {
        case 8...16:
            target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8,
                as: UInt64.self)
        case 4..<8:
            target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4,
                as: UInt32.self)
        case 1..<4:
            for i in 0..<count {
                target.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
            }
        default:
            copy(text)
            return
        }
        p += count
    }

    /// A finite number, shortest round-trip.
    @inline(__always)
    mutating func write(double value: Double) { p += ShortestDouble.write(value, to: p) }

    mutating func write(integer value: Int) { writeInteger(value) }

    mutating func write(string text: String) { writeString(text) }

    @inline(__always)
    private mutating func copy(_ literal: StaticString) {
        copy(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func write(_ value: EncodedValue) {
        switch value {
        case .null: copy("null")
        case .bool(let flag): flag ? copy("true") : copy("false")
        case .signed(let number): writeInteger(number)
        case .unsigned(let number): writeInteger(number)
        case .double(let number): p += ShortestDouble.write(number, to: p)
        case .float(let number): number.write(to: &self)
        case .string(let text): writeString(text)
        case .array(let array):
            put(UInt8(ascii: "["))
            for (i, element) in array.elements.enumerated() {
                if i > 0 { put(UInt8(ascii: ",")) }
                write(element)
            }
            put(UInt8(ascii: "]"))
        case .object(let object):
            put(UInt8(ascii: "{"))
            for i in object.keys.indices {
                if i > 0 { put(UInt8(ascii: ",")) }
                writeString(object.keys[i])
                put(UInt8(ascii: ":"))
                write(object.values[i])
            }
            put(UInt8(ascii: "}"))
        case .deferred(let encoder):
            write(encoder.value ?? .object(EncodedObject()))
        case .doubles(let values): writeDoubles(values)
        case .doubleRows(let rows):
            put(UInt8(ascii: "["))
            for (i, row) in rows.enumerated() {
                if i > 0 { put(UInt8(ascii: ",")) }
                writeDoubles(row)
            }
            put(UInt8(ascii: "]"))
        case .floats(let values):
            put(UInt8(ascii: "["))
            for (i, number) in values.enumerated() {
                if i > 0 { put(UInt8(ascii: ",")) }
                number.write(to: &self)
            }
            put(UInt8(ascii: "]"))
        case .ints(let values):
            put(UInt8(ascii: "["))
            for (i, number) in values.enumerated() {
                if i > 0 { put(UInt8(ascii: ",")) }
                writeInteger(Int64(number))
            }
            put(UInt8(ascii: "]"))
        }
    }

    /// Finite doubles only (checked when encoded), each written where the last one ended.
    private mutating func writeDoubles(_ values: [Double]) {
        values.withUnsafeBufferPointer { values in writeDoubles(values) }
    }

    /// `[…]`: finite doubles only (checked by the caller), at most `2 + values.count *
    /// (ShortestDouble.maxLength + 1)` bytes.
    mutating func writeDoubles(_ values: UnsafeBufferPointer<Double>) {
        put(UInt8(ascii: "["))
        p += ShortestDouble.write(values, to: p)
        put(UInt8(ascii: "]"))
    }

    private mutating func writeInteger<I: FixedWidthInteger>(_ value: I) {
        // Digits are produced backwards into a 20-byte scratch area (UInt64.max has 20 digits).
        var magnitude = value.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { raw in
            var at = raw.count
            repeat {
                at -= 1
                raw[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            if value < 0 {
                at -= 1
                raw[at] = UInt8(ascii: "-")
            }
            copy(UnsafeRawBufferPointer(rebasing: raw[at...]).assumingMemoryBound(to: UInt8.self))
        }
    }

    /// RFC 8259 §7: `"` and `\` and the C0 controls are escaped (short forms where JSON has them,
    /// `\u00XX` otherwise); everything else, non-ASCII included, is copied as UTF-8.
    private mutating func writeString(_ text: String) {
        put(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (i, byte) in utf8.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                copy(UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                runStart = i + 1
                put(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(byte)
                case 0x08: put(UInt8(ascii: "b"))
                case 0x0C: put(UInt8(ascii: "f"))
                case 0x0A: put(UInt8(ascii: "n"))
                case 0x0D: put(UInt8(ascii: "r"))
                case 0x09: put(UInt8(ascii: "t"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    copy("u00")
                    put(hex.utf8Start[Int(byte >> 4)])
                    put(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            copy(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        put(UInt8(ascii: "\""))
    }
}
