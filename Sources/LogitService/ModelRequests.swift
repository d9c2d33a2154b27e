import HTTPServer
import LogitMath
import LogitModels

// `"model"` (and `"version"`) in /linear and /classify (API.md "Served models"): a served model stands in for
// `weights` and `bias`. The body is decoded without the models; `resolve` then finds the model in the set the
// request began with (a reload meanwhile changes nothing for it) and checks what depends on the model: the
// input's width, an activation override, `threshold`, `top_k` and `labels`.

/// Which served model a request names.
struct ModelReference: Sendable, Equatable {
    var name: String
    /// nil: the latest (highest) version.
    var version: Int?

    /// The reference in `object`, or nil when it has no `"model"`.
    ///
    /// - Throws: 422 for `"version"` without `"model"`, for `"model"` beside `"weights"` or `"bias"`, and for a
    ///   version that is not a positive integer (`"2"`, or 2).
    static func decode(_ object: KeyedDecodingContainer<AnyKey>) throws -> ModelReference? {
        guard object.contains(AnyKey("model")) else {
            if object.contains(AnyKey("version")) {
                throw Problem.unprocessable("version: applies only with model")
            }
            return nil
        }
        let layerFields = ["weights", "bias"].filter { object.contains(AnyKey($0)) }
        if !layerFields.isEmpty {
            throw Problem.unprocessable(
                "model: give either model or weights and bias, not both (found \(listing(layerFields)))")
        }
        let name = try object.decode(String.self, forKey: AnyKey("model"))
        guard object.contains(AnyKey("version")) else { return ModelReference(name: name, version: nil) }
        let text: String
        if let number = try? object.decode(Int.self, forKey: AnyKey("version")) {
            text = String(number)
        } else {
            text = try object.decode(String.self, forKey: AnyKey("version"))
        }
        guard let version = Int(text), version >= 1, String(version) == text else {
            throw Problem.unprocessable("version: must be a positive integer such as \"2\", got \(quoted(text))")
        }
        return ModelReference(name: name, version: version)
    }
}

extension ModelSet {
    /// The model `reference` names; 404 naming the model, or the version and the versions there are.
    func resolve(_ reference: ModelReference) throws(Problem) -> Model {
        do {
            return try model(reference.name, version: reference.version)
        } catch {
            switch error {
            case .unknownModel(let name):
                throw Problem(.notFound, "model: no model named \(quoted(name))")
            case .unknownVersion(let name, let version, let available):
                throw Problem(
                    .notFound,
                    "version: model \(quoted(name)) has no version \(version) "
                        + "(versions: \(available.map(String.init).joined(separator: ", ")))")
            }
        }
    }
}

/// `input` for a served model: its rows as one matrix, checked against the model's width.
func modelInput(_ input: Logits, for model: Model) throws(Problem) -> Matrix {
    guard input.columns == model.inputs else {
        let what = input.isBatch ? "input rows have" : "input has"
        throw .unprocessable("\(what) \(input.columns) elements but model \(quoted(model.name)) takes \(model.inputs)")
    }
    let rows = input.rows
    let (results, overflow) = rows.count.multipliedReportingOverflow(by: model.classes)
    if overflow || results > LinearLayer.maxResults {
        throw .unprocessable(
            "input: the result would have \(overflow ? "more than \(Int.max)" : "\(results)") numbers "
                + "(\(rows.count) × \(model.classes)); at most \(LinearLayer.maxResults)")
    }
    do {
        return try Matrix(rows: rows)
    } catch {
        throw .unprocessable(Endpoints.describe(error, field: "input"))
    }
}

/// k×m×n multiply-adds for `input` through `model` (saturating).
func modelCost(_ input: Logits, _ model: Model) -> Int {
    let (results, o1) = input.rows.count.multipliedReportingOverflow(by: model.outputs)
    let (products, o2) = results.multipliedReportingOverflow(by: model.inputs)
    return o1 || o2 ? Int.max : products
}

/// The activation a request asks of a model, checked: a binary model's cannot be changed.
func modelActivation(_ requested: Activation?, for model: Model) throws(Problem) -> ModelActivation? {
    guard let requested else { return nil }
    let asked = ModelActivation(rawValue: requested.rawValue)!
    guard model.activation(overriddenBy: asked) != nil else {
        throw .unprocessable(
            "activation: model \(quoted(model.name)) is binary (one score z, probabilities [σ(−z), σ(z)]); "
                + "its activation cannot be changed")
    }
    return asked
}
