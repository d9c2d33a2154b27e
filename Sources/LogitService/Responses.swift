/// The response bodies of the compute endpoints (API.md "Endpoints"); keys are snake_case.

struct SigmoidResponse: Encodable {
    var probabilities: Logits
    var derivatives: Logits?
}

struct SoftmaxResponse: Encodable {
    var probabilities: Logits
    var logProbabilities: Logits?

    enum CodingKeys: String, CodingKey {
        case probabilities
        case logProbabilities = "log_probabilities"
    }
}

struct LinearResponse: Encodable {
    var logits: Logits
    var probabilities: Logits?
}

/// One entry of a softmax classification's `top` list.
struct TopClass: Encodable {
    var `class`: Int
    var label: String?
    var probability: Double
}

/// The answer for one row: a single class out of many (softmax) or a yes/no per output (sigmoid).
enum Classification: Encodable {
    /// `{"class", "label", "probability", "probabilities", "top"}`; `label` only when labels were given.
    case softmax(best: TopClass, probabilities: [Double], top: [TopClass])
    /// `{"predictions", "probabilities", "labels"}`; `labels` names the outputs predicted 1.
    case sigmoid(predictions: [Int], probabilities: [Double], labels: [String]?)

    enum CodingKeys: String, CodingKey {
        case `class`, label, probability, probabilities, top, predictions, labels
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .softmax(let best, let probabilities, let top):
            try c.encode(best.class, forKey: .class)
            try c.encodeIfPresent(best.label, forKey: .label)
            try c.encode(best.probability, forKey: .probability)
            try c.encode(probabilities, forKey: .probabilities)
            try c.encode(top, forKey: .top)
        case .sigmoid(let predictions, let probabilities, let labels):
            try c.encode(predictions, forKey: .predictions)
            try c.encode(probabilities, forKey: .probabilities)
            try c.encodeIfPresent(labels, forKey: .labels)
        }
    }
}

/// For a batch: `{"results": [one object per row]}`.
struct ClassifyBatchResponse: Encodable {
    var results: [Classification]
}

/// `{"status": "ok"}` and `{"status": "ready"}`.
struct StatusResponse: Encodable {
    var status: String
}
