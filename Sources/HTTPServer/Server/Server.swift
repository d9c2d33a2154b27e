import Dispatch
import Glibc
import HTTPTypes
package import Logging
import Synchronization

/// An HTTP/1.1 server on POSIX sockets and Dispatch: a `Listener` accepts, and each socket becomes
/// a `Connection` on an event loop. It knows no routes and no error format: `responder` answers
/// every request, and `configuration.errorResponse` renders the server's own errors.
package final class Server: Sendable {
    private enum Phase {
        case initial, running, shuttingDown
    }

    /// Everything shared between the listener, the connections and `shutdown`, behind one lock.
    private struct State {
        var phase = Phase.initial
        var listener: Listener?
        var connections: [ObjectIdentifier: Connection] = [:]
        /// `shutdown` calls waiting for the last connection to close.
        var waiters: [CheckedContinuation<Bool, Never>] = []
    }

    private let context: ServerContext
    private let state = Locked(State())

    package init(
        configuration: ServerConfiguration, logger: Logger, responder: @escaping Responder,
        onResponse: @escaping @Sendable (ResponseRecord, BatchOutput) -> Void = { _, _ in }
    ) {
        context = ServerContext(
            configuration: configuration, logger: logger, responder: responder, onResponse: onResponse)
    }

    /// Binds, listens and starts accepting; returns the bound host and port (the real port when
    /// the configuration asked for 0).
    package func start() throws(ServerError) -> (host: String, port: Int) {
        let configuration = context.configuration
        let listener = try Listener(host: configuration.host, port: configuration.port, logger: context.logger)
        let installed = state.withLock { state in
            guard state.phase == .initial else { return false }
            state.phase = .running
            state.listener = listener
            return true
        }
        guard installed else {
            listener.stop()
            throw .alreadyStarted
        }
        listener.start { [self] fd in accepted(fd) }
        context.logger.debug("listening", metadata: ["host": "\(listener.host)", "port": "\(listener.port)"])
        return (listener.host, listener.port)
    }

    /// The number of open connections (the metrics gauge).
    package var openConnections: Int { state.withLock { $0.connections.count } }

    /// Graceful shutdown: stop accepting (the listener closes, so new connects are refused),
    /// answer every request already received, pipelined ones in the buffer included, the last with
    /// `Connection: close`; close idle connections at once; wait for the rest up to `grace`
    /// (default `shutdownGrace`), then close them anyway. Returns true when all closed in time.
    /// Safe to call twice and from any thread.
    package func shutdown(grace: Duration? = nil) async -> Bool {
        let grace = grace ?? context.configuration.shutdownGrace
        let (listener, connections) = state.withLock { state -> (Listener?, [Connection]) in
            guard state.phase != .shuttingDown else { return (nil, []) }
            state.phase = .shuttingDown
            let listener = state.listener
            state.listener = nil
            return (listener, Array(state.connections.values))
        }
        context.isShuttingDown.store(true, ordering: .relaxed)
        listener?.stop()
        if listener != nil {
            context.logger.info("shutting down", metadata: ["connections": "\(connections.count)"])
        }
        for connection in connections { connection.requestShutdown() }

        return await withCheckedContinuation { continuation in
            let alreadyDone = state.withLock { state in
                if state.connections.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if alreadyDone {
                continuation.resume(returning: true)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(grace.nanoseconds))) {
                [self] in
                let (waiters, remaining) = state.withLock { state in
                    let waiters = state.waiters
                    state.waiters = []
                    return (waiters, Array(state.connections.values))
                }
                guard !waiters.isEmpty else { return }
                context.logger.info("grace period over", metadata: ["closing": "\(remaining.count)"])
                for connection in remaining { connection.forceClose() }
                for waiter in waiters { waiter.resume(returning: false) }
            }
        }
    }

    /// A new socket from the listener (on its queue).
    private func accepted(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        enum Verdict {
            case accept(Connection)
            case full, stopping
        }
        // The Connection is built only once it is admitted: its Dispatch sources must be resumed
        // before they are released, which only `start()` does.
        let verdict = state.withLock { state -> Verdict in
            guard state.phase == .running else { return .stopping }
            guard state.connections.count < context.configuration.maxConnections else { return .full }
            let connection = Connection(fd: fd, context: context) { [self] connection in closed(connection) }
            state.connections[ObjectIdentifier(connection)] = connection
            return .accept(connection)
        }
        switch verdict {
        case .accept(let connection):
            connection.start()
        case .stopping:
            close(fd)
        case .full:
            reject(fd)
        }
    }

    /// Over the connection cap: one 503 problem, written without waiting (a fresh socket's buffer
    /// takes it), then close. The descriptor never becomes a `Connection`, so a flood of connects
    /// costs the server a few syscalls each.
    private func reject(_ fd: Int32) {
        context.logger.info("connection limit reached", metadata: ["max": "\(context.configuration.maxConnections)"])
        let response = context.configuration.errorResponse(
            TransportError(
                status: .serviceUnavailable,
                detail: "the server is at its limit of \(context.configuration.maxConnections) connections"))
        var bytes: [UInt8] = []
        ResponseEncoder.encode(
            response, headOnly: false, close: true, announceKeepAlive: false, date: context.dateCache.current(),
            into: &bytes)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, sendNoSignal) }
        shutdownWriting(fd)
        // Drain what the client already sent, so the close is not a reset that discards the 503.
        var scratch = [UInt8](repeating: 0, count: 4096)
        while scratch.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        close(fd)
        context.onResponse(
            ResponseRecord(
                method: "-", path: "-", status: 503, bodyBytes: response.body.count, duration: .zero),
            .immediate)
    }

    private func closed(_ connection: Connection) {
        let (waiters, idle) = state.withLock { state -> ([CheckedContinuation<Bool, Never>], Bool) in
            state.connections[ObjectIdentifier(connection)] = nil
            guard state.connections.isEmpty else { return ([], false) }
            guard state.phase == .shuttingDown else { return ([], state.phase == .running) }
            let waiters = state.waiters
            state.waiters = []
            return (waiters, false)
        }
        for waiter in waiters { waiter.resume(returning: true) }
        if idle, let whenIdle = context.configuration.whenIdle {
            // A moment later, and only if still idle: work offloaded for a connection that has just closed
            // may still be running, and what it frees after the call stays (run.sh's large load, 4
            // connections: about half the runs kept 50 MiB instead of 33).
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .milliseconds(100)) { [state] in
                if state.withLock({ $0.connections.isEmpty && $0.phase == .running }) { whenIdle() }
            }
        }
    }
}
