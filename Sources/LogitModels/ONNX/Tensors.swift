import ONNXProto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// Reading ONNX initializers into Doubles. The file is untrusted: dims are checked for sign and for an
// overflowing product, and the declared element count is compared with the bytes actually present, before
// anything proportional to the count is allocated.

/// The element types an initializer may hold, named as ONNX's `TensorProto.DataType` names them in messages.
enum TensorType: Int32 {
    case float = 1
    case int32 = 6
    case int64 = 7
    case string = 8
    case float16 = 10
    case double = 11

    /// The ONNX name of any data type code, for messages about unsupported ones.
    static func name(_ code: Int32) -> String {
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(code)) else { return "data type \(code)" }
        return String(describing: type).uppercased()
    }
}

/// Why a tensor could not be read; `TensorReader` turns it into a sentence naming the tensor.
struct TensorProblem: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

/// A checked view of one `TensorProto`: its dims and element count, validated, before its values are read.
struct ONNXTensor {
    let proto: Onnx_TensorProto
    let dims: [Int]
    let count: Int

    init(_ proto: Onnx_TensorProto) throws(TensorProblem) {
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            let location = proto.externalData.first { $0.key == "location" }?.value
            throw TensorProblem(
                "its data is in an external file\(location.map { " ('\($0)')" } ?? ""); logitd reads only "
                    + "self-contained .onnx files (save with onnx.save(..., save_as_external_data=False))")
        }
        if proto.hasSegment { throw TensorProblem("it is a segment of a larger tensor, which logitd does not read") }
        var dims: [Int] = []
        var count = 1
        for d in proto.dims {
            guard d >= 0, let dim = Int(exactly: d) else { throw TensorProblem("it has a negative dimension \(d)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else {
                throw TensorProblem("its dims \(proto.dims) have a product that overflows a 64-bit integer")
            }
            dims.append(dim)
            count = product
        }
        self.proto = proto
        self.dims = dims
        self.count = count
    }

    var type: Int32 { proto.dataType }

    /// The raw bytes' length must be exactly count × the element size (checked without overflow); then each
    /// element is read little-endian, as ONNX stores raw_data on every platform, and converted.
    private func raw<Bits: FixedWidthInteger, Value>(
        _: Bits.Type, _ convert: (Bits) -> Value
    ) throws(TensorProblem) -> [Value] {
        let size = MemoryLayout<Bits>.size
        let (expected, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, proto.rawData.count == expected else {
            throw TensorProblem(
                "its raw_data has \(proto.rawData.count) bytes but its dims \(dims) need "
                    + (overflow ? "more than 2^63" : "\(expected)"))
        }
        return proto.rawData.withUnsafeBytes { bytes in
            (0..<count).map { i in
                convert(Bits(littleEndian: bytes.loadUnaligned(fromByteOffset: i * size, as: Bits.self)))
            }
        }
    }

    private func checkTyped(_ present: Int, field: String) throws(TensorProblem) {
        guard present == count else {
            throw TensorProblem("its \(field) has \(present) values but its dims \(dims) need \(count)")
        }
    }

    /// The values of a FLOAT, DOUBLE or FLOAT16 tensor, each widened exactly to Double; every value finite.
    func doubles() throws(TensorProblem) -> [Double] {
        guard let type = TensorType(rawValue: type), [.float, .double, .float16].contains(type) else {
            throw TensorProblem(
                "its data type \(TensorType.name(type)) is not one logitd reads (FLOAT, DOUBLE, FLOAT16)")
        }
        let isRaw = !proto.rawData.isEmpty || count == 0
        var values: [Double] = []
        switch type {
        case .float where isRaw: values = try raw(UInt32.self) { Double(Float(bitPattern: $0)) }
        case .float:
            try checkTyped(proto.floatData.count, field: "float_data")
            values = proto.floatData.map(Double.init)
        case .double where isRaw: values = try raw(UInt64.self) { Double(bitPattern: $0) }
        case .double:
            try checkTyped(proto.doubleData.count, field: "double_data")
            values = proto.doubleData
        // FLOAT16: raw 2-byte values, or int32_data holding the bit patterns (ONNX's rule for FLOAT16).
        case .float16 where isRaw: values = try raw(UInt16.self, widenHalf)
        default:
            try checkTyped(proto.int32Data.count, field: "int32_data")
            for bits in proto.int32Data {
                guard let half = UInt16(exactly: bits) else {
                    throw TensorProblem("its int32_data holds \(bits), not a 16-bit float pattern")
                }
                values.append(widenHalf(half))
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw TensorProblem("element \(bad) is \(values[bad]), not a finite number")
        }
        return values
    }

    /// The values of an INT64 or INT32 tensor (shapes, axes, class labels).
    func integers() throws(TensorProblem) -> [Int64] {
        let isRaw = !proto.rawData.isEmpty || count == 0
        switch TensorType(rawValue: type) {
        case .int64? where isRaw: return try raw(Int64.self) { $0 }
        case .int64?:
            try checkTyped(proto.int64Data.count, field: "int64_data")
            return proto.int64Data
        case .int32? where isRaw: return try raw(Int32.self, Int64.init)
        case .int32?:
            try checkTyped(proto.int32Data.count, field: "int32_data")
            return proto.int32Data.map(Int64.init)
        default:
            throw TensorProblem("its data type \(TensorType.name(type)) is not an integer type (INT64, INT32)")
        }
    }

    /// Class labels: INT64/INT32 values as decimal text, or STRING values as UTF-8 text.
    func labels() throws(TensorProblem) -> [String] {
        guard type == TensorType.string.rawValue else { return try integers().map { String($0) } }
        try checkTyped(proto.stringData.count, field: "string_data")
        return try proto.stringData.map { (data) throws(TensorProblem) in try utf8(data, what: "a label") }
    }
}

/// A STRING attribute or tensor element as text; ONNX strings are bytes, and a label must be UTF-8.
func utf8(_ data: Data, what: String) throws(TensorProblem) -> String {
    guard let text = String(validating: data, as: UTF8.self) else {
        throw TensorProblem("\(what) is not valid UTF-8")
    }
    return text
}
