package import HTTPTypes

/// How the body of a request is delimited (RFC 9112 §6.3).
package enum BodyFraming: Sendable, Equatable {
    /// No `Content-Length` and no `Transfer-Encoding`: a request without a body.
    case none
    /// `Content-Length: n` (possibly 0).
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
}

/// A request's line and header fields, before its body has been read.
///
/// The server gets it as soon as the header block is complete, so that it can answer
/// `100 Continue` (or a 413 before any body is read) and start the request timer's next stage.
package struct RequestHead: Sendable, Equatable {
    package var method: HTTPRequest.Method
    /// The target exactly as sent (origin-form, absolute-form, or `*` for OPTIONS).
    package var target: String
    package var version: Version
    package var headers: Headers
    package var body: BodyFraming
    /// HTTP/1.1, `Expect: 100-continue`, and a body framed (a non-zero length, or chunked).
    /// `Expect` in HTTP/1.0 is ignored (RFC 9110 §10.1.1), as are expectations other than
    /// 100-continue: we never answer 417.
    package var expectsContinue: Bool
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive` (and no close).
    package var keepAlive: Bool

    package init(
        method: HTTPRequest.Method, target: String, version: Version = .http1_1, headers: Headers,
        body: BodyFraming = .none, expectsContinue: Bool = false, keepAlive: Bool = true
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.expectsContinue = expectsContinue
        self.keepAlive = keepAlive
    }
}

/// What ``RequestParser/next()`` produces. Every `.request` is preceded by its `.head`.
package enum ParseEvent: Sendable, Equatable {
    /// The header block is complete; the body (if any) has not been read yet.
    case head(RequestHead)
    /// The whole request, body decoded (chunked de-chunked, trailers dropped).
    case request(Request, keepAlive: Bool)
    /// Terminal: answer `status` with `Connection: close`. The parser produces nothing after it.
    case error(ParseError)
}

extension RequestHead {
    /// The target's path, without the query.
    package var path: Substring { targetPath(target) }
}
