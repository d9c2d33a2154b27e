import Logging
import Synchronization

/// What every connection of one server shares, immutable once the server is built.
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let limits: ParserLimits
    let responder: Responder
    let onResponse: @Sendable (ResponseRecord, BatchOutput) -> Void
    let logger: Logger
    let dateCache = DateCache()
    /// Set once graceful shutdown begins. A connection checks it before each request it parses,
    /// because its shutdown notice waits in its queue behind the handler that is running, and the
    /// requests pipelined behind that one must already know they are the last.
    let isShuttingDown = Atomic<Bool>(false)
    /// How long a closing connection keeps reading (and discarding) after its last response, so
    /// that unread request bytes do not make the kernel reset the connection before the client has
    /// read that response (nginx's `lingering_close`).
    let lingerTimeout: Duration

    init(
        configuration: ServerConfiguration, logger: Logger, responder: @escaping Responder,
        onResponse: @escaping @Sendable (ResponseRecord, BatchOutput) -> Void
    ) {
        self.configuration = configuration
        self.limits = ParserLimits(
            maxHeaderSize: configuration.maxHeaderSize, maxBodySize: configuration.maxBodySize)
        self.responder = responder
        self.onResponse = onResponse
        self.logger = logger
        self.lingerTimeout = min(configuration.requestTimeout, .seconds(2))
    }
}

/// One per response the server writes, including its own errors (400/408/413/431/501/503):
/// the access log and the metrics are built from it.
package struct ResponseRecord: Sendable {
    /// The request method, or "-" when the request line never parsed.
    package var method: String
    /// The target's path, or "-" when unknown.
    package var path: String
    /// The route the application matched (`Reply.route`); nil for the server's own errors and
    /// for requests no route matched.
    package var route: String?
    package var status: Int
    package var bodyBytes: Int
    /// From the request's first byte (or its head, for pipelined requests) to the response queued.
    package var duration: Duration

    package init(
        method: String, path: String, route: String? = nil, status: Int, bodyBytes: Int, duration: Duration
    ) {
        self.method = method
        self.path = path
        self.route = route
        self.status = status
        self.bodyBytes = bodyBytes
        self.duration = duration
    }
}
