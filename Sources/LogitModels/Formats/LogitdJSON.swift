// logitd's own JSON form (API.md "Served models"):
// {"name": "iris", "weights": [[...]], "bias": [...], "activation": "softmax", "labels": [...], "threshold": 0.5}
// `name`, `bias`, `activation` (default softmax), `labels` and `threshold` are optional.

struct LogitdJSONModel {
    static let known: Set = ["name", "weights", "bias", "activation", "labels", "threshold"]
    var parts: ModelParts

    init(from decoder: any Decoder, names: [String]) throws {
        try refuseUnknownKeys(names, known: Self.known, format: "logitd JSON")
        let c = try decoder.container(keyedBy: ModelKey.self)
        let weights = try matrix(try c.decode([[Double]].self, forKey: ModelKey("weights")), field: "weights")
        var activation = ModelActivation.softmax
        if let text = try c.decodeIfPresent(String.self, forKey: ModelKey("activation")) {
            guard let a = ModelActivation(rawValue: text) else {
                let all = ModelActivation.allCases.map(\.rawValue).joined(separator: ", ")
                throw ModelFormatError("activation \"\(text)\" is not one of \(all)")
            }
            activation = a
        }
        parts = ModelParts(
            format: .logitd, name: try c.decodeIfPresent(String.self, forKey: ModelKey("name")), weights: weights,
            bias: try c.decodeIfPresent([Double].self, forKey: ModelKey("bias")), activation: activation,
            labels: try c.decodeIfPresent([String].self, forKey: ModelKey("labels")),
            threshold: try c.decodeIfPresent(Double.self, forKey: ModelKey("threshold")))
    }
}
