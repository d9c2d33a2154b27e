public import LogitMath

// Applying a served model to a batch of rows: logits = W·x + b in Double, probabilities by activation, and the
// decisions /classify and the inference protocol answer with. No JSON and no HTTP: the callers render it.

/// A model applied to k input rows.
public struct ModelOutput: Sendable, Equatable {
    /// The activation that made `probabilities` (the model's own, or a request's override).
    public var activation: ModelActivation
    /// k×m: row r is W·(input row r) + b. A binary model has m = 1, the score z.
    public var logits: Matrix
    /// k×m (k×2 for a binary model: [σ(−z), σ(z)]); nil when the activation is `none`.
    public var probabilities: Matrix?

    public init(activation: ModelActivation, logits: Matrix, probabilities: Matrix?) {
        self.activation = activation
        self.logits = logits
        self.probabilities = probabilities
    }
}

/// What a model decides for one input row.
public enum Decision: Sendable, Equatable {
    /// One class out of many (softmax and binary models): the `top_k` most probable class indices, most
    /// probable first, ties broken by the lower index; `top[0]` is the class.
    case oneOf(top: [Int])
    /// An independent yes/no per output (sigmoid models): 1 where the probability is greater than the threshold.
    case each(predictions: [Int])
}

extension Model {
    /// The activation a request asks for, checked against the model: nil when it may not be asked.
    ///
    /// A binary model's one score z has no other meaning than [σ(−z), σ(z)], so it cannot be overridden
    /// (asking for `binary` itself is allowed); `binary` cannot be asked of a model that is not binary.
    /// `requested == nil` keeps the model's own.
    public func activation(overriddenBy requested: ModelActivation?) -> ModelActivation? {
        guard let requested else { return activation }
        if activation == .binary || requested == .binary { return requested == activation ? requested : nil }
        return requested
    }

    /// The activation /classify uses: a model whose activation is `none` classifies by softmax.
    public func classifyingActivation(overriddenBy requested: ModelActivation?) -> ModelActivation? {
        activation(overriddenBy: requested).map { $0 == .none ? .softmax : $0 }
    }

    /// W·x + b for each row of `inputs` (k×n), in Double, then the probabilities of `activation` (the model's
    /// own when nil; an override must have passed `activation(overriddenBy:)`).
    ///
    /// The weights are the model's one buffer, read in place: nothing proportional to m×n is allocated.
    ///
    /// - Throws: `.columnMismatch(inputCount:weightColumns:)` for rows of the wrong width, `.nonFiniteInput`
    ///   and `.nonFiniteResult(path: [row, output])` as `linear` does.
    public func apply(_ inputs: Matrix, activation requested: ModelActivation? = nil) throws(MathError) -> ModelOutput {
        let chosen = requested ?? activation
        precondition(self.activation(overriddenBy: requested) != nil, "activation \(chosen) for a \(activation) model")
        let logits = try linear(weights: weights, bias: bias, inputs: inputs)
        let probabilities: Matrix? =
            switch chosen {
            case .none: nil
            case .sigmoid: sigmoid(logits)
            case .softmax: try softmax(logits)
            case .binary: try Self.binaryProbabilities(logits)
            }
        return ModelOutput(activation: chosen, logits: logits, probabilities: probabilities)
    }

    /// [σ(−z), σ(z)] for each score z: each term computed directly, so both keep their relative accuracy
    /// (scikit-learn's `predict_proba` forms 1 − σ(z), which is 0 once σ(z) rounds to 1, near z ≈ 37).
    static func binaryProbabilities(_ logits: Matrix) throws(MathError) -> Matrix {
        var out: [Double] = []
        out.reserveCapacity(logits.rows * 2)
        for z in logits.elements {
            out.append(sigmoid(-z))
            out.append(sigmoid(z))
        }
        return try Matrix(rows: logits.rows, columns: 2, elements: out)
    }

    /// `apply` with /classify's activation (`none` classifies by softmax), then one decision per row.
    ///
    /// - Parameters:
    ///   - topK: for softmax and binary models, how many classes each row's `top` lists (1 ≤ k ≤ classes).
    ///   - threshold: for sigmoid, the probability an output must exceed to be predicted 1 (the model's own when nil).
    /// - Throws: as `apply`, and `.invalidK(k:count:)` for a `topK` outside 1…classes.
    public func classify(
        _ inputs: Matrix, activation requested: ModelActivation? = nil, topK: Int = 1, threshold: Double? = nil
    ) throws(MathError) -> (output: ModelOutput, decisions: [Decision]) {
        let chosen = classifyingActivation(overriddenBy: requested)
        precondition(chosen != nil, "activation \(String(describing: requested)) for a \(activation) model")
        let output = try apply(inputs, activation: chosen)
        let decisions = try output.decisions(topK: topK, threshold: threshold ?? self.threshold)
        return (output, decisions)
    }
}

extension ModelOutput {
    /// One decision per row: top-k classes for softmax and binary, threshold predictions for sigmoid.
    /// An output without probabilities (`none`) is decided on its logits' order, which softmax keeps.
    ///
    /// - Throws: `.invalidK(k:count:)` for softmax and binary when `topK` is outside 1…classes.
    public func decisions(topK: Int = 1, threshold: Double) throws(MathError) -> [Decision] {
        let scores = probabilities ?? logits
        var out: [Decision] = []
        out.reserveCapacity(scores.rows)
        for r in 0..<scores.rows {
            // One row (a vector request) is the matrix's own elements: no copy.
            let row = scores.rows == 1 ? scores.elements : Array(scores.row(r))
            if activation == .sigmoid {
                out.append(.each(predictions: LogitMath.threshold(row, at: threshold)))
            } else {
                out.append(.oneOf(top: try LogitMath.topK(row, k: topK)))
            }
        }
        return out
    }
}
