package import JSONCodec

/// A wire format: request bodies into the domain's request types, results into bytes. JSON first;
/// a binary tensor format decodes into the same requests and encodes the same results.
package protocol Wire: Sendable {
    /// The body as `T`: `.malformed` when it is not in this format at all, `.invalid` (naming the
    /// field and index path) when it is but does not fit.
    func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(APIError) -> T
    /// `value` in this format.
    func encode(_ value: some Encodable) throws -> [UInt8]
    /// The media type of what `encode` writes.
    var mediaType: String { get }
}

/// JSON through JSONCodec (exact numbers, errors with coding paths).
package struct JSONWire: Wire {
    package init() {}

    package var mediaType: String { "application/json" }

    package func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(APIError) -> T {
        try decode(type, parse(body))
    }

    /// The body parsed and validated; every failure named as the API names it. A request type with a
    /// `ComputeRequest.read` is read from the document's root first, then decoded by `decode(_:_:)` when that
    /// answers nil; the caller composes the two where the type is known (`ComputeRoutes`): through one generic
    /// function across modules, every body cost a metadata lookup of `Optional<T>`, about 330 instructions.
    package func parse(_ body: [UInt8]) throws(APIError) -> JSONDocument {
        guard body.contains(where: { !isJSONWhitespace($0) }) else {
            throw APIError(.malformed, "the body is empty; send a JSON object such as {\"logits\": [0.5, -0.1]}")
        }
        do {
            return try JSONDocument(parsing: body)
        } catch {
            throw Self.named(error)
        }
    }

    /// The document through `T`'s `init(from:)`.
    package func decode<T: Decodable>(_ type: T.Type, _ document: JSONDocument) throws(APIError) -> T {
        do {
            return try document.decode(T.self)
        } catch {
            throw Self.named(error)
        }
    }

    private static func named(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as JSONDecodingError:
            if error.isSyntaxError { return APIError(.malformed, "the body is not valid JSON: \(error)") }
            return .invalid(error.description)
        default: return APIError(.malformed, "the body could not be read: \(error)")
        }
    }

    package func encode(_ value: some Encodable) throws -> [UInt8] {
        try encodeJSON(value)
    }
}

private func isJSONWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
