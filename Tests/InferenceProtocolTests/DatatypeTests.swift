import Testing

@testable import InferenceProtocol

/// One datatype's sample: four values that use its range (extremes included), as JSON and as numbers.
struct DatatypeSample: Sendable, CustomStringConvertible {
    var datatype: Datatype
    var json: String
    var values: [Double]
    var description: String { datatype.rawValue }
}

let datatypeSamples: [DatatypeSample] = [
    .init(datatype: .bool, json: "[[true, false], [false, true]]", values: [1, 0, 0, 1]),
    .init(datatype: .uint8, json: "[[0, 255], [7, 128]]", values: [0, 255, 7, 128]),
    .init(datatype: .uint16, json: "[[0, 65535], [7, 256]]", values: [0, 65535, 7, 256]),
    .init(datatype: .uint32, json: "[[0, 4294967295], [7, 65536]]", values: [0, 4_294_967_295, 7, 65536]),
    // 2^53 + 2 is a Double; UInt64's larger values round (checked in NestedNumbersTests).
    .init(datatype: .uint64, json: "[[0, 9007199254740994], [7, 1]]", values: [0, 9_007_199_254_740_994, 7, 1]),
    .init(datatype: .int8, json: "[[-128, 127], [0, -1]]", values: [-128, 127, 0, -1]),
    .init(datatype: .int16, json: "[[-32768, 32767], [0, -1]]", values: [-32768, 32767, 0, -1]),
    .init(
        datatype: .int32, json: "[[-2147483648, 2147483647], [0, -1]]", values: [-2_147_483_648, 2_147_483_647, 0, -1]),
    .init(datatype: .int64, json: "[[-9007199254740994, 5], [0, -1]]", values: [-9_007_199_254_740_994, 5, 0, -1]),
    // Binary only: values exact in half precision and in bfloat16, the largest finite half among them.
    .init(datatype: .fp16, json: "", values: [1, -2, 0.5, 65504]),
    .init(datatype: .bf16, json: "", values: [1, -2, 0.5, 3.140625]),
    .init(
        datatype: .fp32, json: "[[0.1, -2.5], [3.4028234663852886e38, 1e-45]]",
        values: [Double(Float(0.1)), -2.5, Double(Float.greatestFiniteMagnitude), Double(Float.leastNonzeroMagnitude)]),
    .init(
        datatype: .fp64, json: "[[0.1, -2.5], [1.7976931348623157e308, 5e-324]]",
        values: [0.1, -2.5, .greatestFiniteMagnitude, .leastNonzeroMagnitude]),
]

@Suite struct DatatypeTests {
    @Test func everyInputDatatypeHasASample() {
        #expect(Set(datatypeSamples.map(\.datatype)) == Set(Datatype.allCases).subtracting([.bytes]))
    }

    @Test(arguments: datatypeSamples)
    func binaryElementsAreReadLittleEndianAndWidened(_ sample: DatatypeSample) {
        let bytes = littleEndianBytes(sample.values, as: sample.datatype)
        #expect(bytes.count == 4 * sample.datatype.elementSize!)
        var out = [Double](repeating: .nan, count: 4)
        let bad = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { sample.datatype.read(raw, count: 4, into: $0) }
        }
        #expect(bad == nil)
        #expect(out == sample.values)
    }

    @Test(arguments: [Datatype.fp16, .bf16, .fp32, .fp64])
    func aNonFiniteFloatIsFoundByIndex(_ datatype: Datatype) {
        for special in [Double.nan, .infinity, -.infinity] {
            let bytes = littleEndianBytes([1, 2, special, 4], as: datatype)
            var out = [Double](repeating: 0, count: 4)
            let bad = bytes.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { datatype.read(raw, count: 4, into: $0) }
            }
            #expect(bad == 2)
        }
    }

    @Test func aBoolByteOtherThanZeroOrOneIsFoundByIndex() {
        var out = [Double](repeating: 0, count: 3)
        let bad = [UInt8]([1, 0, 2]).withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { Datatype.bool.read(raw, count: 3, into: $0) }
        }
        #expect(bad == 2)
    }

    @Test func elementSizesAreTheProtocols() {
        #expect(Datatype.allCases.map { $0.elementSize ?? 0 } == [1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 2, 4, 8, 0])
    }
}
