package import HTTPTypes

/// The application's answer to one request: the response now, on the event loop that parsed the
/// request, or work the server runs on Dispatch's pool (the connection reads nothing more until
/// its response is back, so pipelined responses stay in request order).
///
/// The application decides from what the work costs: parsing a body is bounded by its size,
/// computing a layer by its m×n×k products. Answer inline only what is short and cannot block,
/// since an inline answer delays the loop's other connections while it is computed.
package enum Outcome: Sendable {
    case response(Response)
    case offload(@Sendable () -> Response)
}

/// What a `Responder` returns: the outcome and the route it matched, which the server hands back
/// in the `ResponseRecord` (metrics and the access log label by it, not by the raw path).
package struct Reply: Sendable {
    package var outcome: Outcome
    /// The matched route's template (`/models/{name}`); nil when none matched.
    package var route: String?

    package init(_ outcome: Outcome, route: String? = nil) {
        self.outcome = outcome
        self.route = route
    }
}

/// The application, as the server sees it: a request in, a reply out. It runs on the event loop
/// that parsed the request; a reply's offloaded work runs on Dispatch's pool.
package typealias Responder = @Sendable (Request) -> Reply

/// An error the server answers by itself, before or instead of the application (a request that
/// does not parse, is too large, too slow, or over the connection cap). The application renders
/// the body (`ServerConfiguration.errorResponse`), so the server knows no error format.
package struct TransportError: Sendable, Equatable {
    /// 400, 408, 413, 431, 501 or 503.
    package var status: HTTPResponse.Status
    /// What went wrong, in words for the client.
    package var detail: String
    /// The request's path, once its request line parsed, the head finished or not (the application
    /// may choose a format by it: a 408 mid-head on `/v2/...` is the inference protocol's).
    package var path: String?

    package init(status: HTTPResponse.Status, detail: String, path: String? = nil) {
        self.status = status
        self.detail = detail
        self.path = path
    }
}
