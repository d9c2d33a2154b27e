package import JSONCodec
package import LogitMath
package import LogitModels

// The requests of the compute endpoints (API.md "Endpoints"), decoded from any Codable wire format.
// Each refuses unknown fields, since a misspelt option (`temprature`) silently ignored would give a
// wrong answer that looks right.
//
// The null rule: a `null` for an optional field means the same as the field being absent; a `null`
// for a required field is refused, naming the field. `present(_:)` is where it is applied.

/// A compute request, with what answering it costs in element operations (a multiply-add, an exp),
/// so the caller can decide where to run it.
package protocol ComputeRequest: Decodable, Sendable, SendableMetatype {
    var cost: Int { get }
    /// Finds the served model the request names (if any) in `models`, the set the request began with, and
    /// checks the request against it; `cost` is known only after it.
    mutating func resolve(_ models: ModelSet) throws(APIError)
    /// The request read straight from a JSON document in its common shape, or nil for anything
    /// else, which is then decoded through `init(from:)` (see `JSONValue`). Both must give the same
    /// request for every document this reads (`RequestReadingTests`).
    static func read(_ json: JSONValue) -> Self?
}

extension ComputeRequest {
    package mutating func resolve(_ models: ModelSet) throws(APIError) {}
    package static func read(_ json: JSONValue) -> Self? { nil }
}

/// The body as an object, or nil when it is a bare array (`[0.5, -0.1]` means `{"logits": [0.5, -0.1]}`).
private func objectOrBareArray(_ decoder: any Decoder) -> KeyedDecodingContainer<AnyKey>? {
    try? decoder.container(keyedBy: AnyKey.self)
}

/// The logits of a bare-array body, with errors placed under `logits` as if it had been
/// `{"logits": [...]}`: `logits[1]: number 1e400 is out of range`, not `[1]: …`.
private func bareLogits(_ decoder: any Decoder) throws -> Batch {
    do {
        return try VectorOrRows(from: decoder).batch(field: "logits")
    } catch var error as JSONDecodingError where !error.isSyntaxError {
        if error.path.isEmpty, case .typeMismatch(_, let found) = error.kind {
            throw APIError.invalid("the body must be a JSON object or an array, found \(found.phrase)")
        }
        error.path = "logits" + error.path
        throw error
    }
}

/// For a request's `read`: keeps a member's `value` in `slot`; false (the reader gives up, and
/// `init(from:)` decides) when the member came before or its value is not the simple case.
private func once<T>(_ slot: inout T?, _ value: T?) -> Bool {
    guard slot == nil, let value else { return false }
    slot = value
    return true
}

/// `POST /sigmoid`: `{"logits": VECTOR|BATCH, "derivative": false}` or a bare array.
package struct SigmoidRequest: ComputeRequest {
    package var logits: Batch
    package var derivative = false

    package init(logits: Batch, derivative: Bool = false) {
        self.logits = logits
        self.derivative = derivative
    }

    package init(from decoder: any Decoder) throws {
        guard let container = objectOrBareArray(decoder) else {
            logits = try bareLogits(decoder)
            return
        }
        let object = try ObjectFields(container, allowed: ["logits", "derivative"], decoder: decoder)
        logits = try object.batch("logits")
        derivative = try object.optional(Bool.self, "derivative") ?? false
    }

    package var cost: Int { logits.count * (derivative ? 2 : 1) }

    package static func read(_ json: JSONValue) -> SigmoidRequest? {
        if json.isArray { return Batch(json).map { SigmoidRequest(logits: $0) } }
        var logits: Batch?
        var derivative: Bool?
        let read = json.members { name, value in
            if name.equals("logits") { return once(&logits, Batch(value)) }
            if name.equals("derivative") { return once(&derivative, value.isNull ? false : value.bool) }
            return false
        }
        guard read, let logits else { return nil }
        return SigmoidRequest(logits: logits, derivative: derivative ?? false)
    }
}

/// `POST /softmax`: `{"logits": VECTOR|BATCH, "temperature": 1.0, "log": false}` or a bare array.
/// The temperature is checked by LogitMath when the softmax runs.
package struct SoftmaxRequest: ComputeRequest {
    package var logits: Batch
    package var temperature = 1.0
    package var log = false

    package init(logits: Batch, temperature: Double = 1, log: Bool = false) {
        self.logits = logits
        self.temperature = temperature
        self.log = log
    }

    package init(from decoder: any Decoder) throws {
        guard let container = objectOrBareArray(decoder) else {
            logits = try bareLogits(decoder)
            return
        }
        let object = try ObjectFields(container, allowed: ["logits", "temperature", "log"], decoder: decoder)
        logits = try object.batch("logits")
        temperature = try object.optional(Double.self, "temperature") ?? 1
        log = try object.optional(Bool.self, "log") ?? false
    }

    package var cost: Int { logits.count * (log ? 2 : 1) }

    package static func read(_ json: JSONValue) -> SoftmaxRequest? {
        if json.isArray { return Batch(json).map { SoftmaxRequest(logits: $0) } }
        var logits: Batch?
        var temperature: Double?
        var log: Bool?
        let read = json.members { name, value in
            if name.equals("logits") { return once(&logits, Batch(value)) }
            if name.equals("temperature") { return once(&temperature, value.isNull ? 1 : value.double) }
            if name.equals("log") { return once(&log, value.isNull ? false : value.bool) }
            return false
        }
        guard read, let logits else { return nil }
        return SoftmaxRequest(logits: logits, temperature: temperature ?? 1, log: log ?? false)
    }
}

/// The activation a linear layer or a classification applies to its scores.
package enum Activation: String, Sendable {
    case none, sigmoid, softmax

    static func decode(
        _ object: ObjectFields, allowed: [Activation], default: Activation
    ) throws -> Activation {
        guard let name = try object.optional(String.self, "activation") else { return `default` }
        guard let activation = Activation(rawValue: name), allowed.contains(activation) else {
            throw APIError.invalid("activation: must be \(listing(allowed.map(\.rawValue))), got \(quoted(name))")
        }
        return activation
    }
}

/// `W·x + b`: the weights (m×n), an optional bias (m) and the input (n, or k×n). Shapes against each
/// other are checked by LogitMath's `linear` when it runs; only the size of the answer is bounded here.
package struct LinearLayer: Sendable {
    package var weights: Matrix
    package var bias: [Double]?
    package var input: Batch

    /// The fields of a linear layer inside `object`.
    init(from object: ObjectFields) throws {
        let w = try object.batch("weights")
        guard !w.isVector else {
            throw APIError.invalid("weights: must be a matrix, an array of rows such as [[1.0, 2.0]], not a vector")
        }
        weights = w.matrix
        bias = try object.optional(VectorOrRows.self, "bias").map { b throws(APIError) in
            guard case .vector(let v) = b else { throw APIError.invalid("bias: must be a vector, not a batch") }
            return v
        }
        input = try object.batch("input")
        // A layer's answer can be far larger than its request (k × m numbers from k + m rows of
        // one column): refused before any of it is computed or held.
        let k = input.matrix.rows
        let m = weights.rows
        let (results, overflow) = k.multipliedReportingOverflow(by: m)
        if overflow || results > Self.maxResults {
            throw APIError.invalid(
                "input and weights: the result would have \(overflow ? "more than \(Int.max)" : "\(results)") "
                    + "numbers (\(k) × \(m)); at most \(Self.maxResults)")
        }
    }

    /// The most numbers a layer may produce per output (`logits`, and `probabilities` beside it):
    /// as many as the largest request body (8 MiB by default) can carry as `0,`. Without it a
    /// 60 KB request (4 000 rows of one input times 4 000 rows of one weight) took seconds and
    /// hundreds of MB to answer, and a 300 KB one would exhaust a pod's memory.
    static let maxResults = AnswerLimits.numbers

    /// k×m×n multiply-adds (saturating: a product beyond `Int.max` is simply large).
    package var cost: Int {
        let results = input.matrix.rows.multipliedReportingOverflow(by: weights.rows)
        let products = results.partialValue.multipliedReportingOverflow(by: input.matrix.columns)
        return results.overflow || products.overflow ? Int.max : products.partialValue
    }
}

/// `POST /linear`: `{"weights", "bias", "input", "activation": "none"}`, or `"model"` (and `"version"`) in place
/// of `weights` and `bias`.
package struct LinearRequest: ComputeRequest {
    package enum Source: Sendable {
        case layer(LinearLayer)
        /// `resolved` is set by `resolve`, from the model set the request began with.
        case model(ModelReference, input: Batch, resolved: Model?)
    }
    package var source: Source
    /// nil: the default, `none` for a layer, the model's own activation for a model.
    package var activation: Activation?

    package init(from decoder: any Decoder) throws {
        let object = try ObjectFields(
            decoder.container(keyedBy: AnyKey.self),
            allowed: ["weights", "bias", "model", "version", "input", "activation"], decoder: decoder)
        if let reference = try ModelReference.decode(object) {
            source = .model(reference, input: try object.batch("input"), resolved: nil)
        } else {
            source = .layer(try LinearLayer(from: object))
        }
        if object.present("activation") {
            activation = try Activation.decode(object, allowed: [.none, .sigmoid, .softmax], default: .none)
        }
    }

    package mutating func resolve(_ models: ModelSet) throws(APIError) {
        guard case .model(let reference, let input, nil) = source else { return }
        let model = try models.resolve(reference)
        _ = try modelActivation(activation, for: model)
        try checkModelInput(input, for: model)
        source = .model(reference, input: input, resolved: model)
    }

    package var cost: Int {
        switch source {
        case .layer(let layer): layer.cost
        case .model(_, let input, let model): model.map { modelCost(input, $0) } ?? input.count
        }
    }
}

/// `POST /classify`: scores from `logits` (or a bare array), from a linear layer or from a served model, then
/// a decision.
package struct ClassifyRequest: ComputeRequest {
    package enum Scores: Sendable {
        case logits(Batch)
        case layer(LinearLayer)
        /// `resolved` is set by `resolve`, from the model set the request began with.
        case model(ModelReference, input: Batch, resolved: Model?)
    }

    package var scores: Scores
    package var activation: Activation = .softmax
    package var threshold = 0.5
    package var labels: [String]?
    package var topK = 1
    /// What the request itself gave, for a model's defaults to fill in once the model is known.
    private var given = Given()

    private struct Given: Sendable {
        var activation: Activation?
        var threshold: Double?
        var topK: Int?
    }

    /// A served model's options: the request's overrides; nil where the model's own applies.
    package struct ModelOptions: Sendable {
        package var activation: ModelActivation?
        package var threshold: Double?
        package var labels: [String]?
        package var topK: Int
    }

    package var modelOptions: ModelOptions {
        ModelOptions(
            activation: given.activation.flatMap { ModelActivation(rawValue: $0.rawValue) }, threshold: given.threshold,
            labels: labels, topK: topK)
    }

    package init(from decoder: any Decoder) throws {
        guard let container = objectOrBareArray(decoder) else {
            // `{"logits": [...]}` without the object, and with its limits.
            let logits = try bareLogits(decoder)
            scores = .logits(logits)
            try check(classes: logits.matrix.columns, activation: .softmax)
            try checkRanked(rows: logits.matrix.rows, classes: logits.matrix.columns, field: "logits")
            return
        }
        let object = try ObjectFields(
            container,
            allowed: [
                "logits", "input", "weights", "bias", "model", "version", "activation", "threshold", "labels", "top_k",
            ],
            decoder: decoder)
        let hasLogits = object.present("logits")
        let scoreFields = ["input", "weights", "bias", "model", "version"].filter { object.present($0) }
        if hasLogits, !scoreFields.isEmpty {
            throw APIError.invalid(
                "logits: give either logits or input with weights or a model, not both (found \(listing(scoreFields)))")
        }
        if hasLogits {
            scores = .logits(try object.batch("logits"))
        } else if let reference = try ModelReference.decode(object) {
            scores = .model(reference, input: try object.batch("input"), resolved: nil)
        } else if !scoreFields.isEmpty {
            scores = .layer(try LinearLayer(from: object))
        } else {
            throw APIError.invalid("logits: missing field (or give input and weights, or input and model)")
        }
        if object.present("activation") {
            given.activation = try Activation.decode(object, allowed: [.softmax, .sigmoid], default: .softmax)
        }
        if let t = try object.optional(Double.self, "threshold") {
            guard t > 0, t < 1 else { throw APIError.invalid("threshold: must be between 0 and 1, got \(t)") }
            given.threshold = t
        }
        given.topK = try object.optional(Int.self, "top_k")
        labels = try object.optional([String].self, "labels")
        switch scores {
        case .logits(let l):
            try check(classes: l.matrix.columns, activation: given.activation ?? .softmax)
            try checkRanked(rows: l.matrix.rows, classes: l.matrix.columns, field: "logits")
        case .layer(let layer):
            try check(classes: layer.weights.rows, activation: given.activation ?? .softmax)
            try checkRanked(rows: layer.input.matrix.rows, classes: layer.weights.rows, field: "input")
        case .model: break
        }
    }

    private init(scores: Scores) {
        self.scores = scores
    }

    /// The two usual shapes, `{"logits": …}` and `{"model": NAME, "input": …}`, without options; every
    /// other shape, and any check that fails, goes through `init(from:)`.
    package static func read(_ json: JSONValue) -> ClassifyRequest? {
        var logits: Batch?
        var model: String?
        var input: Batch?
        let read = json.members { name, value in
            if name.equals("logits") { return once(&logits, Batch(value)) }
            if name.equals("model") { return once(&model, value.string) }
            if name.equals("input") { return once(&input, Batch(value)) }
            return false
        }
        guard read else { return nil }
        switch (logits, model, input) {
        case (let logits?, nil, nil):
            var request = ClassifyRequest(scores: .logits(logits))
            do throws(APIError) {
                try request.check(classes: logits.matrix.columns, activation: .softmax)
                try request.checkRanked(rows: logits.matrix.rows, classes: logits.matrix.columns, field: "logits")
            } catch {
                return nil
            }
            return request
        case (nil, let model?, let input?):
            return ClassifyRequest(
                scores: .model(ModelReference(name: model, version: nil), input: input, resolved: nil))
        default:
            return nil
        }
    }

    /// Every row of /classify's answer is an object with its own arrays (~90 bytes of JSON, ~900 of memory while
    /// it is built), and `top_k` lists that many entries per row: rows × top_k is bounded by
    /// `AnswerLimits.rankedEntries` (4 194 top-1000 rows were a 29 KB request and 1.8 GB; 1.4 million rows of one
    /// logit a 5.6 MB request and 1.2 GB).
    private func checkRanked(rows: Int, classes: Int, field: String) throws(APIError) {
        let k = activation == .softmax ? min(topK, classes) : 1
        let (entries, overflow) = rows.multipliedReportingOverflow(by: k)
        guard overflow || entries > AnswerLimits.rankedEntries else { return }
        let count = overflow ? "more than \(Int.max)" : "\(entries)"
        throw APIError.invalid(
            k > 1
                ? "top_k: \(k) classes for each of \(rows) rows is \(count) entries; at most \(AnswerLimits.rankedEntries)"
                : "\(field): \(rows) rows; /classify answers at most \(AnswerLimits.rankedEntries) rows × top_k")
    }

    /// Checks the options against the activation in force and the number of classes, and sets them. (top_k's
    /// range is checked by LogitMath's topK when it runs.)
    private mutating func check(classes: Int, activation: Activation) throws(APIError) {
        self.activation = activation
        if let t = given.threshold {
            guard activation == .sigmoid else {
                throw APIError.invalid("threshold: applies only to activation \"sigmoid\"")
            }
            threshold = t
        }
        if let k = given.topK {
            guard activation == .softmax else {
                throw APIError.invalid("top_k: applies only to activation \"softmax\"")
            }
            topK = k
        }
        if let names = labels, names.count != classes {
            throw APIError.invalid("labels has \(names.count) names but there are \(classes) classes")
        }
    }

    /// Finds the model in `models` and checks the options against it: its activation (a binary model takes no
    /// override; `none` classifies by softmax), `threshold`, `top_k` and `labels`, and the input's width.
    package mutating func resolve(_ models: ModelSet) throws(APIError) {
        guard case .model(let reference, let input, nil) = scores else { return }
        let model = try models.resolve(reference)
        let asked = try modelActivation(given.activation, for: model)
        let effective = model.classifyingActivation(overriddenBy: asked)!
        try check(classes: model.classes, activation: effective == .sigmoid ? .sigmoid : .softmax)
        try checkModelInput(input, for: model)
        try checkRanked(rows: input.matrix.rows, classes: model.classes, field: "input")
        scores = .model(reference, input: input, resolved: model)
    }

    package var cost: Int {
        switch scores {
        case .logits(let logits): logits.count
        case .layer(let layer): layer.cost
        case .model(_, let input, let model): model.map { modelCost(input, $0) } ?? input.count
        }
    }
}
