package import HTTPTypes

/// What HTTP/1.1 adds to swift-http-types' status: the framing rule and a reason phrase for every
/// status line.
extension HTTPResponse.Status {
    /// 1xx, 204 and 304 responses never carry a body or a Content-Length (RFC 9112 §6.3).
    package var mayHaveBody: Bool { !(100..<200).contains(code) && code != 204 && code != 304 }

    /// The reason phrase for the status line: the status's own, or RFC 9110's for its code when it
    /// was made from a bare code (`Status(code: 422)` has none), or "Unknown".
    package var statusLinePhrase: String {
        reasonPhrase.isEmpty ? Self.phrases[code] ?? "Unknown" : reasonPhrase
    }

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
