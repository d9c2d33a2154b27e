import LogitMath
import LogitModels

// The answers that involve served models: `GET /models`, `GET /models/{name}`, and /linear and /classify with
// `"model"`. Each works on one `ModelSet`, the one its request began with.

/// One entry of `GET /models`.
struct ModelEntry: Encodable {
    var name: String
    var version: String
    var format: String
    var inputs: Int
    var outputs: Int
    var activation: String
    var labels: [String]?

    init(_ model: Model) {
        name = model.name
        version = String(model.version)
        format = model.format.rawValue
        inputs = model.inputs
        outputs = model.outputs
        activation = model.activation.rawValue
        labels = model.labels
    }
}

struct ModelList: Encodable {
    var models: [ModelEntry]
}

enum ModelEndpoints {
    static func list(_ models: ModelSet) -> ModelList {
        ModelList(models: models.all.map(ModelEntry.init))
    }

    /// The latest version of `name`; 404 for an unknown name.
    static func entry(_ name: String, in models: ModelSet) throws(Problem) -> ModelEntry {
        ModelEntry(try models.resolve(ModelReference(name: name, version: nil)))
    }

    /// /linear with a model: its logits, and the probabilities of its (or the request's) activation.
    static func linear(
        _ model: Model, input: Logits, activation requested: Activation?, metrics: ServiceMetrics?
    ) throws(Problem) -> LinearResponse {
        let activation = try modelActivation(requested, for: model)
        let inputs = try modelInput(input, for: model)
        let output = try timed(model, metrics) { () throws(MathError) in try model.apply(inputs, activation: activation) }
        let logits = rows(output.logits, like: input)
        return LinearResponse(logits: logits, probabilities: output.probabilities.map { rows($0, like: input) })
    }

    /// /classify with a model; `options` were checked against it by `ClassifyRequest.resolve`.
    static func classify(
        _ model: Model, input: Logits, options: ClassifyRequest.ModelOptions, metrics: ServiceMetrics?
    ) throws(Problem) -> Endpoints.ClassifyResult {
        let inputs = try modelInput(input, for: model)
        let (output, decisions) = try timed(model, metrics) { () throws(MathError) in
            try model.classify(inputs, activation: options.activation, topK: options.topK, threshold: options.threshold)
        }
        let labels = options.labels ?? model.labels
        let p = output.probabilities!
        var results: [Classification] = []
        results.reserveCapacity(decisions.count)
        for (r, decision) in decisions.enumerated() {
            let probabilities = Array(p.row(r))
            switch decision {
            case .oneOf(let top):
                let classes = top.map { TopClass(class: $0, label: labels?[$0], probability: probabilities[$0]) }
                results.append(.softmax(best: classes[0], probabilities: probabilities, top: classes))
            case .each(let predictions):
                let names = labels.map { labels in zip(labels, predictions).filter { $0.1 == 1 }.map(\.0) }
                results.append(.sigmoid(predictions: predictions, probabilities: probabilities, labels: names))
            }
        }
        return input.isBatch ? .batch(ClassifyBatchResponse(results: results)) : .single(results[0])
    }

    /// Runs one model's inference, timed for `logitd_model_inference_seconds`; a MathError becomes a 422.
    private static func timed<T>(
        _ model: Model, _ metrics: ServiceMetrics?, _ body: () throws(MathError) -> T
    ) throws(Problem) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try Endpoints.math(field: "logits", body)
        metrics?.recordModel(name: model.name, version: model.version, inference: clock.now - start)
        return result
    }

    /// A result matrix in the shape of the request's input: a vector for a vector, a batch for a batch.
    private static func rows(_ m: Matrix, like input: Logits) -> Logits {
        input.isBatch ? .batch(m.arrays) : .vector(Array(m.row(0)))
    }
}
