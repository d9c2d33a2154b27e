import LogitMath

/// The compute operations: decoded requests in, results out. Each is a thin shell around LogitMath's
/// matrix functions, which check what the caller can still get wrong (shapes against each other, the
/// temperature, top_k, results that overflow); their refusals are named by `APIError(_:field:)`.
package enum Operations {
    package static func sigmoid(_ request: SigmoidRequest) -> SigmoidResponse {
        let x = request.logits
        return SigmoidResponse(
            probabilities: x.shaped(LogitMath.sigmoid(x.matrix)),
            derivatives: request.derivative ? x.shaped(LogitMath.sigmoidDerivative(x.matrix)) : nil)
    }

    package static func softmax(_ request: SoftmaxRequest) throws(APIError) -> SoftmaxResponse {
        let x = request.logits
        let t = request.temperature
        guard request.log else {
            return SoftmaxResponse(
                probabilities: x.shaped(
                    try math("logits", x) { () throws(MathError) in try LogitMath.softmax(x.matrix, temperature: t) }),
                logProbabilities: nil)
        }
        let (p, logP) = try math("logits", x) { () throws(MathError) in
            try LogitMath.softmaxAndLog(x.matrix, temperature: t)
        }
        return SoftmaxResponse(probabilities: x.shaped(p), logProbabilities: x.shaped(logP))
    }

    /// `observer` is told each served model's inference time.
    package static func linear(
        _ request: LinearRequest, observer: InferenceObserver? = nil
    ) throws(APIError) -> LinearResponse {
        let layer: LinearLayer
        switch request.source {
        case .layer(let l): layer = l
        case .model(_, let input, let model):
            return try linear(resolved(model), input: input, activation: request.activation, observer: observer)
        }
        let logits = try scores(of: layer)
        let probabilities: Batch? =
            switch request.activation ?? .none {
            case .none: nil
            case .sigmoid: logits.shaped(LogitMath.sigmoid(logits.matrix))
            case .softmax:
                logits.shaped(
                    try math("logits", logits) { () throws(MathError) in try LogitMath.softmax(logits.matrix) })
            }
        return LinearResponse(logits: logits, probabilities: probabilities)
    }

    /// One `Classification` for a vector, `{"results": [...]}` for a batch.
    package static func classify(
        _ request: ClassifyRequest, observer: InferenceObserver? = nil
    ) throws(APIError) -> ClassifyResult {
        let scores: Batch
        switch request.scores {
        case .logits(let l): scores = l
        case .layer(let layer): scores = try Self.scores(of: layer)
        case .model(_, let input, let model):
            return try classify(resolved(model), input: input, options: request.modelOptions, observer: observer)
        }
        var results: [Classification] = []
        results.reserveCapacity(scores.matrix.rows)
        switch request.activation {
        case .sigmoid:
            let p = LogitMath.sigmoid(scores.matrix)
            for r in 0..<p.rows {
                let row = Array(p.row(r))
                let predictions = LogitMath.threshold(row, at: request.threshold)
                let names = request.labels.map { labels in zip(labels, predictions).filter { $0.1 == 1 }.map(\.0) }
                results.append(.sigmoid(predictions: predictions, probabilities: row, labels: names))
            }
        case .softmax, .none:
            let p = try math("logits", scores) { () throws(MathError) in try LogitMath.softmax(scores.matrix) }
            for r in 0..<p.rows {
                let row = Array(p.row(r))
                let top = try math("top_k", scores) { () throws(MathError) in try LogitMath.topK(row, k: request.topK) }
                    .map { TopClass(class: $0, label: request.labels?[$0], probability: row[$0]) }
                results.append(.softmax(best: top[0], probabilities: row, top: top))
            }
        }
        return scores.isVector ? .single(results[0]) : .batch(ClassifyBatchResponse(results: results))
    }

    /// W·x + b for each input row; a result that overflows is refused with its place
    /// (`logits[k][j]` in a batch, `logits[j]` for a vector).
    static func scores(of layer: LinearLayer) throws(APIError) -> Batch {
        let input = layer.input
        do {
            return input.shaped(try LogitMath.linear(weights: layer.weights, bias: layer.bias, inputs: input.matrix))
        } catch {
            switch error {
            case .columnMismatch: throw APIError(error, field: "input", shapedAs: input)
            default: throw APIError(error, field: "logits", shapedAs: input)
            }
        }
    }
}

/// `/classify`'s answer: one classification for a vector, `{"results": [...]}` for a batch.
package enum ClassifyResult: Encodable {
    case single(Classification)
    case batch(ClassifyBatchResponse)

    package func encode(to encoder: any Encoder) throws {
        switch self {
        case .single(let c): try c.encode(to: encoder)
        case .batch(let b): try b.encode(to: encoder)
        }
    }
}
