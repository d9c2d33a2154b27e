import HTTPServer
import JSONCodec
import LogitModels

/// The request bodies of the compute endpoints (API.md "Endpoints"). Each refuses unknown fields,
/// since a misspelt option (`temprature`) silently ignored would give a wrong answer that looks right.

/// The body as an object, or nil when it is a bare array (`[0.5, -0.1]` means `{"logits": [0.5, -0.1]}`).
private func objectOrBareArray(_ decoder: any Decoder) -> KeyedDecodingContainer<AnyKey>? {
    try? decoder.container(keyedBy: AnyKey.self)
}

/// The logits of a bare-array body, with errors placed under `logits` as if it had been
/// `{"logits": [...]}`: `logits[1]: number 1e400 is out of range`, not `[1]: …`.
private func bareLogits(_ decoder: any Decoder) throws -> Logits {
    do {
        return try Logits(from: decoder).validated(field: "logits")
    } catch var error as JSONDecodingError where !error.isSyntaxError {
        if error.path.isEmpty, case .typeMismatch(_, let found) = error.kind {
            throw Problem.unprocessable("the body must be a JSON object or an array, found \(found.phrase)")
        }
        error.path = "logits" + error.path
        throw error
    }
}

/// `POST /sigmoid`: `{"logits": VECTOR|BATCH, "derivative": false}` or a bare array.
struct SigmoidRequest: Decodable {
    var logits: Logits
    var derivative = false

    init(from decoder: any Decoder) throws {
        guard let object = objectOrBareArray(decoder) else {
            logits = try bareLogits(decoder)
            return
        }
        try object.rejectUnknownKeys(allowed: ["logits", "derivative"], decoder: decoder)
        logits = try object.decode(Logits.self, forKey: AnyKey("logits")).validated(field: "logits")
        derivative = try object.decodeIfPresent(Bool.self, forKey: AnyKey("derivative")) ?? false
    }
}

/// `POST /softmax`: `{"logits": VECTOR|BATCH, "temperature": 1.0, "log": false}` or a bare array.
struct SoftmaxRequest: Decodable {
    var logits: Logits
    var temperature = 1.0
    var log = false

    init(from decoder: any Decoder) throws {
        guard let object = objectOrBareArray(decoder) else {
            logits = try bareLogits(decoder)
            return
        }
        try object.rejectUnknownKeys(allowed: ["logits", "temperature", "log"], decoder: decoder)
        logits = try object.decode(Logits.self, forKey: AnyKey("logits")).validated(field: "logits")
        if let t = try object.decodeIfPresent(Double.self, forKey: AnyKey("temperature")) {
            guard t.isFinite, t > 0 else {
                throw Problem.unprocessable("temperature: must be a finite number greater than 0, got \(t)")
            }
            temperature = t
        }
        log = try object.decodeIfPresent(Bool.self, forKey: AnyKey("log")) ?? false
    }
}

/// The activation a linear layer or a classification applies to its scores.
enum Activation: String, Sendable {
    case none, sigmoid, softmax

    static func decode(
        _ object: KeyedDecodingContainer<AnyKey>, allowed: [Activation], default: Activation
    ) throws -> Activation {
        guard let name = try object.decodeIfPresent(String.self, forKey: AnyKey("activation")) else {
            return `default`
        }
        guard let activation = Activation(rawValue: name), allowed.contains(activation) else {
            throw Problem.unprocessable(
                "activation: must be \(listing(allowed.map(\.rawValue))), got \(quoted(name))")
        }
        return activation
    }
}

/// `W·x + b`: the weights (m×n), an optional bias (m) and the input (n, or k×n), shape-checked.
struct LinearLayer: Sendable {
    var weights: [[Double]]
    var bias: [Double]?
    var input: Logits

    /// The fields of a linear layer inside `object`, validated against each other.
    init(from object: KeyedDecodingContainer<AnyKey>) throws {
        let w = try object.decode(Logits.self, forKey: AnyKey("weights")).validated(field: "weights")
        weights = w.rows
        let m = weights.count
        let n = w.columns
        bias = try object.decodeIfPresent(Logits.self, forKey: AnyKey("bias")).map { b throws(Problem) in
            guard case .vector(let v) = b else { throw Problem.unprocessable("bias: must be a vector, not a batch") }
            guard v.count == m else {
                throw Problem.unprocessable("bias has \(v.count) elements but weights has \(m) rows")
            }
            return v
        }
        input = try object.decode(Logits.self, forKey: AnyKey("input")).validated(field: "input")
        if input.columns != n {
            let what = input.isBatch ? "input rows have" : "input has"
            throw Problem.unprocessable("\(what) \(input.columns) elements but weights has \(n) columns")
        }
        // A layer's answer can be far larger than its request (k × m numbers from k + m rows of
        // one column): refused before any of it is computed or held.
        let k = input.isBatch ? input.rows.count : 1
        let (results, overflow) = k.multipliedReportingOverflow(by: m)
        if overflow || results > Self.maxResults {
            throw Problem.unprocessable(
                "input and weights: the result would have \(overflow ? "more than \(Int.max)" : "\(results)") "
                    + "numbers (\(k) × \(m)); at most \(Self.maxResults)")
        }
    }

    /// The most numbers a layer may produce per output (`logits`, and `probabilities` beside it):
    /// as many as the largest request body (8 MiB by default) can carry as `0,`. Without it a
    /// 60 KB request (4 000 rows of one input times 4 000 rows of one weight) took 2 s and
    /// 226 MB to answer with 96 MB, and a 300 KB one would exhaust a pod's memory.
    static let maxResults = 4_194_304
}

/// `POST /linear`: `{"weights", "bias", "input", "activation": "none"}`, or `"model"` (and `"version"`) in place
/// of `weights` and `bias`.
struct LinearRequest: Decodable {
    enum Source {
        case layer(LinearLayer)
        /// Resolved against the request's model set by `resolve`.
        case model(ModelReference, input: Logits, resolved: Model?)
    }
    var source: Source
    /// nil: the default, `none` for a layer, the model's own for a model.
    var activation: Activation?

    init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: AnyKey.self)
        try object.rejectUnknownKeys(
            allowed: ["weights", "bias", "model", "version", "input", "activation"], decoder: decoder)
        if let reference = try ModelReference.decode(object) {
            let input = try object.decode(Logits.self, forKey: AnyKey("input")).validated(field: "input")
            source = .model(reference, input: input, resolved: nil)
        } else {
            source = .layer(try LinearLayer(from: object))
        }
        if object.contains(AnyKey("activation")) {
            activation = try Activation.decode(object, allowed: [.none, .sigmoid, .softmax], default: .none)
        }
    }

    /// Finds the model the request names in `models`, and checks the request against it.
    mutating func resolve(_ models: ModelSet) throws(Problem) {
        guard case .model(let reference, let input, nil) = source else { return }
        let model = try models.resolve(reference)
        _ = try modelActivation(activation, for: model)
        _ = try modelInput(input, for: model)
        source = .model(reference, input: input, resolved: model)
    }
}

/// `POST /classify`: scores from `logits` (or a bare array), from a linear layer or from a served model, then
/// a decision.
struct ClassifyRequest: Decodable {
    enum Scores {
        case logits(Logits)
        case layer(LinearLayer)
        /// Resolved against the request's model set by `resolve`.
        case model(ModelReference, input: Logits, resolved: Model?)
    }
    var scores: Scores
    var activation: Activation = .softmax
    var threshold = 0.5
    var labels: [String]?
    var topK = 1
    /// What the request itself gave, for a model's defaults to fill in once it is known.
    private var given = Given()

    private struct Given {
        var activation: Activation?
        var threshold: Double?
        var topK: Int?
    }

    /// A served model's options: the request's overrides, the model's defaults where it gave none.
    struct ModelOptions {
        var activation: ModelActivation?
        var threshold: Double?
        var labels: [String]?
        var topK: Int
    }

    var modelOptions: ModelOptions {
        ModelOptions(
            activation: given.activation.flatMap { ModelActivation(rawValue: $0.rawValue) }, threshold: given.threshold,
            labels: labels, topK: topK)
    }

    init(from decoder: any Decoder) throws {
        guard let object = objectOrBareArray(decoder) else {
            scores = .logits(try bareLogits(decoder))
            return
        }
        try object.rejectUnknownKeys(
            allowed: [
                "logits", "input", "weights", "bias", "model", "version", "activation", "threshold", "labels", "top_k",
            ],
            decoder: decoder)
        let hasLogits = object.contains(AnyKey("logits"))
        let layerFields = ["input", "weights", "bias", "model", "version"].filter { object.contains(AnyKey($0)) }
        if hasLogits, !layerFields.isEmpty {
            throw Problem.unprocessable(
                "logits: give either logits or input with weights or a model, not both (found \(listing(layerFields)))")
        }
        if hasLogits {
            scores = .logits(try object.decode(Logits.self, forKey: AnyKey("logits")).validated(field: "logits"))
        } else if let reference = try ModelReference.decode(object) {
            let input = try object.decode(Logits.self, forKey: AnyKey("input")).validated(field: "input")
            scores = .model(reference, input: input, resolved: nil)
        } else if !layerFields.isEmpty {
            scores = .layer(try LinearLayer(from: object))
        } else {
            throw Problem.unprocessable("logits: missing field (or give input and weights, or input and model)")
        }
        if object.contains(AnyKey("activation")) {
            given.activation = try Activation.decode(object, allowed: [.softmax, .sigmoid], default: .softmax)
        }
        if let t = try object.decodeIfPresent(Double.self, forKey: AnyKey("threshold")) {
            guard t > 0, t < 1 else { throw Problem.unprocessable("threshold: must be between 0 and 1, got \(t)") }
            given.threshold = t
        }
        given.topK = try object.decodeIfPresent(Int.self, forKey: AnyKey("top_k"))
        labels = try object.decodeIfPresent([String].self, forKey: AnyKey("labels"))
        switch scores {
        case .logits(let l): try check(classes: l.columns, activation: given.activation ?? .softmax)
        case .layer(let layer): try check(classes: layer.weights.count, activation: given.activation ?? .softmax)
        case .model: break
        }
    }

    /// Checks the options against the number of classes and the activation in force, and sets them.
    private mutating func check(classes: Int, activation: Activation) throws(Problem) {
        self.activation = activation
        if let t = given.threshold {
            guard activation == .sigmoid else {
                throw Problem.unprocessable("threshold: applies only to activation \"sigmoid\"")
            }
            threshold = t
        }
        if let k = given.topK {
            guard activation == .softmax else {
                throw Problem.unprocessable("top_k: applies only to activation \"softmax\"")
            }
            guard k >= 1, k <= classes else {
                throw Problem.unprocessable("top_k: must be between 1 and \(classes) (the number of classes), got \(k)")
            }
            topK = k
        }
        if let names = labels, names.count != classes {
            throw Problem.unprocessable("labels has \(names.count) names but there are \(classes) classes")
        }
    }

    /// Finds the model the request names in `models`, and checks the request's options against it: its
    /// activation (binary models take no override; `none` classifies by softmax), `threshold`, `top_k` and
    /// `labels` against its classes, and the input's width.
    mutating func resolve(_ models: ModelSet) throws(Problem) {
        guard case .model(let reference, let input, nil) = scores else { return }
        let model = try models.resolve(reference)
        let asked = try modelActivation(given.activation, for: model)
        let effective = model.classifyingActivation(overriddenBy: asked)!
        try check(classes: model.classes, activation: effective == .sigmoid ? .sigmoid : .softmax)
        _ = try modelInput(input, for: model)
        scores = .model(reference, input: input, resolved: model)
    }
}

/// `name` in double quotes, escaped as JSON would.
func quoted(_ name: String) -> String { Response.jsonString(name) }
