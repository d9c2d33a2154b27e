import InferenceProtocol
import JSONCodec
import LogitMath
import LogitModels
import Testing

private func json(_ value: some Encodable) -> String { String(decoding: try! encodeJSON(value), as: UTF8.self) }

@Suite struct MetadataTests {
    @Test func aSoftmaxModelWithLabelsHasFourOutputs() {
        let model = ModelInferenceProtocolTests.iris
        #expect(
            json(ModelMetadata(model: model, versions: [10, 2, 1]))
                == #"{"name":"iris","versions":["1","2","10"],"platform":"logitd","#
                + #""inputs":[{"name":"input","datatype":"FP64","shape":[-1,4]}],"outputs":["#
                + #"{"name":"logits","datatype":"FP64","shape":[-1,3]},"#
                + #"{"name":"probabilities","datatype":"FP64","shape":[-1,3]},"#
                + #"{"name":"class","datatype":"INT64","shape":[-1]},"#
                + #"{"name":"label","datatype":"BYTES","shape":[-1]}]}"#)
    }

    @Test func aBinaryModelHasOneLogitAndTwoProbabilities() {
        let outputs = ModelMetadata(model: ModelInferenceProtocolTests.binary, versions: [1]).outputs
        #expect(outputs.map(\.shape) == [[-1, 1], [-1, 2], [-1], [-1]])
        #expect(ModelMetadata(model: ModelInferenceProtocolTests.binary, versions: [1]).platform == "sklearn")
    }

    @Test func aSigmoidModelsClassIsOneFlagPerOutputAndHasNoLabel() {
        let outputs = ModelMetadata(model: ModelInferenceProtocolTests.sigmoid, versions: [1]).outputs
        #expect(outputs.map(\.name) == ["logits", "probabilities", "class"])
        #expect(outputs.map(\.shape) == [[-1, 3], [-1, 3], [-1, 3]])
    }

    @Test func floatStoredModelsTakeFP32AndOnnxModelsTheirGraphsInputName() {
        var model = ModelInferenceProtocolTests.iris
        model.storage = .fp32
        model.inputName = "float_input"
        model.format = .onnx
        let metadata = ModelMetadata(model: model, versions: [1])
        #expect(json(metadata.inputs) == #"[{"name":"float_input","datatype":"FP32","shape":[-1,4]}]"#)
        #expect(metadata.platform == "onnx")
    }

    @Test func serverMetadataNamesTheExtensions() {
        #expect(
            json(ServerMetadata(version: "1.2.3"))
                == #"{"name":"logitd","version":"1.2.3","extensions":["binary_tensor_data","classification"]}"#)
    }
}
