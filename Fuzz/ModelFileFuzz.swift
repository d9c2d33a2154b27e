// The shared harness of the model-file targets `logitd`, `sklearn` and `safetensors` (Fuzz/Entry/TARGET.swift
// call `fuzzModelFile`): the input is a model file's bytes, read as the server reads one, through
// `decodeModel` with the file's path. Compiled by run.sh against LogitModels and InferenceProtocol.
// Invariants, each a crash (fatalError) when broken:
// 1. Every input is either a model or a ModelLoadError whose description is one line "PATH: problem", the
//    path the loader was given and a non-empty problem (no line break or control character, whatever the
//    file quoted): no trap, no hang, no allocation beyond what the bytes hold (libFuzzer's -rss_limit_mb).
// 2. A model's shape agrees with its weights: m×n elements (m, n ≥ 1) all finite, m biases all finite,
//    one label per class (m, or 2 for binary, which has one row), 0 < threshold < 1, a valid name (the
//    content's for JSON, else the file's), JSON models stored as FP64 with the input named "input".
// 3. Its protocol metadata agrees: input [-1, n] of FP32 exactly when stored as FP32, outputs logits
//    [-1, m], probabilities [-1, classes], class, and label exactly when it has labels and is not sigmoid;
//    and it answers a zero row with one row of each of those outputs.
// 4. Written back in its own format (logitd JSON, scikit-learn JSON, safetensors F64) by this harness, the
//    model loads again identical, bit for bit.

import InferenceProtocol
import JSONCodec
import LogitMath
import LogitModels

/// Reads `bytes` as the file `file`; `kind` is the target's format: inputs detected as another are left to
/// that format's target (returned as -1, so libFuzzer does not keep them).
func fuzzModelFile(_ start: UnsafePointer<UInt8>?, _ count: Int, kind: ModelFileKind, file: String) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard ModelFileKind(of: bytes) == kind else { return -1 }
    let model: Model
    do {
        model = try decodeModel(bytes, file: file, fallbackName: "fuzz")
    } catch {
        checkRefusal(error, file: file)
        return 0
    }
    checkModel(model, file: file)
    checkMetadata(model)
    checkRoundTrip(model, file: file)
    return 0
}

/// Names the file, says something, and is one line whatever the file quoted (API.md: one line `FILE: problem`).
func checkRefusal(_ error: ModelLoadError, file: String) {
    let line = error.description
    guard error.file == file, line.hasPrefix("\(file): "), !error.problem.isEmpty else {
        fatalError("a refusal that does not name \(file): \(error)")
    }
    guard !line.contains(where: \.isNewline), !line.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
        fatalError("a refusal of more than one line: \(line.debugDescription)")
    }
}

func checkModel(_ model: Model, file: String) {
    let w = model.weights
    guard w.rows >= 1, w.columns >= 1, w.elements.count == w.rows * w.columns, w.elements.allSatisfy(\.isFinite)
    else { fatalError("weights \(w.rows)×\(w.columns) with \(w.elements.count) elements (finite or not)") }
    guard model.bias.count == w.rows, model.bias.allSatisfy(\.isFinite) else {
        fatalError("\(model.bias.count) biases for \(w.rows) rows: \(model.bias)")
    }
    guard model.outputs == w.rows, model.inputs == w.columns else { fatalError("inputs/outputs are not n/m") }
    if model.activation == .binary, w.rows != 1 { fatalError("a binary model with \(w.rows) rows") }
    guard model.classes == (model.activation == .binary ? 2 : w.rows) else { fatalError("\(model.classes) classes") }
    if let labels = model.labels, labels.count != model.classes {
        fatalError("\(labels.count) labels for \(model.classes) classes")
    }
    guard model.threshold > 0, model.threshold < 1 else { fatalError("threshold \(model.threshold)") }
    guard isValidModelName(model.name), model.version == 1, model.file == file, !model.inputName.isEmpty else {
        fatalError("name \(model.name), version \(model.version), file \(model.file), input \(model.inputName)")
    }
    switch model.format {
    case .logitd, .sklearn:
        guard model.storage == .fp64, model.inputName == "input" else {
            fatalError("a JSON model stored as \(model.storage)")
        }
        // scikit-learn's export always has classes; one row is the binary form, more are multinomial.
        if model.format == .sklearn, model.labels == nil || model.activation != (w.rows == 1 ? .binary : .softmax) {
            fatalError(
                "a scikit-learn model with \(w.rows) rows served as \(model.activation), labels \(model.labels as Any)")
        }
    case .safetensors:
        guard model.inputName == "input" else { fatalError("a safetensors model with input \(model.inputName)") }
    case .onnx:
        break
    }
}

func checkMetadata(_ model: Model) {
    let metadata = ModelMetadata(model: model, versions: [1])
    let datatype = model.storage == .fp32 ? "FP32" : "FP64"
    guard metadata.name == model.name, metadata.versions == ["1"], metadata.platform == model.format.rawValue,
        metadata.inputs.count == 1, metadata.inputs[0].name == model.inputName,
        metadata.inputs[0].datatype == datatype, metadata.inputs[0].shape == [-1, model.inputs]
    else { fatalError("metadata \(metadata) of a \(model.storage) \(model.outputs)×\(model.inputs) model") }
    var expected: [(name: String, datatype: String, shape: [Int])] = [
        ("logits", "FP64", [-1, model.outputs]), ("probabilities", "FP64", [-1, model.classes]),
        ("class", "INT64", model.activation == .sigmoid ? [-1, model.outputs] : [-1]),
    ]
    if model.labels != nil, model.activation != .sigmoid { expected.append(("label", "BYTES", [-1])) }
    guard metadata.outputs.map(\.name) == expected.map(\.name),
        metadata.outputs.map(\.datatype) == expected.map(\.datatype),
        metadata.outputs.map(\.shape) == expected.map(\.shape)
    else { fatalError("outputs \(metadata.outputs), expected \(expected)") }

    // A zero row: the logits are the bias, finite, so every output answers.
    let zeros = try! Matrix(rows: 1, columns: model.inputs, elements: [Double](repeating: 0, count: model.inputs))
    let response: InferenceResponse
    do {
        response = try model.infer(InferenceRequest(inputName: model.inputName, datatype: .fp64, rows: zeros))
    } catch {
        fatalError("a zero row refused: \(error)")
    }
    guard response.outputs.map(\.name) == expected.map(\.name) else {
        fatalError("answered \(response.outputs.map(\.name)), metadata says \(expected.map(\.name))")
    }
    for (output, tensor) in zip(response.outputs, expected) {
        let shape = [1] + tensor.shape.dropFirst()
        guard output.shape == shape, output.datatype.rawValue == tensor.datatype else {
            fatalError(
                "\(output.name): \(output.datatype) \(output.shape), metadata \(tensor.datatype) \(tensor.shape)")
        }
    }
}

func checkRoundTrip(_ model: Model, file: String) {
    let written: [UInt8]
    switch model.format {
    case .logitd: written = logitdJSON(model)
    case .sklearn: written = sklearnJSON(model)
    case .safetensors: written = safetensorsF64(model)
    case .onnx: return
    }
    let again: Model
    do {
        again = try decodeModel(written, file: file, fallbackName: model.name)
    } catch {
        fatalError("written back, refused: \(error)\n\(String(decoding: written, as: UTF8.self))")
    }
    guard again.format == model.format, again.name == model.name, again.weights.rows == model.weights.rows,
        again.weights.columns == model.weights.columns,
        again.weights.elements.map(\.bitPattern) == model.weights.elements.map(\.bitPattern),
        again.bias.map(\.bitPattern) == model.bias.map(\.bitPattern), again.activation == model.activation,
        again.labels == model.labels, again.threshold.bitPattern == model.threshold.bitPattern,
        again.inputName == model.inputName, model.format == .safetensors || again.storage == model.storage
    else { fatalError("written back, read differently:\n\(model)\n\(again)") }
}

// MARK: Writers: numbers and structure by hand, strings by JSONCodec's encoder

/// A JSON string, as JSONCodec's encoder writes it.
func jsonString(_ s: String) -> String { String(decoding: try! encodeJSON(s), as: UTF8.self) }

/// Swift's shortest round-tripping spelling, which is JSON for a finite Double ("1e-05", "-0.0", "5e-324").
func jsonNumber(_ x: Double) -> String { "\(x)" }

func jsonArray(_ xs: some Sequence<Double>) -> String { "[" + xs.map(jsonNumber).joined(separator: ",") + "]" }

func jsonRows(_ m: Matrix) -> String { "[" + (0..<m.rows).map { jsonArray(m.row($0)) }.joined(separator: ",") + "]" }

func logitdJSON(_ model: Model) -> [UInt8] {
    var members = [
        "\"name\":\(jsonString(model.name))", "\"weights\":\(jsonRows(model.weights))",
        "\"bias\":\(jsonArray(model.bias))", "\"activation\":\(jsonString(model.activation.rawValue))",
        "\"threshold\":\(jsonNumber(model.threshold))",
    ]
    if let labels = model.labels {
        members.append("\"labels\":[" + labels.map(jsonString).joined(separator: ",") + "]")
    }
    return Array(("{" + members.joined(separator: ",") + "}").utf8)
}

func sklearnJSON(_ model: Model) -> [UInt8] {
    let classes = (model.labels ?? []).map(jsonString).joined(separator: ",")
    let text =
        "{\"name\":\(jsonString(model.name)),\"coef\":\(jsonRows(model.weights)),"
        + "\"intercept\":\(jsonArray(model.bias)),\"classes\":[\(classes)]}"
    return Array(text.utf8)
}

/// safetensors with F64 `weight` and `bias`, the activation, labels and threshold in `__metadata__`.
func safetensorsF64(_ model: Model) -> [UInt8] {
    let (m, n) = (model.weights.rows, model.weights.columns)
    var metadata = [
        "\"activation\":\(jsonString(model.activation.rawValue))",
        "\"threshold\":\(jsonString(jsonNumber(model.threshold)))",
    ]
    if let labels = model.labels {
        metadata.append("\"labels\":" + jsonString("[" + labels.map(jsonString).joined(separator: ",") + "]"))
    }
    let header =
        "{\"__metadata__\":{\(metadata.joined(separator: ","))},"
        + "\"bias\":{\"dtype\":\"F64\",\"shape\":[\(m)],\"data_offsets\":[0,\(8 * m)]},"
        + "\"weight\":{\"dtype\":\"F64\",\"shape\":[\(m),\(n)],\"data_offsets\":[\(8 * m),\(8 * m + 8 * m * n)]}}"
    var out: [UInt8] = []
    let length = UInt64(header.utf8.count)
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
    out += header.utf8
    for x in model.bias + model.weights.elements {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: x.bitPattern >> (8 * UInt64(i)))) }
    }
    return out
}
