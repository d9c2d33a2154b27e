import ONNXProto
import SwiftProtobuf

/// Reads an `.onnx` file (bytes of an `onnx.ModelProto`) as a served model, or says why it cannot be served
/// (API.md "ONNX models").
///
/// Only the graphs the common exporters write for a linear classifier are recognised, each by what its
/// nodes compute, and turned into W·x + b with an activation, computed later by logitd itself in Double:
/// - skl2onnx: `ai.onnx.ml.LinearClassifier` (post_transform NONE, LOGISTIC or SOFTMAX) followed by
///   Normalizer (L1), ZipMap, Cast or Identity; and its double-precision form, MatMul + Add + Sigmoid or
///   Softmax with the ArgMax/ArrayFeatureExtractor/Reshape/Cast label path and the Abs/ReduceSum/Div L1
///   normalisation;
/// - torch.onnx.export of `nn.Linear`: Gemm (alpha, beta, transB) or MatMul (+ Add), then optionally Softmax
///   or LogSoftmax over the last axis (served as softmax) or Sigmoid.
/// Anything else — another op, a second input, an op applied in another order, external data, a dtype other
/// than float, double or float16, shapes that disagree — is a `ModelLoadError` naming the file and, where
/// there is one, the node and its op.
///
/// The bytes are untrusted: protobuf decoding checks every length against the bytes left and stops at a
/// nesting depth of 32; tensor dims are checked (sign, overflowing product, agreement with the data present)
/// before their values are read.
///
/// - Parameters:
///   - bytes: the whole file.
///   - file: the path, for messages and `Model.file`.
///   - name, version: what the model is served as (from the file name or the folder layout).
package func loadONNX(_ bytes: [UInt8], file: String, name: String, version: Int) throws(ModelLoadError) -> Model {
    let parts: ModelParts
    do {
        parts = try decodeONNXModel(bytes)
    } catch {
        throw ModelLoadError(file: file, problem: error.problem)
    }
    return Model(
        name: name, version: version, format: .onnx, weights: parts.weights, bias: parts.bias ?? [],
        activation: parts.activation, labels: parts.labels, inputName: parts.inputName, storage: parts.storage,
        file: file)
}

/// The ONNX reader behind `decodeModel` (format detection) and `loadONNX`: the parts of the model, every
/// ONNX-specific check made.
func decodeONNXModel(_ bytes: [UInt8]) throws(ModelFormatError) -> ModelParts {
    var options = BinaryDecodingOptions()
    options.messageDepthLimit = 32
    options.discardUnknownFields = true
    let proto: Onnx_ModelProto
    do {
        proto = try Onnx_ModelProto(serializedBytes: bytes, options: options)
    } catch {
        throw ModelFormatError("not a readable ONNX file: \(decodingProblem(error))")
    }
    guard proto.hasGraph, !proto.graph.node.isEmpty else {
        throw ModelFormatError("not an ONNX model: it has no graph (or a graph without nodes)")
    }
    do {
        var reader = try GraphReader(proto.graph)
        let linear = try reader.read()
        return ModelParts(
            format: .onnx, name: nil, weights: linear.weights, bias: linear.bias, activation: linear.activation,
            labels: linear.labels, threshold: nil, storage: linear.storage, inputName: reader.inputName)
    } catch {
        throw ModelFormatError(error.text)
    }
}

/// swift-protobuf's decoding errors in words.
private func decodingProblem(_ error: any Error) -> String {
    switch error as? BinaryDecodingError {
    case .truncated?: "the protobuf data is truncated"
    case .malformedProtobuf?: "the protobuf data is malformed"
    case .messageDepthLimit?: "messages nested deeper than 32 levels"
    case .invalidUTF8?: "a string field is not valid UTF-8"
    case .trailingGarbage?: "bytes after the end of the message"
    default: "protobuf decoding failed (\(error))"
    }
}

/// Why a graph is refused; the sentence names the node and op where there is one.
struct GraphProblem: Error {
    var text: String
    init(_ text: String) { self.text = text }
}
