import HTTPServer
import JSONCodec

/// Decodes a request body: 400 when it is not JSON at all, 422 (naming the field and index path)
/// when it is JSON that does not fit, and a `Problem` thrown by a request type passed through.
func decodeBody<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(Problem) -> T {
    guard body.contains(where: { !isJSONWhitespace($0) }) else {
        throw Problem(.badRequest, "the body is empty; send a JSON object such as {\"logits\": [0.5, -0.1]}")
    }
    do {
        return try decodeJSON(T.self, from: body)
    } catch let problem as Problem {
        throw problem
    } catch let error as JSONDecodingError {
        if error.isSyntaxError { throw Problem(.badRequest, "the body is not valid JSON: \(error)") }
        throw .unprocessable(error.description)
    } catch {
        throw Problem(.badRequest, "the body could not be read: \(error)")
    }
}

private func isJSONWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
