package import HTTPServer
import HTTPTypes
import InferenceProtocol
import JSONCodec
package import Logging
import LogitAPI
package import LogitModels
import LogitVersion
import Playground
package import Routing
import Synchronization

/// The logitd service: the routes of API.md on an `HTTPServer`, with readiness, metrics and an
/// access log. `logitd` (the executable) only parses options, builds this, and handles signals.
package final class LogitService: Sendable {
    package let metrics = ServiceMetrics()
    package let logger: Logger
    package let router: Router
    /// The served models; SIGHUP swaps their set (`reloadModels`).
    package let models: ModelRegistry
    private let state = State()

    /// What the routes share with the service, in one reference the handlers can capture.
    private final class State: Sendable {
        let ready = Atomic<Bool>(true)
        let server = Locked<Server?>(nil)
        var openConnections: Int { server.withLock { $0?.openConnections ?? 0 } }
    }

    /// Where each response's access line goes.
    package let accessLog: any AccessLog

    /// - Parameter accessLog: the access log; by default `logger`'s `info`. `logitd` passes its
    ///   `LineLogHandler`, which writes the lines with the event loop's batch.
    package init(logger: Logger, models: ModelRegistry = ModelRegistry(), accessLog: (any AccessLog)? = nil) {
        self.logger = logger
        self.models = models
        self.accessLog = accessLog ?? LoggerAccessLog(logger: logger)
        router = Self.makeRouter(metrics: metrics, state: state, models: models)
    }

    /// Loads every model source again (SIGHUP): the new set replaces the old one whole, or, when any model
    /// fails, the old set stays; either way the outcome is logged and counted. Returns whether it succeeded.
    @discardableResult
    package func reloadModels() -> Bool {
        do {
            let set = try models.reload()
            metrics.recordReload(success: true)
            logger.info("reloaded models: \(set.count) served")
            return true
        } catch {
            metrics.recordReload(success: false)
            logger.error("model reload failed, the previous models stay: \(error)")
            return false
        }
    }

    /// Starts listening; returns the bound host and port (the real one when port 0 was asked).
    package func start(configuration: ServerConfiguration) throws -> (host: String, port: Int) {
        let router = self.router
        let metrics = self.metrics
        let logger = self.logger
        let accessLog = self.accessLog
        var configuration = configuration
        // The server's own errors in the format of the path's route group.
        configuration.errorResponse = { error in
            router.errors(for: error.path?[...] ?? "").render(error.status, error.detail)
        }
        // Coded request bodies and compressed answers, for every route (docs/compression.md).
        let codings = ContentCodings(
            maxBodySize: configuration.maxBodySize,
            error: { request, status, detail in router.errors(for: request.path).render(status, detail) },
            next: { request in router.respond(to: request) })
        let server = Server(
            configuration: configuration, logger: logger,
            responder: { request in
                metrics.requestStarted()
                var reply = codings.respond(to: request)
                switch reply.outcome {
                case .response:
                    metrics.requestFinished()
                case .offload(let work):
                    reply.outcome = .offload {
                        defer { metrics.requestFinished() }
                        return work()
                    }
                }
                return reply
            },
            onResponse: { record, output in
                // The server's own errors (413 on /softmax) are labelled by the path's route too.
                let route = record.route ?? router.template(for: record.path[...]) ?? "unmatched"
                metrics.record(route: route, method: record.method, status: record.status, duration: record.duration)
                accessLog.record(record, output: output)
            })
        state.server.withLock { $0 = server }
        return try server.start()
    }

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

    // MARK: Routes

    private static func makeRouter(metrics: ServiceMetrics, state: State, models: ModelRegistry) -> Router {
        var router = Router(errors: .problem)
        router.setErrors(.inferenceProtocol, under: "/v2")
        ComputeRoutes.add(to: &router, models: models) { model, nanoseconds in
            metrics.recordModel(name: model.name, version: model.version, inferenceNanoseconds: nanoseconds)
        }
        router.add(.get, "/models") { _ in .response(jsonResponse(ModelList(models.current))) }
        router.add(.get, "/models/{name}") { context in
            do throws(Problem) {
                let name: String
                do { name = try context.parameters.require("name") } catch {
                    throw Problem(.notFound, "model: \(error)")
                }
                do throws(APIError) {
                    return .response(jsonResponse(try Operations.modelEntry(name, in: models.current)))
                } catch {
                    throw Problem(error)
                }
            } catch {
                return .response(error.response)
            }
        }
        InferenceRoutes.add(
            to: &router,
            InferenceRoutes.Environment(
                models: { models.current }, isReady: { state.ready.load(ordering: .acquiring) },
                version: logitdVersion,
                observer: { model, nanoseconds in
                    metrics.recordModel(name: model.name, version: model.version, inferenceNanoseconds: nanoseconds)
                }))
        router.add(.get, "/healthz") { _ in .response(jsonResponse(StatusResponse(status: "ok"))) }
        router.add(.get, "/readyz") { _ in
            .response(
                state.ready.load(ordering: .acquiring)
                    ? jsonResponse(StatusResponse(status: "ready"))
                    : Problem(.serviceUnavailable, "the server is shutting down").response)
        }
        router.add(.get, "/metrics") { _ in
            .response(
                Response(
                    status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8",
                    body: metrics.exposition(openConnections: state.openConnections)))
        }
        router.add(.get, "/openapi.yaml") { _ in
            .response(Response(status: .ok, contentType: "application/yaml", body: OpenAPIDocument.bytes))
        }
        for file in Playground.files {
            router.add(.get, file.path) { _ in .response(file.response) }
        }
        return router
    }
}
