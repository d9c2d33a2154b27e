/// Why an inference protocol request cannot be answered. The routes render it as `{"error": message}` with the
/// status API.md gives its kind.
package struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// 400: the body, its framing or its tensors do not make a request this model can take.
        case badRequest
        /// 404: no such model or version.
        case notFound
    }

    package var kind: Kind
    /// Names the field, tensor or byte count at fault: `inputs[0].shape [2, 4] has 8 elements but data has 7`.
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package static func badRequest(_ message: String) -> InferenceError { InferenceError(.badRequest, message) }
    package static func notFound(_ message: String) -> InferenceError { InferenceError(.notFound, message) }

    package var description: String { message }
}
