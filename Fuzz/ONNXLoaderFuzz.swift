// libFuzzer target `onnx`: the ONNX model reader against arbitrary bytes (seeded with the test fixtures).
// Compiled by run.sh against the LogitModels module (with SwiftProtobuf and the generated ONNXProto).
// Invariants, each a crash when broken:
// 1. Every input is either a model or a ModelLoadError naming the file with a non-empty problem: no trap,
//    no hang, no allocation beyond what the bytes hold (libFuzzer's -rss_limit_mb and -malloc_limit_mb).
// 2. A model is servable: m×n weights all finite, m biases all finite, labels one per class, binary models
//    one row, the input name non-empty.
// 3. Format detection agrees: bytes that decodeModel recognises as ONNX give the same model, or the same
//    problem, through decodeModel as through loadONNX.

import LogitMath
import LogitModels

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNXLoader(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let direct: Result<Model, ModelLoadError>
    do {
        direct = .success(try loadONNX(bytes, file: "fuzz.onnx", name: "fuzz", version: 1))
    } catch {
        guard error.file == "fuzz.onnx", !error.problem.isEmpty else { fatalError("a bare error: \(error)") }
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
        let detected = try decodeModel(bytes, file: "fuzz.onnx", fallbackName: "fuzz")
        guard case .success(let model) = direct, model.weights == detected.weights, model.bias == detected.bias,
            model.activation == detected.activation, model.labels == detected.labels,
            model.inputName == detected.inputName, model.storage == detected.storage
        else { fatalError("decodeModel served a model loadONNX did not: \(direct)") }
    } catch {
        guard case .failure(let refusal) = direct, refusal == error else {
            fatalError("decodeModel refused (\(error)) what loadONNX gave as \(direct)")
        }
    }
    return 0
}
