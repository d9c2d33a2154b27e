import LogitMath
import ONNXProto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The linear layer a recognised graph computes, as the served model holds it.
struct LinearGraph {
    var weights: Matrix
    var bias: [Double]
    var activation: ModelActivation
    var labels: [String]?
    var storage: StorageType
}

/// Walks a graph's nodes in order (ONNX requires them topologically sorted) and gives every value a
/// meaning — the graph input, an initializer, the linear scores, the activated scores, a class index,
/// labels — so that each node is accepted only where it computes what a linear classifier's graph does
/// there. Bookkeeping that only relabels or re-types (Cast, Identity, Reshape of labels, ZipMap) passes
/// through; the L1 normalisation after softmax or a binary σ pair is accepted because it changes nothing.
struct GraphReader {
    /// What a value in the graph is.
    private enum Kind: Equatable {
        case input
        case constant
        /// W·x (+ b once `biased`).
        case scores(biased: Bool)
        /// The scores after the graph's one activation (softmax, σ, log-softmax, LinearClassifier's
        /// post_transform).
        case probabilities
        /// Abs of the probabilities, and its row sum: the pieces of skl2onnx's L1 normalisation.
        case absolute
        case rowSum
        case classIndex
        case labels
        case map

        var phrase: String {
            switch self {
            case .input: "the graph input"
            case .constant: "an initializer"
            case .scores: "the linear scores"
            case .probabilities: "the activated scores"
            case .absolute: "the absolute activated scores"
            case .rowSum: "a row sum"
            case .classIndex: "the predicted class index"
            case .labels: "the predicted labels"
            case .map: "a ZipMap output"
            }
        }
    }

    /// The activation node found, if any.
    private enum Activation {
        case softmax, sigmoid
        /// LinearClassifier's post_transform.
        case classifier(String)
    }

    /// The one linear layer: W (m×n), b, and where they came from.
    private struct Layer {
        var weights: [Double]
        var rows: Int
        var columns: Int
        var bias: [Double]?
        var storage: StorageType
    }

    private let graph: Onnx_GraphProto
    private var initializers: [String: Onnx_TensorProto] = [:]
    let inputName: String
    private let inputType: Int32
    /// The input's declared number of features (its second dimension), when the file gives it.
    private let inputWidth: Int?
    /// The input's declared rank, checked when the linear layer reads it (so that a graph of other ops is
    /// refused by naming its first op, not its input's shape).
    private let inputRank: Int?

    private var kinds: [String: Kind] = [:]
    private var layer: Layer?
    private var activation: Activation?
    private var activationNode = ""
    /// The node that L1-normalises the activated scores, if any, described for messages.
    private var normalizer: String?
    /// Whether the scores were read before a bias was added to them (then the bias would come too late).
    private var unbiasedScoresRead = false
    private var labels: [String]?

    init(_ graph: Onnx_GraphProto) throws(GraphProblem) {
        self.graph = graph
        var initializers: [String: Onnx_TensorProto] = [:]
        for tensor in graph.initializer {
            guard initializers.updateValue(tensor, forKey: tensor.name) == nil else {
                throw GraphProblem("two initializers are named '\(tensor.name)'")
            }
        }
        self.initializers = initializers
        if let sparse = graph.sparseInitializer.first {
            throw GraphProblem("sparse initializer '\(sparse.values.name)' is not read by logitd")
        }
        // Before IR version 4 initializers were also listed as graph inputs: only the others are inputs.
        let inputs = graph.input.filter { initializers[$0.name] == nil }
        guard let input = inputs.first else { throw GraphProblem("the graph has no input") }
        guard inputs.count == 1 else {
            throw GraphProblem(
                "the graph has \(inputs.count) inputs (\(inputs.map { "'\($0.name)'" }.joined(separator: ", "))); "
                    + "a served model has one")
        }
        guard case .tensorType(let tensor)? = input.type.value else {
            throw GraphProblem("input '\(input.name)' is not a tensor")
        }
        guard [TensorType.float, .double, .float16].map(\.rawValue).contains(tensor.elemType) else {
            throw GraphProblem(
                "input '\(input.name)' is of type \(TensorType.name(tensor.elemType)); logitd serves FLOAT, "
                    + "DOUBLE and FLOAT16 inputs")
        }
        var width: Int?
        if tensor.hasShape {
            let dims = tensor.shape.dim
            inputRank = dims.count
            if dims.count == 2, case .dimValue(let v)? = dims[1].value, v > 0 { width = Int(exactly: v) }
        } else {
            inputRank = nil
        }
        inputName = input.name
        inputType = tensor.elemType
        inputWidth = width
        kinds[input.name] = .input
    }

    mutating func read() throws(GraphProblem) -> LinearGraph {
        for (index, node) in graph.node.enumerated() {
            let described =
                node.name.isEmpty ? "node #\(index) (\(node.opType))" : "node '\(node.name)' (\(node.opType))"
            do {
                try read(node)
            } catch {
                throw GraphProblem("\(described): \(error.text)")
            }
        }
        return try finish()
    }

    // MARK: - Nodes

    private mutating func read(_ node: Onnx_NodeProto) throws(GraphProblem) {
        for output in node.output where !output.isEmpty {
            guard kinds[output] == nil, initializers[output] == nil else {
                throw GraphProblem("it defines '\(output)', which is already defined")
            }
        }
        let ml: Bool
        switch node.domain {
        case "", "ai.onnx": ml = false
        case "ai.onnx.ml": ml = true
        default: throw GraphProblem("op \(node.opType) of domain '\(node.domain)' is not one logitd serves")
        }
        switch (ml, node.opType) {
        case (true, "LinearClassifier"): try linearClassifier(node)
        case (true, "Normalizer"):
            try expect(node, 0, [.probabilities])
            let norm = try stringAttribute(node, "norm") ?? "MAX"
            guard norm == "L1" else { throw GraphProblem("norm \(norm) is not served (only L1, which softmax needs)") }
            normalizer = normalizer ?? "node '\(node.name)' (\(node.opType))"
            try define(node, 0, .probabilities)
        case (true, "ZipMap"):
            try expect(node, 0, [.probabilities])
            if let ints = attribute(node, "classlabels_int64s") {
                try agree(labels: ints.ints.map { String($0) }, from: "its classlabels_int64s")
            } else if let strings = attribute(node, "classlabels_strings") {
                try agree(labels: try texts(strings.strings), from: "its classlabels_strings")
            }
            try define(node, 0, .map)
        case (true, "ArrayFeatureExtractor"):
            try expect(node, 0, [.constant])
            try expect(node, 1, [.classIndex])
            try agree(labels: try classLabels(named: node.input[0]), from: "initializer '\(node.input[0])'")
            try define(node, 0, .labels)
        case (false, "Gemm"): try gemm(node)
        case (false, "MatMul"): try matMul(node)
        case (false, "Add"): try add(node)
        case (false, "Softmax"), (false, "LogSoftmax"):
            try expectScores(node)
            try lastAxis(node, attribute: "axis")
            try activate(node, .softmax)
            try define(node, 0, .probabilities)
        case (false, "Sigmoid"):
            try expectScores(node)
            try activate(node, .sigmoid)
            try define(node, 0, .probabilities)
        case (false, "ArgMax"):
            let kind = try expect(node, 0, [.scores(biased: true), .scores(biased: false), .probabilities])
            if kind == .scores(biased: false) { unbiasedScoresRead = true }
            guard let axis = attribute(node, "axis"), axis.i == 1 || axis.i == -1 else {
                throw GraphProblem("ArgMax over another axis than the classes' (axis 1 or -1)")
            }
            if let last = attribute(node, "select_last_index"), last.i != 0 {
                throw GraphProblem("select_last_index = \(last.i): ties would not go to the lower index")
            }
            try define(node, 0, .classIndex)
        case (false, "Reshape"):
            let kind = try expect(node, 0, [.labels, .classIndex])
            try expect(node, 1, [.constant])
            try define(node, 0, kind)
        case (false, "Cast"):
            let kind = try expect(node, 0, [.labels, .classIndex, .probabilities, .scores(biased: true)])
            if kind == .probabilities || kind == .scores(biased: true) {
                let to = attribute(node, "to")?.i ?? 0
                guard [TensorType.float, .double, .float16].map({ Int64($0.rawValue) }).contains(to) else {
                    throw GraphProblem("a cast of \(kind.phrase) to \(TensorType.name(Int32(clamping: to)))")
                }
            }
            try define(node, 0, kind)
        case (false, "Identity"):
            guard let kind = try known(node, 0) else { throw GraphProblem("it has no input") }
            if kind == .scores(biased: false) { unbiasedScoresRead = true }
            try define(node, 0, kind)
        case (false, "Abs"):
            try expect(node, 0, [.probabilities])
            try define(node, 0, .absolute)
        case (false, "ReduceSum"):
            try expect(node, 0, [.absolute])
            if node.input.count > 1, !node.input[1].isEmpty {
                try expect(node, 1, [.constant])
                let axes = try integers(named: node.input[1])
                guard axes == [1] || axes == [-1] else {
                    throw GraphProblem("a sum over axes \(axes), not the classes'")
                }
            } else if let axes = attribute(node, "axes") {
                guard axes.ints == [1] || axes.ints == [-1] else {
                    throw GraphProblem("a sum over axes \(axes.ints), not the classes'")
                }
            } else {
                throw GraphProblem("a sum over all axes, not the classes'")
            }
            if let keep = attribute(node, "keepdims"), keep.i != 1 { throw GraphProblem("keepdims = \(keep.i)") }
            try define(node, 0, .rowSum)
        case (false, "Div"):
            try expect(node, 0, [.probabilities])
            try expect(node, 1, [.rowSum])
            normalizer = normalizer ?? "node '\(node.name)' (\(node.opType))"
            try define(node, 0, .probabilities)
        default:
            throw GraphProblem(
                "op \(node.opType) is not one logitd serves (it serves linear classifiers: LinearClassifier, Gemm, "
                    + "MatMul + Add, then Softmax, LogSoftmax or Sigmoid)")
        }
    }

    private mutating func linearClassifier(_ node: Onnx_NodeProto) throws(GraphProblem) {
        try expect(node, 0, [.input])
        guard layer == nil else { throw GraphProblem("a second linear layer") }
        guard let coefficients = attribute(node, "coefficients")?.floats, !coefficients.isEmpty else {
            throw GraphProblem("it has no coefficients")
        }
        let intercepts = attribute(node, "intercepts")?.floats ?? []
        let classLabels: [String]
        if let ints = attribute(node, "classlabels_ints") {
            classLabels = ints.ints.map { String($0) }
        } else if let strings = attribute(node, "classlabels_strings") {
            classLabels = try texts(strings.strings)
        } else {
            throw GraphProblem("it has neither classlabels_ints nor classlabels_strings")
        }
        let rows = intercepts.isEmpty ? classLabels.count : intercepts.count
        guard rows > 0, coefficients.count % rows == 0 else {
            throw GraphProblem(
                "its \(coefficients.count) coefficients are not a whole number of rows for \(rows) intercepts")
        }
        let columns = coefficients.count / rows
        guard classLabels.count == rows || (rows == 1 && classLabels.count == 2) else {
            throw GraphProblem("its \(classLabels.count) class labels don't match its \(rows) rows of coefficients")
        }
        let transform = try stringAttribute(node, "post_transform") ?? "NONE"
        guard ["NONE", "LOGISTIC", "SOFTMAX"].contains(transform) else {
            throw GraphProblem("post_transform \(transform) is not served (NONE, LOGISTIC, SOFTMAX)")
        }
        if rows == 1 && transform != "LOGISTIC" {
            // onnxruntime answers [1 − z, z] for one row with NONE or SOFTMAX: not a linear model's scores.
            throw GraphProblem("a single row of coefficients with post_transform \(transform) (binary needs LOGISTIC)")
        }
        let weights = coefficients.map(Double.init)
        let bias = intercepts.isEmpty ? nil : intercepts.map(Double.init)
        if let bad = weights.firstIndex(where: { !$0.isFinite }) {
            throw GraphProblem("coefficient \(bad) is \(weights[bad]), not a finite number")
        }
        if let bad = bias?.firstIndex(where: { !$0.isFinite }) {
            throw GraphProblem("intercept \(bad) is \(bias![bad]), not a finite number")
        }
        layer = Layer(weights: weights, rows: rows, columns: columns, bias: bias, storage: .fp32)
        try checkWidth(columns)
        try agree(labels: classLabels, from: "its class labels")
        activation = .classifier(transform)
        activationNode = node.name
        try define(node, 0, .labels)
        if node.output.count > 1 { try define(node, 1, .probabilities) }
    }

    private mutating func gemm(_ node: Onnx_NodeProto) throws(GraphProblem) {
        try expect(node, 0, [.input])
        try expect(node, 1, [.constant])
        let hasBias = node.input.count > 2 && !node.input[2].isEmpty
        if hasBias { try expect(node, 2, [.constant]) }
        guard layer == nil else { throw GraphProblem("a second linear layer") }
        if let transA = attribute(node, "transA"), transA.i != 0 {
            throw GraphProblem("transA = \(transA.i): the input would be read column-wise")
        }
        let transB = attribute(node, "transB")?.i ?? 0
        let alpha = Double(attribute(node, "alpha")?.f ?? 1)
        let beta = Double(attribute(node, "beta")?.f ?? 1)
        guard alpha.isFinite, beta.isFinite else { throw GraphProblem("alpha \(alpha) or beta \(beta) is not finite") }
        var layer = try matrix(named: node.input[1], transposed: transB == 0, node: node)
        if alpha != 1 {
            // Exact for float and float16 weights (24 × 24 significant bits fit in a Double's 53); one rounding
            // per weight for double ones.
            layer.weights = layer.weights.map { alpha * $0 }
        }
        if hasBias {
            layer.bias = try bias(named: node.input[2], rows: layer.rows, scalarAllowed: true).map { beta * $0 }
        }
        self.layer = layer
        try define(node, 0, .scores(biased: hasBias))
    }

    private mutating func matMul(_ node: Onnx_NodeProto) throws(GraphProblem) {
        try expect(node, 0, [.input])
        try expect(node, 1, [.constant])
        guard layer == nil else { throw GraphProblem("a second linear layer") }
        // MatMul(X, B) with B n×m: W is Bᵀ.
        layer = try matrix(named: node.input[1], transposed: true, node: node)
        try define(node, 0, .scores(biased: false))
    }

    private mutating func add(_ node: Onnx_NodeProto) throws(GraphProblem) {
        guard node.input.count == 2 else { throw GraphProblem("it has \(node.input.count) inputs") }
        let first = try known(node, 0)
        let scoresIndex = first == .scores(biased: false) ? 0 : 1
        try expect(node, scoresIndex, [.scores(biased: false)])
        try expect(node, 1 - scoresIndex, [.constant])
        guard !unbiasedScoresRead, var layer else {
            throw GraphProblem("the bias is added after the scores were already used")
        }
        layer.bias = try bias(named: node.input[1 - scoresIndex], rows: layer.rows, scalarAllowed: false)
        self.layer = layer
        try define(node, 0, .scores(biased: true))
    }

    // MARK: - Values

    @discardableResult
    private func known(_ node: Onnx_NodeProto, _ index: Int) throws(GraphProblem) -> Kind? {
        guard index < node.input.count, !node.input[index].isEmpty else { return nil }
        let name = node.input[index]
        if let kind = kinds[name] { return kind }
        if initializers[name] != nil { return .constant }
        throw GraphProblem("it reads '\(name)', which no earlier node or initializer defines")
    }

    /// The kind of input `index`, which must be one of `allowed`.
    @discardableResult
    private func expect(_ node: Onnx_NodeProto, _ index: Int, _ allowed: [Kind]) throws(GraphProblem) -> Kind {
        guard let kind = try known(node, index) else {
            throw GraphProblem("input \(index) is missing (expected \(allowed[0].phrase))")
        }
        guard allowed.contains(kind) else {
            throw GraphProblem(
                "it reads '\(node.input[index])', \(kind.phrase), where logitd expects \(allowed[0].phrase)")
        }
        return kind
    }

    /// Softmax/Sigmoid read the scores; scores still waiting for a bias are then final.
    private mutating func expectScores(_ node: Onnx_NodeProto) throws(GraphProblem) {
        if try expect(node, 0, [.scores(biased: true), .scores(biased: false)]) == .scores(biased: false) {
            unbiasedScoresRead = true
        }
    }

    private mutating func define(_ node: Onnx_NodeProto, _ index: Int, _ kind: Kind) throws(GraphProblem) {
        guard index < node.output.count, !node.output[index].isEmpty else { return }
        kinds[node.output[index]] = kind
    }

    private mutating func activate(_ node: Onnx_NodeProto, _ new: Activation) throws(GraphProblem) {
        guard activation == nil else {
            throw GraphProblem("a second activation (the first is node '\(activationNode)')")
        }
        activation = new
        activationNode = node.name
    }

    private func lastAxis(_ node: Onnx_NodeProto, attribute name: String) throws(GraphProblem) {
        // Rank-2 scores: axis 1 and -1 are both the classes; the default (1 before opset 13, -1 since) too.
        if let axis = attribute(node, name), axis.i != 1, axis.i != -1 {
            throw GraphProblem("\(node.opType) over axis \(axis.i), not the classes' (1 or -1)")
        }
    }

    private mutating func agree(labels new: [String], from source: String) throws(GraphProblem) {
        if let labels, labels != new {
            throw GraphProblem("\(source) \(new) differ from the class labels \(labels)")
        }
        labels = new
    }

    private func checkWidth(_ columns: Int) throws(GraphProblem) {
        if let inputRank, inputRank != 2 {
            throw GraphProblem(
                "input '\(inputName)' has rank \(inputRank); a served model takes rows of features (rank 2)")
        }
        if let inputWidth, inputWidth != columns {
            throw GraphProblem(
                "input '\(inputName)' has \(inputWidth) features per row but the weights have \(columns) columns")
        }
    }

    // MARK: - Attributes and initializers

    private func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? {
        node.attribute.first { $0.name == name }
    }

    private func stringAttribute(_ node: Onnx_NodeProto, _ name: String) throws(GraphProblem) -> String? {
        guard let a = attribute(node, name) else { return nil }
        do { return try utf8(a.s, what: "attribute \(name)") } catch { throw GraphProblem(error.text) }
    }

    private func texts(_ strings: [Data]) throws(GraphProblem) -> [String] {
        do {
            return try strings.map { (data) throws(TensorProblem) in try utf8(data, what: "a class label") }
        } catch { throw GraphProblem(error.text) }
    }

    private func tensor(named name: String) throws(GraphProblem) -> ONNXTensor {
        guard let proto = initializers[name] else {
            throw GraphProblem("'\(name)' is computed by the graph; logitd reads weights only from initializers")
        }
        do { return try ONNXTensor(proto) } catch { throw GraphProblem("initializer '\(name)': \(error.text)") }
    }

    private func integers(named name: String) throws(GraphProblem) -> [Int64] {
        let t = try tensor(named: name)
        do { return try t.integers() } catch { throw GraphProblem("initializer '\(name)': \(error.text)") }
    }

    private func classLabels(named name: String) throws(GraphProblem) -> [String] {
        let t = try tensor(named: name)
        do { return try t.labels() } catch { throw GraphProblem("initializer '\(name)': \(error.text)") }
    }

    private func doubles(_ tensor: ONNXTensor, _ name: String) throws(GraphProblem) -> [Double] {
        do { return try tensor.doubles() } catch { throw GraphProblem("initializer '\(name)': \(error.text)") }
    }

    /// A 2-D weight initializer as m×n row-major: as stored (`transposed == false`, m×n) or transposed (n×m).
    private func matrix(named name: String, transposed: Bool, node: Onnx_NodeProto) throws(GraphProblem) -> Layer {
        let t = try tensor(named: name)
        guard t.dims.count == 2, t.count > 0 else {
            throw GraphProblem("weight initializer '\(name)' has dims \(t.dims), not a non-empty matrix")
        }
        let stored = try doubles(t, name)
        guard t.type == inputType else {
            throw GraphProblem(
                "input '\(inputName)' is \(TensorType.name(inputType)) but initializer '\(name)' is "
                    + TensorType.name(t.type))
        }
        let (rows, columns) = transposed ? (t.dims[1], t.dims[0]) : (t.dims[0], t.dims[1])
        var weights = stored
        if transposed {
            for r in 0..<rows {
                for c in 0..<columns { weights[r * columns + c] = stored[c * rows + r] }
            }
        }
        try checkWidth(columns)
        let storage: StorageType = t.type == TensorType.double.rawValue ? .fp64 : .fp32
        return Layer(weights: weights, rows: rows, columns: columns, bias: nil, storage: storage)
    }

    /// A bias of `rows` values, as dims [m] or [1, m] (or a broadcast scalar, dims [] or [1], for Gemm's C).
    private func bias(named name: String, rows: Int, scalarAllowed: Bool) throws(GraphProblem) -> [Double] {
        let t = try tensor(named: name)
        let values = try doubles(t, name)
        if t.dims == [rows] || t.dims == [1, rows] { return values }
        if scalarAllowed, t.count == 1, t.dims.count <= 1 { return Array(repeating: values[0], count: rows) }
        throw GraphProblem("bias initializer '\(name)' has dims \(t.dims) but the weights have \(rows) rows")
    }

    // MARK: - The model

    private func finish() throws(GraphProblem) -> LinearGraph {
        guard let layer else { throw GraphProblem("no linear layer (LinearClassifier, Gemm or MatMul) in the graph") }
        var carriesScores = false
        for output in graph.output {
            guard let kind = kinds[output.name] else {
                throw GraphProblem("graph output '\(output.name)' is not computed by any node")
            }
            switch kind {
            case .scores(biased: false) where layer.bias != nil:
                throw GraphProblem("graph output '\(output.name)' is the scores before the bias is added")
            case .scores, .probabilities, .map: carriesScores = true
            case .labels, .classIndex: break
            default: throw GraphProblem("graph output '\(output.name)' is \(kind.phrase), which logitd does not serve")
            }
        }
        guard carriesScores else { throw GraphProblem("no graph output carries the scores or probabilities") }

        var weights = layer.weights
        var bias = layer.bias ?? Array(repeating: 0, count: layer.rows)
        var rows = layer.rows
        let served: ModelActivation
        let normalizedBy = normalizer ?? ""
        switch activation {
        case nil: served = .none
        case .softmax: served = .softmax
        case .sigmoid where normalizer == nil: served = .sigmoid
        case .sigmoid, .classifier("LOGISTIC"):
            if rows == 1 {
                served = .binary
            } else if rows == 2, isNegatedPair(weights, bias, columns: layer.columns) {
                // skl2onnx writes a binary model as rows [−w, w] (intercepts [−b, b]): the one score is row 1.
                served = .binary
                weights = Array(weights[layer.columns...])
                bias = [bias[1]]
                rows = 1
            } else if normalizer != nil {
                throw GraphProblem(
                    "\(normalizedBy): L1 normalisation of independent sigmoids (one-vs-rest) is neither σ nor "
                        + "softmax; logitd does not serve it")
            } else {
                served = .sigmoid
            }
        case .classifier("SOFTMAX"): served = .softmax
        case .classifier:
            guard normalizer == nil else {
                throw GraphProblem(
                    "\(normalizedBy): L1 normalisation of raw scores (post_transform NONE) is not served")
            }
            served = .none
        }
        let classes = served == .binary ? 2 : rows
        if let labels, labels.count != classes {
            throw GraphProblem("the graph's \(labels.count) class labels don't match its \(classes) classes")
        }
        let matrix: Matrix
        do {
            matrix = try Matrix(rows: rows, columns: layer.columns, elements: weights)
        } catch {
            throw GraphProblem("the weights are not a non-empty matrix (\(error))")
        }
        return LinearGraph(weights: matrix, bias: bias, activation: served, labels: labels, storage: layer.storage)
    }

    private func isNegatedPair(_ w: [Double], _ b: [Double], columns: Int) -> Bool {
        b[0] == -b[1] && (0..<columns).allSatisfy { w[$0] == -w[columns + $0] }
    }
}
