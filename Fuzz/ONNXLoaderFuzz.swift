// libFuzzer target `onnx`: the ONNX model reader against arbitrary bytes (seeded with the test fixtures).
// Compiled by run.sh against the LogitModels module (with SwiftProtobuf and the generated ONNXProto) and
// InferenceProtocol, with ModelFileFuzz.swift (the model-file targets' checks).
// Invariants, each a crash when broken:
// 1. Every input is either a model or a ModelLoadError naming the file in one line ("PATH: problem") with a
//    non-empty problem: no trap, no hang, no allocation beyond what the bytes hold (libFuzzer's -rss_limit_mb and
//    -malloc_limit_mb).
// 2. A model is servable: m×n weights all finite, m biases all finite, labels one per class, binary models
//    one row, the input name non-empty.
// 3. Format detection agrees: bytes that decodeModel recognises as ONNX give the same model, or the same
//    problem, through decodeModel as through loadONNX; and that model passes the model-file targets' checks
//    (ModelFileFuzz.swift: shape, name, metadata with FP32 input exactly for float weights, a zero row answered).

import LogitMath
import LogitModels

/// Where the file is, as the server names it in messages (a Triton layout's NAME/VERSION/file).
let onnxFile = "models/fuzz/1/model.onnx"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNXLoader(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let direct: Result<Model, ModelLoadError>
    do {
        direct = .success(try loadONNX(bytes, file: onnxFile, name: "fuzz", version: 1))
    } catch {
        checkRefusal(error, file: onnxFile)
        direct = .failure(error)
    }
    if case .success(let model) = direct {
        let w = model.weights
        guard w.rows > 0, w.columns > 0, w.elements.count == w.rows * w.columns,
            w.elements.allSatisfy(\.isFinite), model.bias.count == w.rows, model.bias.allSatisfy(\.isFinite)
        else { fatalError("an unservable layer: \(w.rows)×\(w.columns), \(model.bias.count) biases") }
        if model.activation == .binary, w.rows != 1 { fatalError("a binary model with \(w.rows) rows") }
        if let labels = model.labels, labels.count != model.classes {
            fatalError("\(labels.count) labels for \(model.classes) classes")
        }
        if model.inputName.isEmpty { fatalError("an empty input name") }
    }
    guard ModelFileKind(of: bytes) == .onnx else { return 0 }
    do {
        let detected = try decodeModel(bytes, file: onnxFile, fallbackName: "fuzz", nameIsFixed: true)
        guard case .success(let model) = direct, model.weights == detected.weights, model.bias == detected.bias,
            model.activation == detected.activation, model.labels == detected.labels,
            model.inputName == detected.inputName, model.storage == detected.storage
        else { fatalError("decodeModel served a model loadONNX did not: \(direct)") }
        checkModel(detected, file: onnxFile)
        checkMetadata(detected)
    } catch {
        guard case .failure(let refusal) = direct, refusal == error else {
            fatalError("decodeModel refused (\(error)) what loadONNX gave as \(direct)")
        }
    }
    return 0
}
