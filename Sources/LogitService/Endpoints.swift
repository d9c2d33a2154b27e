import HTTPServer
import LogitMath
import LogitModels

/// The compute endpoints: decoded, validated requests in, response bodies out. Each is a thin
/// shell around LogitMath; everything the caller can get wrong was refused while decoding.
enum Endpoints {
    static func sigmoid(_ request: SigmoidRequest) -> SigmoidResponse {
        SigmoidResponse(
            probabilities: request.logits.mapRows { LogitMath.sigmoid($0) },
            derivatives: request.derivative ? request.logits.mapRows { LogitMath.sigmoidDerivative($0) } : nil
        )
    }

    static func softmax(_ request: SoftmaxRequest) throws(Problem) -> SoftmaxResponse {
        let t = request.temperature
        let probabilities = try request.logits.mapRows { row throws(Problem) in
            try math(field: "logits") { () throws(MathError) in try LogitMath.softmax(row, temperature: t) }
        }
        let logProbabilities =
            try request.log
            ? request.logits.mapRows { row throws(Problem) in
                try math(field: "logits") { () throws(MathError) in try LogitMath.logSoftmax(row, temperature: t) }
            } : nil
        return SoftmaxResponse(probabilities: probabilities, logProbabilities: logProbabilities)
    }

    /// `metrics` counts the requests a served model answers (`logitd_model_requests_total`).
    static func linear(_ request: LinearRequest, metrics: ServiceMetrics? = nil) throws(Problem) -> LinearResponse {
        let layer: LinearLayer
        switch request.source {
        case .layer(let l): layer = l
        case .model(_, let input, let model):
            return try ModelEndpoints.linear(
                resolved(model), input: input, activation: request.activation, metrics: metrics)
        }
        let logits = try scores(of: layer)
        let probabilities: Logits? =
            switch request.activation ?? .none {
            case .none: nil
            case .sigmoid: logits.mapRows { LogitMath.sigmoid($0) }
            case .softmax:
                try logits.mapRows { row throws(Problem) in
                    try math(field: "logits") { () throws(MathError) in try LogitMath.softmax(row) }
                }
            }
        return LinearResponse(logits: logits, probabilities: probabilities)
    }

    /// One `Classification` for a vector, `{"results": [...]}` for a batch.
    static func classify(_ request: ClassifyRequest, metrics: ServiceMetrics? = nil) throws(Problem) -> ClassifyResult {
        let scores: Logits
        switch request.scores {
        case .logits(let l): scores = l
        case .layer(let layer): scores = try Self.scores(of: layer)
        case .model(_, let input, let model):
            return try ModelEndpoints.classify(
                resolved(model), input: input, options: request.modelOptions, metrics: metrics)
        }
        var results: [Classification] = []
        for row in scores.rows {
            switch request.activation {
            case .sigmoid:
                let p = LogitMath.sigmoid(row)
                let predictions = LogitMath.threshold(p, at: request.threshold)
                let names = request.labels.map { labels in
                    zip(labels, predictions).filter { $0.1 == 1 }.map(\.0)
                }
                results.append(.sigmoid(predictions: predictions, probabilities: p, labels: names))
            case .softmax, .none:
                let p = try math(field: "logits") { () throws(MathError) in try LogitMath.softmax(row) }
                let top = try math(field: "top_k") { () throws(MathError) in try LogitMath.topK(p, k: request.topK) }
                    .map {
                        TopClass(class: $0, label: request.labels?[$0], probability: p[$0])
                    }
                results.append(.softmax(best: top[0], probabilities: p, top: top))
            }
        }
        return scores.isBatch ? .batch(ClassifyBatchResponse(results: results)) : .single(results[0])
    }

    /// The model a request was resolved to; a request that names a model is always resolved before it is
    /// answered, so nil is a bug in the route, answered as a 500.
    private static func resolved(_ model: Model?) throws(Problem) -> Model {
        guard let model else { throw Problem(.internalServerError, "the request's model was not resolved") }
        return model
    }

    enum ClassifyResult: Encodable {
        case single(Classification)
        case batch(ClassifyBatchResponse)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .single(let c): try c.encode(to: encoder)
            case .batch(let b): try b.encode(to: encoder)
            }
        }
    }

    /// W·x + b for each input row; a result that overflows is refused with its place.
    static func scores(of layer: LinearLayer) throws(Problem) -> Logits {
        let weights = try math(field: "weights") { () throws(MathError) in try Matrix(rows: layer.weights) }
        return try layer.input.mapRows { row throws(Problem) in
            try math(field: "logits") { () throws(MathError) in
                try LogitMath.linear(weights: weights, bias: layer.bias, input: row)
            }
        }.validatedFinite()
    }

    /// Runs a LogitMath call, turning its error into a 422 that names `field`.
    static func math<T>(field: String, _ body: () throws(MathError) -> T) throws(Problem) -> T {
        do {
            return try body()
        } catch {
            throw .unprocessable(describe(error, field: field))
        }
    }

    /// A MathError in the request's own field names. The request types check shapes before the
    /// math runs, so in practice only results (a non-finite output) get here.
    static func describe(_ error: MathError, field: String) -> String {
        func place(_ path: [Int]) -> String { field + path.map { "[\($0)]" }.joined() }
        switch error {
        case .empty(let path): return "\(place(path)): must not be empty"
        case .raggedRow(let row, let count, let expected):
            return "\(field)[\(row)] has \(count) elements but \(field)[0] has \(expected)"
        case .elementCountMismatch(let count, let rows, let columns):
            return "\(field): \(count) elements do not make a \(rows)×\(columns) matrix"
        case .columnMismatch(let inputCount, let weightColumns):
            return "input has \(inputCount) elements but weights has \(weightColumns) columns"
        case .biasMismatch(let biasCount, let weightRows):
            return "bias has \(biasCount) elements but weights has \(weightRows) rows"
        case .nonFiniteInput(let path): return "\(place(path)): not a finite number"
        case .nonFiniteResult(let path): return "\(place(path)): the result is not finite"
        case .invalidTemperature(let t): return "temperature: must be a finite number greater than 0, got \(t)"
        case .invalidK(let k, let count): return "top_k: must be between 1 and \(count), got \(k)"
        }
    }
}

extension Logits {
    /// Refuses a non-finite element, naming it (`logits[3][1]: …`): JSON has no Infinity or NaN.
    fileprivate func validatedFinite() throws(Problem) -> Logits {
        for (i, row) in rows.enumerated() {
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                let place = isBatch ? "logits[\(i)][\(j)]" : "logits[\(j)]"
                throw .unprocessable(
                    "\(place): the linear layer's result is not finite (\(row[j])); scale the weights or the input")
            }
        }
        return self
    }
}
