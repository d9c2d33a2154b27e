import LogitMath
package import LogitModels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

// The answers that involve served models: the entries of `GET /models`, and /linear and /classify with
// `"model"`. Each works on the one model its request was resolved to.

/// One entry of `GET /models`.
package struct ModelEntry: Encodable {
    var name: String
    var version: String
    var format: String
    var inputs: Int
    var outputs: Int
    var activation: String
    var labels: [String]?

    package init(_ model: Model) {
        name = model.name
        version = String(model.version)
        format = model.format.rawValue
        inputs = model.inputs
        outputs = model.outputs
        activation = model.activation.rawValue
        labels = model.labels
    }
}

package struct ModelList: Encodable {
    var models: [ModelEntry]

    package init(_ models: ModelSet) { self.models = models.all.map(ModelEntry.init) }
}

/// Told how long each served model's inference took, in nanoseconds (`logitd_model_inference_seconds`).
package typealias InferenceObserver = @Sendable (Model, _ nanoseconds: UInt64) -> Void

/// A monotonic clock in nanoseconds, for `InferenceObserver`s: `CLOCK_MONOTONIC` read directly, where two
/// `ContinuousClock` readings, their difference and its conversion to nanoseconds (128-bit arithmetic)
/// were about 400 instructions on every model request. (Not `DispatchTime`: this module is pure
/// computation, linked without Dispatch by the fuzz targets.)
package func inferenceClock() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

extension Operations {
    /// The entry of `name`'s latest version; not found for an unknown name.
    package static func modelEntry(_ name: String, in models: ModelSet) throws(APIError) -> ModelEntry {
        ModelEntry(try models.resolve(ModelReference(name: name, version: nil)))
    }

    /// /linear with a model: its logits, and the probabilities of its (or the request's) activation.
    static func linear(
        _ model: Model, input: Batch, activation requested: Activation?, observer: InferenceObserver?
    ) throws(APIError) -> LinearResponse {
        let activation = try modelActivation(requested, for: model)
        let output = try timed(model, input, observer) { () throws(MathError) in
            try model.apply(input.matrix, activation: activation)
        }
        return LinearResponse(
            logits: input.shaped(output.logits), probabilities: output.probabilities.map(input.shaped))
    }

    /// /classify with a model; the options were checked against it by `ClassifyRequest.resolve`.
    static func classify(
        _ model: Model, input: Batch, options: ClassifyRequest.ModelOptions, observer: InferenceObserver?
    ) throws(APIError) -> ClassifyResult {
        let (output, decisions) = try timed(model, input, observer) { () throws(MathError) in
            try model.classify(
                input.matrix, activation: options.activation, topK: options.topK, threshold: options.threshold)
        }
        let labels = options.labels ?? model.labels
        let p = output.probabilities!
        func classification(_ r: Int) -> Classification {
            // One row (a vector request) is the matrix's own elements: no copy.
            let probabilities = p.rows == 1 ? p.elements : Array(p.row(r))
            switch decisions[r] {
            case .oneOf(let top):
                let classes = top.map { TopClass(class: $0, label: labels?[$0], probability: probabilities[$0]) }
                return .softmax(best: classes[0], probabilities: probabilities, top: classes)
            case .each(let predictions):
                let names = labels.map { labels in zip(labels, predictions).filter { $0.1 == 1 }.map(\.0) }
                return .sigmoid(predictions: predictions, probabilities: probabilities, labels: names)
            }
        }
        if input.isVector { return .single(classification(0)) }
        return .batch(ClassifyBatchResponse(results: decisions.indices.map(classification)))
    }

    /// Runs one model's inference, timed for the observer; LogitMath's refusals named as for a linear layer.
    private static func timed<T>(
        _ model: Model, _ input: Batch, _ observer: InferenceObserver?, _ body: () throws(MathError) -> T
    ) throws(APIError) -> T {
        let start = inferenceClock()
        let result: T
        do {
            result = try body()
        } catch {
            switch error {
            case .columnMismatch, .nonFiniteInput: throw APIError(error, field: "input", shapedAs: input)
            default: throw APIError(error, field: "logits", shapedAs: input)
            }
        }
        observer?(model, inferenceClock() &- start)
        return result
    }

    /// The model a request was resolved to; a request that names a model is always resolved before it is
    /// answered, so nil is a bug in the caller.
    static func resolved(_ model: Model?) throws(APIError) -> Model {
        guard let model else { throw APIError.invalid("model: the request was not resolved against the models") }
        return model
    }
}
