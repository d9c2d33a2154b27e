public import LogitMath

/// A served model: the seed's linear layer W·x + b (weights m×n, bias m) with the activation that turns its
/// logits into probabilities, and optionally the names of its classes (API.md "Served models").
///
/// It is a value, but one reference wide: its members live in one immutable box that copies share (a change
/// makes a new box), and its weights are one copy-on-write buffer, so every request and every snapshot of the
/// model set share them and nothing on the request path copies them. (Eleven members inline made a /classify request some 260 bytes, moved with
/// `memcpy` and retained member by member at every step from decoding to answering.)
public struct Model: Sendable {
    private struct Members {
        var name: String
        var version: Int
        var format: ModelFormat
        var weights: Matrix
        var bias: [Double]
        var activation: ModelActivation
        var labels: [String]?
        var threshold: Double
        var inputName: String
        var storage: StorageType
        var file: String
    }

    /// Immutable, so shared freely; a setter puts a changed copy in a new box (models are changed only while
    /// they are built and in tests, never on the request path).
    private final class Box: Sendable {
        let members: Members
        init(_ members: Members) { self.members = members }
    }

    private var box: Box

    private mutating func change(_ body: (inout Members) -> Void) {
        var members = box.members
        body(&members)
        box = Box(members)
    }

    /// `[A-Za-z0-9_.-]{1,64}`.
    public var name: String {
        get { box.members.name }
        set { change { $0.name = newValue } }
    }
    /// A positive integer; answers write it as a string.
    public var version: Int {
        get { box.members.version }
        set { change { $0.version = newValue } }
    }
    public var format: ModelFormat {
        get { box.members.format }
        set { change { $0.format = newValue } }
    }
    /// m×n, row-major, in Double: float weights widened exactly.
    public var weights: Matrix {
        get { box.members.weights }
        set { change { $0.weights = newValue } }
    }
    /// m elements (zeros when the file has no bias).
    public var bias: [Double] {
        get { box.members.bias }
        set { change { $0.bias = newValue } }
    }
    public var activation: ModelActivation {
        get { box.members.activation }
        set { change { $0.activation = newValue } }
    }
    /// One name per class: m for softmax, sigmoid and none; 2 for a binary model. nil when the file has none.
    public var labels: [String]? {
        get { box.members.labels }
        set { change { $0.labels = newValue } }
    }
    /// Sigmoid models: an output is predicted 1 when its probability is greater than this; 0 < t < 1.
    public var threshold: Double {
        get { box.members.threshold }
        set { change { $0.threshold = newValue } }
    }
    /// The input tensor's name in the inference protocol: `"input"`, or an ONNX graph's own input name.
    public var inputName: String {
        get { box.members.inputName }
        set { change { $0.inputName = newValue } }
    }
    /// How the weights were stored in the file: the inference protocol's input datatype follows it.
    public var storage: StorageType {
        get { box.members.storage }
        set { change { $0.storage = newValue } }
    }
    /// The file the model came from, for messages and logs.
    public var file: String {
        get { box.members.file }
        set { change { $0.file = newValue } }
    }

    public init(
        name: String, version: Int, format: ModelFormat, weights: Matrix, bias: [Double],
        activation: ModelActivation, labels: [String]? = nil, threshold: Double = 0.5, inputName: String = "input",
        storage: StorageType = .fp64, file: String
    ) {
        box = Box(
            Members(
                name: name, version: version, format: format, weights: weights, bias: bias, activation: activation,
                labels: labels, threshold: threshold, inputName: inputName, storage: storage, file: file))
    }

    /// n: the number of features a request sends per row.
    public var inputs: Int { weights.columns }
    /// m: the number of logits per row (1 for a binary model).
    public var outputs: Int { weights.rows }
    /// The number of classes: m, or 2 for a binary model.
    public var classes: Int { activation == .binary ? 2 : weights.rows }
}

/// How a model's logits become probabilities.
public enum ModelActivation: String, Sendable, CaseIterable {
    /// One class out of m: softmax over the m logits.
    case softmax
    /// An independent yes/no per output: σ of each logit.
    case sigmoid
    /// Logits only; `/classify` uses softmax.
    case none
    /// A two-class classifier with one score z (scikit-learn's binary LogisticRegression): probabilities
    /// [σ(−z), σ(z)], each computed directly.
    case binary
}

/// The file format a model was read from.
public enum ModelFormat: String, Sendable, CaseIterable {
    case logitd
    case sklearn
    case safetensors
    case onnx
}

/// How weights were stored: FP64 for JSON and F64 files, FP32 for F32/F16/BF16 and float ONNX initializers.
public enum StorageType: String, Sendable {
    case fp64 = "FP64"
    case fp32 = "FP32"
}

/// Why a model file cannot be served: the file and the problem, written as one line
/// (`models/iris.json: bias has 2 elements but weights has 3 rows`). A problem may quote the file's own
/// text (an unknown activation, a tensor's name) and a path may hold any byte but NUL, so the line writes
/// control and line-separator characters as escapes (`\n`, `\u{1B}`): it stays one line in the log.
public struct ModelLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { oneLine("\(file): \(problem)") }
}

/// `text` with C0 and C1 controls, DEL and U+2028/U+2029 escaped: `\n`, `\r`, `\t`, else `\u{X}`.
private func oneLine(_ text: String) -> String {
    func isBreaking(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }
    guard text.unicodeScalars.contains(where: isBreaking) else { return text }
    var out = String.UnicodeScalarView()
    for s in text.unicodeScalars {
        switch s {
        case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
        case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
        case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
        case _ where isBreaking(s):
            out.append(contentsOf: "\\u{\(String(s.value, radix: 16, uppercase: true))}".unicodeScalars)
        default: out.append(s)
        }
    }
    return String(out)
}
