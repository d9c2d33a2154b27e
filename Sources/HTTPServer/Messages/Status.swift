/// A response status code with its reason phrase (RFC 9110 §15).
package struct Status: Hashable, Sendable, CustomStringConvertible {
    package var code: Int
    package var reasonPhrase: String

    package init(code: Int, reasonPhrase: String) {
        self.code = code
        self.reasonPhrase = reasonPhrase
    }

    /// The status for `code`, with the reason phrase RFC 9110 gives it ("Unknown" otherwise).
    package init(code: Int) {
        self.init(code: code, reasonPhrase: Status.phrases[code] ?? "Unknown")
    }

    package var description: String { "\(code) \(reasonPhrase)" }

    /// 1xx, 204 and 304 responses never carry a body or a Content-Length (RFC 9112 §6.3).
    package var mayHaveBody: Bool { !(100..<200).contains(code) && code != 204 && code != 304 }

    package static let `continue` = Status(code: 100)
    package static let ok = Status(code: 200)
    package static let noContent = Status(code: 204)
    package static let badRequest = Status(code: 400)
    package static let notFound = Status(code: 404)
    package static let methodNotAllowed = Status(code: 405)
    package static let notAcceptable = Status(code: 406)
    package static let requestTimeout = Status(code: 408)
    package static let contentTooLarge = Status(code: 413)
    package static let unsupportedMediaType = Status(code: 415)
    package static let unprocessableContent = Status(code: 422)
    package static let requestHeaderFieldsTooLarge = Status(code: 431)
    package static let internalServerError = Status(code: 500)
    package static let notImplemented = Status(code: 501)
    package static let serviceUnavailable = Status(code: 503)
    package static let httpVersionNotSupported = Status(code: 505)

    private static let phrases: [Int: String] = [
        100: "Continue", 200: "OK", 204: "No Content", 304: "Not Modified",
        400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
        408: "Request Timeout",
        413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
        422: "Unprocessable Content", 431: "Request Header Fields Too Large",
        500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
        505: "HTTP Version Not Supported",
    ]
}
