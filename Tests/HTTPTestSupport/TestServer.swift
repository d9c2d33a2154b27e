package import HTTPServer
package import Logging

/// A logger that drops everything, for servers under test (their protocol errors are expected).
package let silentLogger = Logger(label: "logitd.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A test's application: every request answered on Dispatch's pool (the default offload), so a
/// handler may block.
package typealias Handler = @Sendable (Request) -> Response

/// `handler` as a responder that offloads every request.
package func offloading(_ handler: @escaping Handler) -> Responder {
    { request in Reply(.offload { handler(request) }) }
}

/// Starts a `Server` on 127.0.0.1, port 0, runs `body` with the port it got, then shuts it down
/// (gracefully, with the configuration's grace) whether or not `body` threw.
@discardableResult
package func withTestServer<T>(
    configuration: ServerConfiguration = ServerConfiguration(),
    onResponse: @escaping @Sendable (ResponseRecord) -> Void = { _ in },
    handler: @escaping Handler,
    _ body: (Int) async throws -> T
) async throws -> T {
    try await withTestServer(configuration: configuration, onResponse: onResponse, responder: offloading(handler), body)
}

/// As `withTestServer`, with a responder that decides itself what runs inline.
@discardableResult
package func withTestServer<T>(
    configuration: ServerConfiguration = ServerConfiguration(),
    onResponse: @escaping @Sendable (ResponseRecord) -> Void = { _ in },
    responder: @escaping Responder,
    _ body: (Int) async throws -> T
) async throws -> T {
    try await withRunningServer(configuration: configuration, onResponse: onResponse, responder: responder) {
        _, port in try await body(port)
    }
}

/// As `withTestServer`, and `body` also gets the `Server` (for `openConnections` or `shutdown`).
@discardableResult
package func withRunningServer<T>(
    configuration: ServerConfiguration = ServerConfiguration(),
    onResponse: @escaping @Sendable (ResponseRecord) -> Void = { _ in },
    handler: @escaping Handler,
    _ body: (Server, Int) async throws -> T
) async throws -> T {
    try await withRunningServer(
        configuration: configuration, onResponse: onResponse, responder: offloading(handler), body)
}

/// As `withRunningServer`, with a responder.
@discardableResult
package func withRunningServer<T>(
    configuration: ServerConfiguration = ServerConfiguration(),
    onResponse: @escaping @Sendable (ResponseRecord) -> Void = { _ in },
    responder: @escaping Responder,
    _ body: (Server, Int) async throws -> T
) async throws -> T {
    var configuration = configuration
    if configuration.host != "::1" { configuration.host = "127.0.0.1" }
    configuration.port = 0
    let server = Server(
        configuration: configuration, logger: silentLogger, responder: responder,
        onResponse: { record, _ in onResponse(record) })
    let (_, port) = try server.start()
    do {
        let result = try await body(server, port)
        _ = await server.shutdown()
        return result
    } catch {
        _ = await server.shutdown()
        throw error
    }
}
