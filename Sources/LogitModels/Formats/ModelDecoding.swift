import LogitMath

// A model file's bytes → a validated `Model`. The format is recognised by content, never by extension
// (API.md "Served models": "a `--model` file of any extension"); each format's reader builds `ModelParts`,
// and one function checks what every format must satisfy, so a message reads the same whatever the format.

/// What a model file's first bytes say it is.
package enum ModelFileKind: Equatable, Sendable {
    /// A JSON object: logitd's or scikit-learn's form, told apart by its keys.
    case json
    /// 8 bytes of little-endian header length, then the header's `{`.
    case safetensors
    /// A protobuf `ModelProto`: top-level fields with valid tags and lengths, one of them the graph (field 7).
    case onnx
    case unknown

    /// safetensors is tried first: its length's low byte may be `{` (a 123-byte header), but a length below
    /// 2^56 has a NUL byte among the 8, which no JSON text has.
    package init(of bytes: [UInt8]) {
        if bytes.count >= 9, bytes[8] == UInt8(ascii: "{"),
            bytes[0..<8].contains(where: { ($0 < 0x20 && !isJSONWhitespace($0)) || $0 >= 0x80 })
        {
            self = .safetensors
        } else if bytes.first(where: { !isJSONWhitespace($0) }) == UInt8(ascii: "{") {
            self = .json
        } else if looksLikeONNX(bytes) {
            self = .onnx
        } else {
            self = .unknown
        }
    }
}

@inline(__always)
func isJSONWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

/// Walks the top level of a protobuf message: every field's tag must be a valid (field number, wire type) and
/// every length must stay inside the bytes; an ONNX `ModelProto` has its graph in field 7, length-delimited.
/// This only recognises the file; the ONNX reader checks everything again as it decodes.
private func looksLikeONNX(_ bytes: [UInt8]) -> Bool {
    var i = 0
    var sawGraph = false
    func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count, shift < 64 {
            let b = bytes[i]
            i += 1
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
        }
        return nil
    }
    while i < bytes.count {
        guard let tag = varint(), tag >> 3 >= 1, tag >> 3 <= 64 else { return false }
        switch tag & 7 {
        case 0: guard varint() != nil else { return false }
        case 1: i += 8
        case 5: i += 4
        case 2:
            guard let length = varint(), length <= UInt64(bytes.count - i) else { return false }
            if tag >> 3 == 7 { sawGraph = true }
            i += Int(length)
        default: return false
        }
        guard i <= bytes.count else { return false }
    }
    return sawGraph
}

/// A model as a format reader found it, before the checks every format shares.
struct ModelParts {
    var format: ModelFormat
    /// The name the content gives (logitd and scikit-learn JSON's `"name"`), overriding the file's.
    var name: String?
    var weights: Matrix
    var bias: [Double]?
    var activation: ModelActivation
    var labels: [String]?
    var threshold: Double?
    var storage: StorageType = .fp64
    var inputName: String = "input"
}

/// `[A-Za-z0-9_.-]{1,64}`.
package func isValidModelName(_ name: String) -> Bool {
    let utf8 = name.utf8
    guard (1...64).contains(utf8.count) else { return false }
    return utf8.allSatisfy { b in
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2E
            || b == 0x2D
    }
}

/// The model in a file's bytes.
///
/// - Parameters:
///   - file: the path, for messages and for `Model.file`.
///   - fallbackName: the name the file's place gives (its name less the extension, or its Triton folder);
///     a name in the content overrides it unless `nameIsFixed`.
///   - nameIsFixed: the source fixes the name (Triton's `NAME/VERSION/file`: the folder names the model).
/// - Throws: a `ModelLoadError` naming `file` and the first problem found.
package func decodeModel(
    _ bytes: [UInt8], file: String, fallbackName: String, version: Int = 1, nameIsFixed: Bool = false
) throws(ModelLoadError) -> Model {
    func fail(_ problem: String) -> ModelLoadError { ModelLoadError(file: file, problem: problem) }
    let parts: ModelParts
    do throws(ModelFormatError) {
        switch ModelFileKind(of: bytes) {
        case .json: parts = try decodeJSONModel(bytes)
        case .safetensors: parts = try decodeSafetensorsModel(bytes)
        case .onnx: parts = try decodeONNXModel(bytes)
        case .unknown:
            throw ModelFormatError(
                bytes.isEmpty
                    ? "the file is empty"
                    : "unknown format: not logitd or scikit-learn JSON, safetensors or ONNX")
        }
    } catch {
        throw fail(error.problem)
    }
    let name = nameIsFixed ? fallbackName : parts.name ?? fallbackName
    guard isValidModelName(name) else {
        let source = nameIsFixed || parts.name == nil ? "from the file's name" : "from its \"name\""
        throw fail("model name \"\(name)\" (\(source)) must match [A-Za-z0-9_.-]{1,64}")
    }
    return try validated(parts, name: name, version: version, file: file)
}

/// A format reader's refusal: the problem only, the file is added by `decodeModel`.
struct ModelFormatError: Error {
    var problem: String
    init(_ problem: String) { self.problem = problem }
}

/// The checks every format shares: shapes, finiteness, the activation's needs, labels and threshold.
private func validated(_ parts: ModelParts, name: String, version: Int, file: String) throws(ModelLoadError) -> Model {
    func fail(_ problem: String) -> ModelLoadError { ModelLoadError(file: file, problem: problem) }
    let w = parts.weights
    if let bias = parts.bias, bias.count != w.rows {
        throw fail("bias has \(bias.count) elements but weights has \(w.rows) rows")
    }
    if let i = w.elements.firstIndex(where: { !$0.isFinite }) {
        throw fail("weights[\(i / w.columns)][\(i % w.columns)] is \(w.elements[i]), not a finite number")
    }
    if let bias = parts.bias, let i = bias.firstIndex(where: { !$0.isFinite }) {
        throw fail("bias[\(i)] is \(bias[i]), not a finite number")
    }
    if parts.activation == .binary, w.rows != 1 {
        throw fail("activation binary needs one row of weights (the score z), found \(w.rows)")
    }
    let classes = parts.activation == .binary ? 2 : w.rows
    if let labels = parts.labels, labels.count != classes {
        throw fail("labels has \(labels.count) names but the model has \(classes) classes")
    }
    let threshold = parts.threshold ?? 0.5
    guard threshold > 0, threshold < 1 else {
        throw fail("threshold \(threshold) is outside (0, 1)")
    }
    return Model(
        name: name, version: version, format: parts.format, weights: w,
        bias: parts.bias ?? [Double](repeating: 0, count: w.rows), activation: parts.activation, labels: parts.labels,
        threshold: threshold, inputName: parts.inputName, storage: parts.storage, file: file)
}
