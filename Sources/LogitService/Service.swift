package import HTTPServer
import JSONCodec
package import Logging
import Playground
import Synchronization

/// The logitd service: the routes of API.md on an `HTTPServer`, with readiness, metrics and an
/// access log. `logitd` (the executable) only parses options, builds this, and handles signals.
package final class LogitService: Sendable {
    package let metrics = ServiceMetrics()
    package let logger: Logger
    package let router: Router
    private let state = State()

    /// What the routes share with the service, in one reference the handlers can capture.
    private final class State: Sendable {
        let ready = Atomic<Bool>(true)
        let server = Locked<Server?>(nil)
        var openConnections: Int { server.withLock { $0?.openConnections ?? 0 } }
    }

    package init(logger: Logger) {
        self.logger = logger
        router = Self.makeRouter(metrics: metrics, state: state)
    }

    /// Starts listening; returns the bound host and port (the real one when port 0 was asked).
    package func start(configuration: ServerConfiguration) throws -> (host: String, port: Int) {
        let router = self.router
        let metrics = self.metrics
        let logger = self.logger
        // The service's own handler writes access lines without going through `Logger.info`.
        let lines = logger.handler as? LineLogHandler
        var configuration = configuration
        configuration.runsInline = configuration.runsInline ?? Self.runsInline
        let server = Server(
            configuration: configuration, logger: logger,
            handler: { request in
                metrics.requestStarted()
                defer { metrics.requestFinished() }
                return router.respond(to: request)
            },
            onResponse: { record in
                let route = router.routeTemplate(for: record.path[...]) ?? "unmatched"
                metrics.record(route: route, method: record.method, status: record.status, duration: record.duration)
                Self.logAccess(record, logger: logger, lines: lines)
            })
        state.server.withLock { $0 = server }
        return try server.start()
    }

    /// Small requests are answered where they were parsed, on the event loop; large ones (a
    /// 2.5 MB vector) and linear layers go to Dispatch's pool.
    ///
    /// Every route's work is pure computation, bounded by its body for all but a linear layer:
    /// 64 KiB of body is a 64×10 batch, about 0.1 ms. A layer's answer can be far larger than its
    /// request (k × m numbers from k + m rows of one column; up to 4 194 304 of them, about 0.2 s
    /// to compute and write), which must not hold up the other connections of a loop. `/classify`
    /// computes a layer only when given `weights`; a body with neither those bytes nor a backslash
    /// (`"w\u0065ights"`) cannot have them.
    @Sendable package static func runsInline(_ request: Request) -> Bool {
        guard request.body.count <= inlineBodyLimit else { return false }
        switch request.path {
        case "/linear": return false
        case "/classify": return !request.body.contains("weights".utf8) && !request.body.contains(UInt8(ascii: "\\"))
        default: return true
        }
    }

    package static let inlineBodyLimit = 65_536

    /// Readiness off (`/readyz` answers 503), then the server's graceful shutdown; true when every
    /// connection closed within the grace period.
    package func shutdown(grace: Duration? = nil) async -> Bool {
        state.ready.store(false, ordering: .releasing)
        guard let server = state.server.withLock({ $0 }) else { return true }
        let clean = await server.shutdown(grace: grace)
        // The routes hold `state`, which held the server, which holds the routes: let go of the
        // server once it has stopped, so the whole service can be freed.
        state.server.withLock { if $0 === server { $0 = nil } }
        return clean
    }

    package var isReady: Bool { state.ready.load(ordering: .acquiring) }

    /// One line per response: method, path, status, body bytes, duration (API.md "Running it").
    static func logAccess(_ record: ResponseRecord, logger: Logger, lines: LineLogHandler?) {
        guard logger.logLevel <= .info else { return }
        if let lines {
            lines.logAccess(
                method: record.method, path: record.path, status: record.status, bodyBytes: record.bodyBytes,
                duration: record.duration)
            return
        }
        var message: [UInt8] = []
        LineLogHandler.appendAccessMessage(
            method: record.method, path: record.path, status: record.status, bodyBytes: record.bodyBytes,
            duration: record.duration, to: &message)
        logger.info("\(String(decoding: message, as: UTF8.self))")
    }

    // MARK: Routes

    private static func makeRouter(metrics: ServiceMetrics, state: State) -> Router {
        var router = Router()
        router.add(.post, "/sigmoid", compute { (r: SigmoidRequest) in Endpoints.sigmoid(r) })
        router.add(.post, "/softmax", compute { (r: SoftmaxRequest) throws(Problem) in try Endpoints.softmax(r) })
        router.add(.post, "/linear", compute { (r: LinearRequest) throws(Problem) in try Endpoints.linear(r) })
        router.add(.post, "/classify", compute { (r: ClassifyRequest) throws(Problem) in try Endpoints.classify(r) })
        router.add(.get, "/healthz") { _ in json(StatusResponse(status: "ok")) }
        router.add(.get, "/readyz") { _ in
            state.ready.load(ordering: .acquiring)
                ? json(StatusResponse(status: "ready"))
                : Problem(.serviceUnavailable, "the server is shutting down").response
        }
        router.add(.get, "/metrics") { _ in
            Response(
                status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8",
                body: metrics.exposition(openConnections: state.openConnections))
        }
        router.add(.get, "/openapi.yaml") { _ in
            Response(status: .ok, contentType: "application/yaml", body: OpenAPIDocument.bytes)
        }
        for file in Playground.files {
            router.add(.get, file.path) { _ in file.response }
        }
        return router
    }

    /// A JSON endpoint: the content type checked, the body decoded into `In`, `body` run, its
    /// result encoded; every failure becomes a problem with the status API.md gives it.
    static func compute<In: Decodable & SendableMetatype, Out: Encodable & SendableMetatype>(
        _ body: @escaping @Sendable (In) throws(Problem) -> Out
    ) -> Handler {
        { request in
            do throws(Problem) {
                try ContentType.check(request)
                let input = try decodeBody(In.self, from: request.body)
                return json(try body(input))
            } catch {
                return error.response
            }
        }
    }

    /// 200 with `value` as JSON; an encoding failure (a non-finite number slipped through) is a 500.
    static func json(_ value: some Encodable) -> Response {
        do {
            return Response(status: .ok, contentType: "application/json", body: try encodeJSON(value))
        } catch {
            return Problem(.internalServerError, "the result could not be written as JSON: \(error)").response
        }
    }
}
