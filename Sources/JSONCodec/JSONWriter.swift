/// Writes encoded values as compact JSON bytes.
///
/// Doubles go through `ShortestDouble` (Schubfach, spelled as Python's `repr`). It is a `TextOutputStream`
/// for Floats: `Float.write(to:)` formats into a stack buffer and hands the ASCII bytes to `_writeASCII`,
/// so no `String` is made (`description` allocates for results longer than 15 bytes).
struct JSONWriter: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

    mutating func write(_ value: EncodedValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): flag ? append("true") : append("false")
        case .signed(let number): writeInteger(number)
        case .unsigned(let number): writeInteger(number)
        case .double(let number): writeDouble(number)
        case .float(let number): number.write(to: &self)
        case .string(let text): writeString(text)
        case .array(let array):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in array.elements.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for i in object.keys.indices {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(object.keys[i])
                bytes.append(UInt8(ascii: ":"))
                write(object.values[i])
            }
            bytes.append(UInt8(ascii: "}"))
        case .deferred(let encoder):
            write(encoder.value ?? .object(EncodedObject()))
        case .doubles(let values): writeDoubles(values)
        case .doubleRows(let rows):
            bytes.append(UInt8(ascii: "["))
            for (i, row) in rows.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                writeDoubles(row)
            }
            bytes.append(UInt8(ascii: "]"))
        case .floats(let values):
            bytes.append(UInt8(ascii: "["))
            for (i, number) in values.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                number.write(to: &self)
            }
            bytes.append(UInt8(ascii: "]"))
        case .ints(let values):
            bytes.append(UInt8(ascii: "["))
            for (i, number) in values.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                writeInteger(Int64(number))
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }

    @inline(__always)
    private mutating func append(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Finite doubles only (checked when encoded).
    private mutating func writeDouble(_ value: Double) {
        var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let count = ShortestDouble.write(value, to: p)
            bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
        }
    }

    /// Finite doubles only (checked when encoded). Formats into a stack buffer that is appended whenever it
    /// may not hold one more element, with room for the longest spelling of every element reserved first:
    /// zero-filling that room in the output and trimming it afterwards wrote every byte twice.
    private mutating func writeDoubles(_ values: [Double]) {
        let needed = bytes.count + values.count * (ShortestDouble.maxLength + 1) + 2
        if bytes.capacity < needed {
            // Geometric growth, as append's: reserving the exact size would reallocate for every row of a batch.
            bytes.reserveCapacity(max(needed, 2 * bytes.capacity))
        }
        bytes.append(UInt8(ascii: "["))
        // Up to 1 KiB, a temporary allocation is always on the stack.
        let capacity = 1024
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { chunk in
            let base = chunk.baseAddress!
            var w = 0
            values.withUnsafeBufferPointer { values in
                for i in values.indices {
                    if w > capacity - ShortestDouble.maxLength - 1 {
                        bytes.append(contentsOf: UnsafeBufferPointer(start: base, count: w))
                        w = 0
                    }
                    if i > 0 {
                        base[w] = UInt8(ascii: ",")
                        w += 1
                    }
                    w += ShortestDouble.write(values[i], to: base + w)
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(start: base, count: w))
        }
        bytes.append(UInt8(ascii: "]"))
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
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[at...]))
        }
    }

    /// RFC 8259 §7: `"` and `\` and the C0 controls are escaped (short forms where JSON has them,
    /// `\u00XX` otherwise); everything else, non-ASCII included, is copied as UTF-8.
    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (i, byte) in utf8.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                runStart = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(hex.utf8Start[Int(byte >> 4)])
                    bytes.append(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
