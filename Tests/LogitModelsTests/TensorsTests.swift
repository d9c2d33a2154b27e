import Foundation
import ONNXProto
import Testing

@testable import LogitModels

@Suite struct TensorsTests {
    func tensor(_ type: TensorType, dims: [Int64], raw: [UInt8] = []) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.dataType = type.rawValue
        t.dims = dims
        t.rawData = .init(raw)
        return t
    }

    func problem(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return (error as? TensorProblem)?.text ?? "\(error)"
        }
    }

    @Test func dimsWhoseProductOverflowsAreRefusedBeforeReading() {
        let t = tensor(.float, dims: [1 << 32, 1 << 32])
        #expect(
            problem { _ = try ONNXTensor(t) }
                == "its dims [4294967296, 4294967296] have a product that overflows a 64-bit integer")
    }

    @Test func aNegativeDimIsRefused() {
        #expect(problem { _ = try ONNXTensor(tensor(.float, dims: [2, -1])) } == "it has a negative dimension -1")
    }

    /// A count that fits in Int but whose byte size does not: the comparison with raw_data must not overflow.
    @Test func aByteSizeBeyondInt64IsRefused() {
        let t = tensor(.double, dims: [1 << 61], raw: [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(
            problem { _ = try ONNXTensor(t).doubles() }
                == "its raw_data has 8 bytes but its dims [2305843009213693952] need more than 2^63")
    }

    @Test func typedFieldsMustHoldTheDeclaredCount() {
        var t = tensor(.float, dims: [3])
        t.floatData = [1, 2]
        #expect(problem { _ = try ONNXTensor(t).doubles() } == "its float_data has 2 values but its dims [3] need 3")
    }

    @Test func floatsAreWidenedExactlyFromRawLittleEndianBytes() throws {
        // 0.1f = 0x3DCCCCCD, -2.5f = 0xC0200000.
        let t = tensor(.float, dims: [2], raw: [0xCD, 0xCC, 0xCC, 0x3D, 0x00, 0x00, 0x20, 0xC0])
        #expect(try ONNXTensor(t).doubles() == [Double(Float(0.1)), -2.5])
    }

    @Test func float16TypedValuesLiveInInt32Data() throws {
        var t = tensor(.float16, dims: [2])
        t.int32Data = [0x3C00, 0xC000]
        #expect(try ONNXTensor(t).doubles() == [1, -2])
        t.int32Data = [0x3C00, 0x1_0000]
        #expect(
            problem { _ = try ONNXTensor(t).doubles() } == "its int32_data holds 65536, not a 16-bit float pattern")
    }

    @Test func nonFiniteWeightsAreRefused() {
        var t = tensor(.double, dims: [2])
        t.doubleData = [1, .infinity]
        #expect(problem { _ = try ONNXTensor(t).doubles() } == "element 1 is inf, not a finite number")
    }

    @Test func unsupportedDataTypesAreNamed() {
        let t = tensor(.int64, dims: [1], raw: [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(
            problem { _ = try ONNXTensor(t).doubles() }
                == "its data type INT64 is not one logitd reads (FLOAT, DOUBLE, FLOAT16)")
        var b = Onnx_TensorProto()
        b.dataType = 16
        b.dims = [1]
        #expect(
            problem { _ = try ONNXTensor(b).doubles() }
                == "its data type BFLOAT16 is not one logitd reads (FLOAT, DOUBLE, FLOAT16)")
    }
}
