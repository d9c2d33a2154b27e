import JSONCodec
import LogitMath

// The two JSON forms, told apart by their keys: logitd's has "weights", scikit-learn's export has "coef".
// Unknown keys are refused (a misspelt "activaton" must not silently fall back to the default).

/// The parts of a JSON model file.
func decodeJSONModel(_ bytes: [UInt8]) throws(ModelFormatError) -> ModelParts {
    do {
        return try decodeJSON(JSONModelDocument.self, from: bytes).parts
    } catch let error as ModelFormatError {
        throw error
    } catch let error as JSONDecodingError {
        throw ModelFormatError(describe(error, byteCount: bytes.count))
    } catch {
        throw ModelFormatError("the JSON could not be read: \(error)")
    }
}

private func describe(_ error: JSONDecodingError, byteCount: Int) -> String {
    let place = error.path.isEmpty ? "" : "\(error.path): "
    switch error.kind {
    case .syntax(let offset, _) where offset >= byteCount: return "truncated: the JSON ends at byte \(byteCount)"
    case .syntax, .tooDeep: return "not valid JSON: \(error)"
    case .numberOutOfRange(let literal): return "\(place)\(literal) is not a finite Double"
    default: return error.description
    }
}

private struct JSONModelDocument: Decodable {
    var parts: ModelParts

    init(from decoder: any Decoder) throws {
        let names = memberNames(of: decoder) ?? []
        switch (names.contains("weights"), names.contains("coef")) {
        case (true, true): throw ModelFormatError("both \"weights\" (logitd) and \"coef\" (scikit-learn): which is it?")
        case (true, false): parts = try LogitdJSONModel(from: decoder, names: names).parts
        case (false, true): parts = try SklearnJSONModel(from: decoder, names: names).parts
        case (false, false):
            throw ModelFormatError(
                "unknown format: a JSON object without \"weights\" (logitd) or \"coef\" (scikit-learn)")
        }
    }
}

/// Keys of a JSON model object.
struct ModelKey: CodingKey {
    var stringValue: String
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// Refuses the first key not in `known`.
func refuseUnknownKeys(_ names: [String], known: Set<String>, format: String) throws(ModelFormatError) {
    if let unknown = names.first(where: { !known.contains($0) }) {
        let list = known.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
        throw ModelFormatError("unknown field \"\(unknown)\" in a \(format) model (known: \(list))")
    }
}

/// Nested rows → a matrix, naming `field` in the message.
func matrix(_ rows: [[Double]], field: String) throws(ModelFormatError) -> Matrix {
    do {
        return try Matrix(rows: rows)
    } catch {
        switch error {
        case .empty(let path): throw ModelFormatError("\(field)\(path.map { "[\($0)]" }.joined()) is empty")
        case .raggedRow(let row, let count, let expected):
            throw ModelFormatError("\(field)[\(row)] has \(count) elements but \(field)[0] has \(expected)")
        default: throw ModelFormatError("\(field): \(error)")
        }
    }
}
