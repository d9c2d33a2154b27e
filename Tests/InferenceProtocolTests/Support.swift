import Testing

@testable import InferenceProtocol

/// A request body as a client sends it: the JSON header, then the blobs; with the header's length when
/// there are blobs (the value of `Inference-Header-Content-Length`).
func requestBody(_ json: String, blob: [UInt8] = []) -> (body: [UInt8], headerLength: Int?) {
    let header = Array(json.utf8)
    return (header + blob, blob.isEmpty ? nil : header.count)
}

/// Decodes, returning the error's message instead of throwing (nil when it decoded).
func decodeFailure(_ body: [UInt8], headerLength: Int?) -> String? {
    do {
        _ = try InferenceRequest(body: body, headerLength: headerLength)
        return nil
    } catch {
        #expect(error.kind == .badRequest)
        return error.message
    }
}

/// The little-endian bytes of `values` as `datatype`, written independently of `Datatype.read`: numpy's
/// `tobytes()` on a little-endian machine, which is what tritonclient sends.
func littleEndianBytes(_ values: [Double], as datatype: Datatype) -> [UInt8] {
    func bytes<I: FixedWidthInteger>(_ value: I) -> [UInt8] {
        (0..<MemoryLayout<I>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    return values.flatMap { (v: Double) -> [UInt8] in
        switch datatype {
        case .bool: [v == 0 ? 0 : 1]
        case .uint8: bytes(UInt8(v))
        case .uint16: bytes(UInt16(v))
        case .uint32: bytes(UInt32(v))
        case .uint64: bytes(UInt64(v))
        case .int8: bytes(Int8(v))
        case .int16: bytes(Int16(v))
        case .int32: bytes(Int32(v))
        case .int64: bytes(Int64(v))
        case .fp16: bytes(Float16(v).bitPattern)
        case .bf16: bytes(UInt16(Float(v).bitPattern >> 16))
        case .fp32: bytes(Float(v).bitPattern)
        case .fp64: bytes(v.bitPattern)
        case .bytes: []
        }
    }
}
