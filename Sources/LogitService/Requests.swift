import HTTPServer
import JSONCodec

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
/// A compute endpoint's request, with what answering it costs, in element operations (a
/// multiply-add, an exp): the service answers it on the event loop only when that is small.
protocol ComputeRequest: Decodable, Sendable, SendableMetatype {
    var cost: Int { get }
}

/// `POST /sigmoid`.
struct SigmoidRequest: ComputeRequest {
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

    var cost: Int { logits.count * (derivative ? 2 : 1) }
}

/// `POST /softmax`: `{"logits": VECTOR|BATCH, "temperature": 1.0, "log": false}` or a bare array.
struct SoftmaxRequest: ComputeRequest {
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

    var cost: Int { logits.count * (log ? 2 : 1) }
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

    /// k×m×n multiply-adds (saturating: a product beyond `Int.max` is simply large).
    var cost: Int {
        let results = input.rows.count.multipliedReportingOverflow(by: weights.count)
        let products = results.partialValue.multipliedReportingOverflow(by: input.columns)
        return results.overflow || products.overflow ? Int.max : products.partialValue
    }
}

/// `POST /linear`: `{"weights", "bias", "input", "activation": "none"}`.
struct LinearRequest: ComputeRequest {
    var layer: LinearLayer
    var activation: Activation

    init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: AnyKey.self)
        try object.rejectUnknownKeys(allowed: ["weights", "bias", "input", "activation"], decoder: decoder)
        layer = try LinearLayer(from: object)
        activation = try Activation.decode(object, allowed: [.none, .sigmoid, .softmax], default: .none)
    }

    var cost: Int { layer.cost }
}

/// `POST /classify`: scores from `logits` (or a bare array) or from a linear layer, then a decision.
struct ClassifyRequest: ComputeRequest {
    enum Scores: Sendable {
        case logits(Logits)
        case layer(LinearLayer)
    }
    var scores: Scores
    var activation: Activation = .softmax
    var threshold = 0.5
    var labels: [String]?
    var topK = 1

    init(from decoder: any Decoder) throws {
        guard let object = objectOrBareArray(decoder) else {
            scores = .logits(try bareLogits(decoder))
            return
        }
        try object.rejectUnknownKeys(
            allowed: ["logits", "input", "weights", "bias", "activation", "threshold", "labels", "top_k"],
            decoder: decoder)
        let hasLogits = object.contains(AnyKey("logits"))
        let layerFields = ["input", "weights", "bias"].filter { object.contains(AnyKey($0)) }
        switch (hasLogits, layerFields.isEmpty) {
        case (true, false):
            throw Problem.unprocessable(
                "logits: give either logits or input and weights, not both (found \(listing(layerFields)))")
        case (true, true):
            scores = .logits(try object.decode(Logits.self, forKey: AnyKey("logits")).validated(field: "logits"))
        case (false, false):
            scores = .layer(try LinearLayer(from: object))
        case (false, true):
            throw Problem.unprocessable("logits: missing field (or give input and weights)")
        }
        let classes = {
            switch scores {
            case .logits(let l): l.columns
            case .layer(let layer): layer.weights.count
            }
        }()
        activation = try Activation.decode(object, allowed: [.softmax, .sigmoid], default: .softmax)
        if let t = try object.decodeIfPresent(Double.self, forKey: AnyKey("threshold")) {
            guard activation == .sigmoid else {
                throw Problem.unprocessable("threshold: applies only to activation \"sigmoid\"")
            }
            guard t > 0, t < 1 else { throw Problem.unprocessable("threshold: must be between 0 and 1, got \(t)") }
            threshold = t
        }
        if let k = try object.decodeIfPresent(Int.self, forKey: AnyKey("top_k")) {
            guard activation == .softmax else {
                throw Problem.unprocessable("top_k: applies only to activation \"softmax\"")
            }
            guard k >= 1, k <= classes else {
                throw Problem.unprocessable("top_k: must be between 1 and \(classes) (the number of classes), got \(k)")
            }
            topK = k
        }
        if let names = try object.decodeIfPresent([String].self, forKey: AnyKey("labels")) {
            guard names.count == classes else {
                throw Problem.unprocessable("labels has \(names.count) names but there are \(classes) classes")
            }
            labels = names
        }
    }

    var cost: Int {
        switch scores {
        case .logits(let logits): logits.count
        case .layer(let layer): layer.cost
        }
    }
}

/// `name` in double quotes, escaped as JSON would.
func quoted(_ name: String) -> String { (try? encodeJSON(name)).map { String(decoding: $0, as: UTF8.self) } ?? name }
