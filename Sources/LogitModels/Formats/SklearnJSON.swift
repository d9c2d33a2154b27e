import LogitMath

// scikit-learn's LogisticRegression as scripts/export_sklearn.py writes it (API.md "Served models"):
// {"coef": coef_.tolist(), "intercept": intercept_.tolist(), "classes": classes_.tolist(), "name": ...}
// A 1×n coef is scikit-learn's binary form: one score z = decision_function, probabilities [σ(−z), σ(z)] over
// classes[0], classes[1]. A k×n coef (k ≥ 2) has one row per class: softmax over the k classes ("multinomial").

struct SklearnJSONModel {
    static let known: Set = ["name", "coef", "intercept", "classes"]
    var parts: ModelParts

    init(from decoder: any Decoder, names: [String]) throws {
        try refuseUnknownKeys(names, known: Self.known, format: "scikit-learn")
        let c = try decoder.container(keyedBy: ModelKey.self)
        let coef = try matrix(try c.decode([[Double]].self, forKey: ModelKey("coef")), field: "coef")
        let intercept = try c.decodeIfPresent([Double].self, forKey: ModelKey("intercept"))
        if let intercept, intercept.count != coef.rows {
            throw ModelFormatError("intercept has \(intercept.count) elements but coef has \(coef.rows) rows")
        }
        let classes = try c.decode([ClassLabel].self, forKey: ModelKey("classes")).map(\.text)
        let binary = coef.rows == 1
        let expected = binary ? 2 : coef.rows
        guard classes.count == expected else {
            let shape = binary ? "a 1-row coef is a binary model of 2 classes" : "coef has \(coef.rows) rows"
            throw ModelFormatError("classes has \(classes.count) entries but \(shape)")
        }
        parts = ModelParts(
            format: .sklearn, name: try c.decodeIfPresent(String.self, forKey: ModelKey("name")), weights: coef,
            bias: intercept, activation: binary ? .binary : .softmax, labels: classes, threshold: nil)
    }
}

/// One of `classes_`: a string, or a number written as its decimal text (3 → "3", 2.5 → "2.5"), or a bool.
private struct ClassLabel: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            text = s
        } else if let i = try? c.decode(Int.self) {
            text = String(i)
        } else if let d = try? c.decode(Double.self) {
            text = "\(d)"
        } else if let b = try? c.decode(Bool.self) {
            text = String(b)
        } else {
            throw ModelFormatError("classes: each class must be a string, a number or a boolean")
        }
    }
}
