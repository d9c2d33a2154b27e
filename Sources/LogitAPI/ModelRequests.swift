import LogitMath
package import LogitModels

// `"model"` (and `"version"`) in /linear and /classify (API.md "Served models"): a served model stands in for
// `weights` and `bias`. The body is decoded without the models; the request's `resolve` then finds the model in
// the set the request began with (a reload meanwhile changes nothing for it) and checks what depends on the
// model: the input's width, an activation override, `threshold`, `top_k` and `labels`.

/// Which served model a request names.
package struct ModelReference: Sendable, Equatable {
    package var name: String
    /// nil: the latest (highest) version.
    package var version: Int?

    package init(name: String, version: Int?) {
        self.name = name
        self.version = version
    }

    /// The reference in `object`, or nil when it has no `"model"`.
    ///
    /// - Throws: 422 for `"version"` without `"model"`, for `"model"` beside `"weights"` or `"bias"`, and for a
    ///   version that is not a positive integer (`"2"`, or 2).
    static func decode(_ object: ObjectFields) throws -> ModelReference? {
        guard object.present("model") else {
            if object.present("version") { throw APIError.invalid("version: applies only with model") }
            return nil
        }
        let layerFields = ["weights", "bias"].filter { object.present($0) }
        if !layerFields.isEmpty {
            throw APIError.invalid(
                "model: give either model or weights and bias, not both (found \(listing(layerFields)))")
        }
        let name = try object.decode(String.self, "model")
        guard object.present("version") else { return ModelReference(name: name, version: nil) }
        let text: String
        if let number = try? object.decode(Int.self, "version") {
            text = String(number)
        } else {
            text = try object.decode(String.self, "version")
        }
        guard let version = Int(text), version >= 1, String(version) == text else {
            throw APIError.invalid("version: must be a positive integer such as \"2\", got \(quoted(text))")
        }
        return ModelReference(name: name, version: version)
    }
}

extension ModelSet {
    /// The model `reference` names; a not-found error naming the model, or the version and the versions there are.
    package func resolve(_ reference: ModelReference) throws(APIError) -> Model {
        do {
            return try model(reference.name, version: reference.version)
        } catch {
            switch error {
            case .unknownModel(let name):
                throw APIError(.notFound, "model: no model named \(quoted(name))")
            case .unknownVersion(let name, let version, let available):
                throw APIError(
                    .notFound,
                    "version: model \(quoted(name)) has no version \(version) "
                        + "(versions: \(available.map(String.init).joined(separator: ", ")))")
            }
        }
    }
}

/// Checks `input` against the model's width, and bounds the answer's size as for a linear layer.
func checkModelInput(_ input: Batch, for model: Model) throws(APIError) {
    guard input.matrix.columns == model.inputs else {
        let what = input.isVector ? "input has" : "input rows have"
        throw .invalid("\(what) \(input.matrix.columns) elements but model \(quoted(model.name)) takes \(model.inputs)")
    }
    let k = input.matrix.rows
    let (results, overflow) = k.multipliedReportingOverflow(by: model.classes)
    if overflow || results > LinearLayer.maxResults {
        throw .invalid(
            "input: the result would have \(overflow ? "more than \(Int.max)" : "\(results)") numbers "
                + "(\(k) × \(model.classes)); at most \(LinearLayer.maxResults)")
    }
}

/// k×m×n multiply-adds for `input` through `model` (saturating).
func modelCost(_ input: Batch, _ model: Model) -> Int {
    let (results, o1) = input.matrix.rows.multipliedReportingOverflow(by: model.outputs)
    let (products, o2) = results.multipliedReportingOverflow(by: model.inputs)
    return o1 || o2 ? Int.max : products
}

/// The activation a request asks of a model, checked: a binary model's cannot be changed.
func modelActivation(_ requested: Activation?, for model: Model) throws(APIError) -> ModelActivation? {
    guard let requested else { return nil }
    let asked = ModelActivation(rawValue: requested.rawValue)!
    guard model.activation(overriddenBy: asked) != nil else {
        throw .invalid(
            "activation: model \(quoted(model.name)) is binary (one score z, probabilities [σ(−z), σ(z)]); "
                + "its activation cannot be changed")
    }
    return asked
}
