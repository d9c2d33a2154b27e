/// The kind of a JSON value as found in the document, named the way an error message says it.
package enum JSONKind: String, Sendable {
    case object, array, string, number, boolean, null

    /// "an object", "a string", "null": the words after "found" in an error message.
    package var phrase: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .boolean: "a boolean"
        case .null: "null"
        }
    }
}

/// What a decoder wanted where a type mismatch happened, as the words after "expected" ("a number",
/// "an integer", "an object or an array").
///
/// A string rather than a closed enum because callers building their own messages (the service's
/// "an object or an array" for a body that is neither) need phrases this module has no reason to know.
package struct JSONKindDescription: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    package var description: String

    package init(_ description: String) { self.description = description }
    package init(stringLiteral value: String) { self.description = value }

    package static let object: JSONKindDescription = "an object"
    package static let array: JSONKindDescription = "an array"
    package static let string: JSONKindDescription = "a string"
    package static let number: JSONKindDescription = "a number"
    package static let integer: JSONKindDescription = "an integer"
    package static let boolean: JSONKindDescription = "a boolean"
    package static let objectOrArray: JSONKindDescription = "an object or an array"
}

/// Why a JSON text could not be decoded into the requested type, and where.
///
/// Errors are data: `kind` says what went wrong, `path` says where (`logits[1][2]`), and `description`
/// renders both the way the service's problem `detail` wants them. `isSyntaxError` separates "this is not
/// JSON" (HTTP 400) from "valid JSON that does not fit the type" (HTTP 422).
package struct JSONDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// Not JSON at all. `offset` is the index of the first byte that cannot continue a valid text.
        case syntax(offset: Int, message: String)
        /// Arrays and objects nested deeper than the decoder's `maxDepth`.
        case tooDeep(limit: Int)
        case typeMismatch(expected: JSONKindDescription, found: JSONKind)
        case missingField(String)
        /// A number whose value does not fit the requested type: rounds to ±infinity as a Double or Float,
        /// or lies outside an integer type's range.
        case numberOutOfRange(literal: String)
        /// A number with a fractional part where an integer is wanted (`2.5`; `3.0` and `3e0` are integers).
        case notAnInteger(literal: String)
        case duplicateField(String)
        /// A value the type itself refused, reported through `DecodingError.dataCorrupted`.
        case invalidValue(String)
    }

    package var kind: Kind
    /// Keys joined by ".", array indices as `[i]`: `logits[1][2]`, `weights`, `a.b[0].c`; "" for the root.
    package var path: String

    package init(_ kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    package var isSyntaxError: Bool {
        switch kind {
        case .syntax, .tooDeep: true
        default: false
        }
    }

    package var description: String {
        let message: String
        switch kind {
        case .syntax(let offset, let text): return "invalid JSON at byte \(offset): \(text)"
        case .tooDeep(let limit): return "invalid JSON: nested deeper than \(limit) levels"
        case .typeMismatch(let expected, let found): message = "expected \(expected), found \(found.phrase)"
        case .missingField(let name): message = "missing field \"\(name)\""
        case .numberOutOfRange(let literal): message = "number \(literal) is out of range"
        case .notAnInteger(let literal): message = "expected an integer, found \(literal)"
        case .duplicateField(let name): message = "duplicate field \"\(name)\""
        case .invalidValue(let text): message = text
        }
        return path.isEmpty ? message : "\(path): \(message)"
    }
}

/// Why a value could not be encoded as JSON, and where.
package struct JSONEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// JSON has no NaN or infinity. The value is kept as its description ("nan", "inf", "-inf").
        case nonFiniteNumber(String)
        /// A value the type itself refused (`EncodingError.invalidValue`), or any other error its
        /// `encode(to:)` threw, described.
        case invalidValue(String)
    }

    package var kind: Kind
    /// The same spelling as `JSONDecodingError.path`.
    package var path: String

    package init(_ kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    package var description: String {
        let message: String
        switch kind {
        case .nonFiniteNumber(let value): message = "\(value) cannot be written as JSON"
        case .invalidValue(let text): message = text
        }
        return path.isEmpty ? message : "\(path): \(message)"
    }
}

/// An array position in a coding path. Kept distinct from user keys so a path prints `[3]`, not `.3`.
struct IndexKey: CodingKey {
    var index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}

/// Renders a coding path as `logits[1][2]` / `a.b[0].c`.
func pathString(_ codingPath: [any CodingKey]) -> String {
    var result = ""
    for key in codingPath {
        if let index = key as? IndexKey {
            result += "[\(index.index)]"
        } else if let index = key.intValue, key.stringValue == "Index \(index)" {
            // Foundation-style index keys built by user code.
            result += "[\(index)]"
        } else {
            if !result.isEmpty { result += "." }
            result += key.stringValue
        }
    }
    return result
}
