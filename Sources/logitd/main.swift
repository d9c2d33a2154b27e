import ArgumentParser
import Dispatch
import HTTPServer
import Logging
import LogitModels
import LogitService
import LogitVersion

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
#if os(Linux)
    import CLinux
#endif

/// `logitd`: serves the API of docs/api.md until SIGTERM or SIGINT.
struct Logitd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logitd",
        abstract: "An HTTP/1.1 JSON service that turns logits into probabilities and decisions.",
        discussion:
            "Endpoints: POST /sigmoid, /softmax, /linear, /classify; GET /models, /models/{name}, /healthz, /readyz, "
            + "/metrics, /openapi.yaml. SIGHUP reloads the models.",
        version: logitdVersion,
        subcommands: [Healthcheck.self]
    )

    @OptionGroup var options: ServerOptions
    @OptionGroup(title: "Served models") var modelOptions: ModelOptions

    func run() throws {
        try start()
        // From a frame with no locals: dispatchMain ends the main thread with pthread_exit, and
        // Dispatch's signal handling then runs on that thread's stack below this frame; start()'s
        // large frame is gone by then (under AddressSanitizer its stale redzones were reported as a
        // stack-buffer-overflow in libdispatch's sigfillset at SIGTERM).
        dispatchMain()
    }

    /// Everything up to serving: options, allocator settings, logging, signals, the listening socket.
    private func start() throws {
        let (resolved, level) = try options.resolve()
        var configuration = resolved
        // Every model is loaded and checked before anything else: one that cannot be served stops start-up
        // with status 2 and one line `FILE: problem` (API.md "Served models").
        let models: ModelRegistry
        do {
            models = try ModelRegistry(loading: try modelOptions.resolve())
        } catch let error as ModelLoadError {
            var stderr = StandardError()
            print(error.description, to: &stderr)
            throw ExitCode(2)
        }
        #if canImport(Glibc)
            // At most two malloc arenas: Dispatch's pool threads that run large requests would
            // otherwise each grow an arena of their own that keeps the freed multi-megabyte buffers.
            _ = mallopt(M_ARENA_MAX, 2)
            // A large request's buffers (its 2.5 MB body, the 3 MB parse tape, the 3 MB answer) come
            // from the arena and go back to it, rather than being mapped fresh and faulted in page by
            // page each time: glibc's default maps blocks above its adaptive threshold and trims the
            // arena's top whenever it is freed, which cost ~200 page faults and zeroed pages per large
            // request. 32 MiB is the largest mmap threshold glibc accepts (bodies are at most 8 MiB by
            // default); what stays resident is the peak a burst needed, not growth. Alternating builds
            // under run.sh's large load: CPU per request 12.83 → 12.08 ms (median of 3).
            _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 512 << 20)
            // ...and given back once no client is connected: after run.sh's three loads on one
            // process, 48 MiB when the last connection closes, 34 MiB 0.1 s later.
            configuration.whenIdle = { _ = malloc_trim(0) }
        #endif
        let serverConfiguration = configuration
        LoggingSystem.bootstrap { LineLogHandler(label: $0) }
        var lines = LineLogHandler(label: "logitd")
        lines.logLevel = level
        let logger = Logger(label: "logitd") { _ in lines }

        let service = LogitService(logger: logger, models: models, accessLog: lines)
        // SIGHUP reloads the models on the signal's own queue: the whole new set, or the old one kept.
        Signals.install([SIGHUP]) { _ in
            logger.info("received SIGHUP; reloading models")
            service.reloadModels()
        }
        // Signals first, and wait until Dispatch has registered them: a SIGTERM right after
        // start-up was otherwise lost or killed the process (STYLE.md, service-lifecycle).
        Signals.install([SIGTERM, SIGINT]) { signal in
            logger.info("received signal \(signal); shutting down (grace \(serverConfiguration.shutdownGrace))")
            Task {
                let clean = await service.shutdown(grace: serverConfiguration.shutdownGrace)
                if clean {
                    logger.info("stopped")
                } else {
                    logger.warning("grace period over; remaining connections were closed")
                }
                Glibc.exit(0)
            }
        }
        let bound: (host: String, port: Int)
        do {
            bound = try service.start(configuration: serverConfiguration)
        } catch {
            logger.critical("cannot listen on \(serverConfiguration.host):\(serverConfiguration.port): \(error)")
            throw ExitCode(1)
        }
        print("listening on \(bound.host):\(bound.port)")
        fflush(nil)
    }
}

/// `logitd healthcheck`: exits 0 when the local server answers GET /healthz with 200 — a
/// container HEALTHCHECK that needs no curl in the image. It takes the server's own `--host` and
/// `--port` (and `HOST`/`PORT`), so it probes where `logitd` with the same settings listens.
struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe a running logitd at --host/--port; exit 0 when it answers 200.")

    @ParentCommand var server: Logitd
    @Option(help: "Path to GET.")
    var path = "/healthz"
    @Option(help: "Seconds to wait for the answer.")
    var timeout = 2

    func run() throws {
        let (configuration, _) = try server.options.resolve()
        let port = configuration.port
        guard port > 0 else { throw ValidationError("healthcheck needs the server's port, not 0") }
        do {
            let status = try Probe.get(host: configuration.host, port: port, path: path, timeoutSeconds: timeout)
            print("\(path): \(status)")
            if status != 200 { throw ExitCode(1) }
        } catch let failure as Probe.Failure {
            print("\(path): \(failure)")
            throw ExitCode(1)
        }
    }
}

/// Dispatch signal sources, registered before the server listens.
enum Signals {
    /// The sources live as long as the process. A global keeps them reachable after
    /// `dispatchMain()` ends the main thread (whose stack held them before), so LeakSanitizer
    /// does not report them at exit.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "logitd.signals")
        let registered = DispatchSemaphore(value: 0)
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            return source
        }
        for _ in sources { registered.wait() }
        Self.sources += sources
    }
}

// Parse errors and bad values exit 2 (API.md), not ArgumentParser's 64; --help exits 0.
do {
    var command = try Logitd.parseAsRoot()
    try command.run()
} catch {
    let code = Logitd.exitCode(for: error)
    if code == .success || error is ExitCode {
        Logitd.exit(withError: error)
    }
    var stderr = StandardError()
    print(Logitd.fullMessage(for: error), to: &stderr)
    exit(2)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
