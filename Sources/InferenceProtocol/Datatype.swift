import JSONCodec

/// A tensor element type of the Open Inference Protocol, spelled as the protocol spells it.
package enum Datatype: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case uint8 = "UINT8"
    case uint16 = "UINT16"
    case uint32 = "UINT32"
    case uint64 = "UINT64"
    case int8 = "INT8"
    case int16 = "INT16"
    case int32 = "INT32"
    case int64 = "INT64"
    case fp16 = "FP16"
    case bf16 = "BF16"
    case fp32 = "FP32"
    case fp64 = "FP64"
    /// Strings; outputs only (`label`, classification). As binary, each element is a 4-byte little-endian
    /// length and then its bytes.
    case bytes = "BYTES"

    /// Bytes per element in the binary tensor extension; nil for BYTES, whose elements vary.
    package var elementSize: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16, .bf16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    /// How a JSON `data` element of this type is read; nil where the type cannot be JSON (FP16 and BF16 have
    /// no JSON form in the protocol) or is not an input type here (BYTES).
    var jsonLeaf: NumberLeaf? {
        switch self {
        case .bool: .boolean
        case .uint8: .unsignedInteger(max: UInt64(UInt8.max))
        case .uint16: .unsignedInteger(max: UInt64(UInt16.max))
        case .uint32: .unsignedInteger(max: UInt64(UInt32.max))
        case .uint64: .unsignedInteger(max: UInt64.max)
        case .int8: .integer(Int64(Int8.min)...Int64(Int8.max))
        case .int16: .integer(Int64(Int16.min)...Int64(Int16.max))
        case .int32: .integer(Int64(Int32.min)...Int64(Int32.max))
        case .int64: .integer(Int64.min...Int64.max)
        case .fp32: .float
        case .fp64: .double
        case .fp16, .bf16, .bytes: nil
        }
    }

    /// The names an input may have, for messages.
    static let inputNames = allCases.filter { $0 != .bytes }.map(\.rawValue).joined(separator: ", ")

    /// Reads `count` little-endian elements of this type from `source` (exactly `count × elementSize` bytes)
    /// into `destination`, widened to Double. Integers wider than 53 bits round to the nearest Double, as the
    /// math would anyway.
    ///
    /// - Returns: the index of the first element that is not a number the math can take (a NaN or an infinity;
    ///   a BOOL byte other than 0 or 1), or nil when all were.
    func read(
        _ source: UnsafeRawBufferPointer, count: Int, into destination: UnsafeMutableBufferPointer<Double>
    ) -> Int? {
        precondition(elementSize.map { $0 * count == source.count } ?? false && destination.count >= count)
        switch self {
        case .bool:
            for i in 0..<count {
                let byte = source[i]
                guard byte <= 1 else { return i }
                destination[i] = Double(byte)
            }
        case .uint8: Self.readIntegers(UInt8.self, source, count, destination)
        case .uint16: Self.readIntegers(UInt16.self, source, count, destination)
        case .uint32: Self.readIntegers(UInt32.self, source, count, destination)
        case .uint64: Self.readIntegers(UInt64.self, source, count, destination)
        case .int8: Self.readIntegers(Int8.self, source, count, destination)
        case .int16: Self.readIntegers(Int16.self, source, count, destination)
        case .int32: Self.readIntegers(Int32.self, source, count, destination)
        case .int64: Self.readIntegers(Int64.self, source, count, destination)
        case .fp16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Double(Float16(bitPattern: bits))
            }
        case .bf16:
            // bfloat16 is the top half of a Float's bits.
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Double(Float(bitPattern: UInt32(bits) << 16))
            }
        case .fp32:
            for i in 0..<count {
                let bits = UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                destination[i] = Double(Float(bitPattern: bits))
            }
        case .fp64:
            #if _endian(little)
                // The rows the math uses are little-endian Doubles too: one copy, no conversion.
                UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(destination)[..<source.count])
                    .copyMemory(from: source)
            #else
                for i in 0..<count {
                    let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                    destination[i] = Double(bitPattern: bits)
                }
            #endif
        case .bytes:
            preconditionFailure("BYTES has no fixed element size")
        }
        if self == .fp16 || self == .bf16 || self == .fp32 || self == .fp64 {
            return destination[..<count].firstIndex { !$0.isFinite }
        }
        return nil
    }

    private static func readIntegers<I: FixedWidthInteger>(
        _: I.Type, _ source: UnsafeRawBufferPointer, _ count: Int, _ destination: UnsafeMutableBufferPointer<Double>
    ) {
        let size = MemoryLayout<I>.size
        for i in 0..<count {
            destination[i] = Double(I(littleEndian: source.loadUnaligned(fromByteOffset: size * i, as: I.self)))
        }
    }
}
