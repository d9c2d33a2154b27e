import LogitMath
import LogitModels
import Testing

/// Files written by the `safetensors` Python package (scripts/models/make_fixtures.py): iris' weights in F64,
/// F32, F16 and BF16, under `weight`, `classifier.weight` and `head.weight`, with labels in `__metadata__`.
@Suite struct SafetensorsTests {
    /// Each dtype read exactly: every sample's logits equal the Doubles the stored (rounded) weights give, and
    /// are within the dot product's bound of the exact value; probabilities within 4 ulp.
    @Test(arguments: [("f64", "iris.txt"), ("f32", "iris_f32.txt"), ("f16", "iris_f16.txt"), ("bf16", "iris_bf16.txt")])
    func everyDtypeServesIrisExactly(_ dtype: String, _ references: String) throws {
        let model = try loadModelFile(
            Fixture.path("iris_\(dtype).safetensors"), fallbackName: "iris_\(dtype)", maxSize: 1 << 20)
        #expect(model.name == "iris_\(dtype)" && model.format == .safetensors)
        #expect(model.activation == .softmax && model.inputs == 4 && model.outputs == 3)
        #expect(model.labels == ["setosa", "versicolor", "virginica"])
        #expect(model.storage == (dtype == "f64" ? .fp64 : .fp32))
        let accuracy = try checkAgainstReferences(model, try Fixture.samples(references))
        #expect(accuracy.maxProbabilityUlps <= 4)
    }

    /// Half-precision widening, exactly, at the edges of binary16 and bfloat16.
    @Test func halfPrecisionWidensExactly() {
        #expect(widenHalf(0x3C00) == 1)
        #expect(widenHalf(0xC000) == -2)
        #expect(widenHalf(0x7BFF) == 65504)
        #expect(widenHalf(0x0001) == 0x1p-24)  // the least subnormal
        #expect(widenHalf(0x03FF) == 1023 * 0x1p-24)  // the largest subnormal
        #expect(widenHalf(0x0400) == 0x1p-14)  // the least normal
        #expect(widenHalf(0x3555) == 0x1.554p-2)  // 1/3 rounded to binary16
        #expect(widenHalf(0x8000).sign == .minus && widenHalf(0x8000) == 0)
        #expect(widenHalf(0x7C00) == .infinity && widenHalf(0xFC00) == -.infinity && widenHalf(0x7E00).isNaN)
        #expect(widenBFloat16(0x3F80) == 1)
        #expect(widenBFloat16(0x4049) == 3.140625)
        #expect(widenBFloat16(0x7F7F) == Double(Float(bitPattern: 0x7F7F_0000)))
        #expect(widenBFloat16(0x0001) == Double(Float(bitPattern: 0x0001_0000)))  // a subnormal
    }

    /// Every binary16 value widens to the same Double as Swift's own Float16 (where the platform has it).
    @Test func halfPrecisionAgreesWithFloat16() {
        #if arch(x86_64) || arch(arm64)
            for bits in UInt16.min...UInt16.max {
                let mine = widenHalf(bits)
                let theirs = Double(Float16(bitPattern: bits))
                #expect(mine.bitPattern == theirs.bitPattern || (mine.isNaN && theirs.isNaN), "\(bits)")
            }
        #endif
    }

    @Test func biasIsOptionalAndMetadataSetsActivationAndThreshold() throws {
        let header =
            #"{"__metadata__":{"activation":"sigmoid","threshold":"0.25","format":"pt"},"#
            + #""weight":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]}}"#
        let model = try decodeModel(
            safetensors(header: header, data: f32Bytes([0.5, -1])), file: "s", fallbackName: "s")
        #expect(model.activation == .sigmoid && model.threshold == 0.25 && model.bias == [0, 0])
        #expect(model.weights.elements == [0.5, -1] && model.labels == nil)
    }

    /// With several candidates, `__metadata__["logitd.weight"]` chooses, and its own `*.bias` comes along.
    @Test func metadataChoosesAmongSeveralWeights() throws {
        let header =
            #"{"__metadata__":{"logitd.weight":"b.weight"},"#
            + #""a.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"#
            + #""b.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[4,8]},"#
            + #""b.bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let model = try decodeModel(
            safetensors(header: header, data: f32Bytes([1, 2, 3])), file: "s", fallbackName: "s")
        #expect(model.weights.elements == [2] && model.bias == [3])
    }
}
