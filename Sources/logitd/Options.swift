import ArgumentParser
import HTTPServer
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The options of API.md "Running it". Each falls back to an environment variable and then to a
/// default — in that order, once, here — since swift-argument-parser reads no environment.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on; 0.0.0.0 or :: for every interface. (env: HOST, default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. (env: PORT, default: 8080)")
    var port: Int?

    @Option(help: "Largest request body, in bytes (413 beyond). (env: LOGITD_MAX_BODY_SIZE, default: 8388608)")
    var maxBodySize: Int?

    @Option(
        help: "Largest request line plus headers, in bytes (431 beyond). (env: LOGITD_MAX_HEADER_SIZE, default: 16384)")
    var maxHeaderSize: Int?

    @Option(
        help:
            "Seconds to receive a whole request once its first byte came (408 beyond). (env: LOGITD_REQUEST_TIMEOUT, default: 10)"
    )
    var requestTimeout: Double?

    @Option(help: "Seconds an idle keep-alive connection stays open. (env: LOGITD_IDLE_TIMEOUT, default: 60)")
    var idleTimeout: Double?

    @Option(help: "Most open connections (503 beyond). (env: LOGITD_MAX_CONNECTIONS, default: 1024)")
    var maxConnections: Int?

    @Option(
        help:
            "Seconds to finish requests after SIGTERM or SIGINT before closing. (env: LOGITD_SHUTDOWN_GRACE, default: 10)"
    )
    var shutdownGrace: Double?

    @Option(
        help:
            "Least severe log level printed: \(LogLevel.allValueStrings.joined(separator: ", ")). (env: LOG_LEVEL, default: info)"
    )
    var logLevel: LogLevel?

    /// The resolved configuration: flag, else environment variable, else default; every value checked.
    func resolve(environment: (String) -> String? = ServerOptions.getenv) throws -> (ServerConfiguration, Logger.Level)
    {
        func pick<T: ExpressibleByArgument>(_ flag: T?, _ option: String, _ variable: String, _ fallback: T) throws -> T
        {
            if let flag { return flag }
            guard let text = environment(variable) else { return fallback }
            guard let value = T(argument: text) else {
                throw ValidationError("environment variable \(variable)=\(text) is not a valid value for --\(option)")
            }
            return value
        }
        func check(_ ok: Bool, _ option: String, _ variable: String, _ rule: String) throws {
            guard ok else {
                throw ValidationError("--\(option) (or \(variable)) \(rule)")
            }
        }
        var c = ServerConfiguration()
        c.host = try pick(host, "host", "HOST", c.host)
        try check(!c.host.isEmpty, "host", "HOST", "must not be empty")
        c.port = try pick(port, "port", "PORT", c.port)
        try check((0...65535).contains(c.port), "port", "PORT", "must be between 0 and 65535, got \(c.port)")
        c.maxBodySize = try pick(maxBodySize, "max-body-size", "LOGITD_MAX_BODY_SIZE", c.maxBodySize)
        try check(c.maxBodySize > 0, "max-body-size", "LOGITD_MAX_BODY_SIZE", "must be greater than 0")
        c.maxHeaderSize = try pick(maxHeaderSize, "max-header-size", "LOGITD_MAX_HEADER_SIZE", c.maxHeaderSize)
        try check(c.maxHeaderSize >= 64, "max-header-size", "LOGITD_MAX_HEADER_SIZE", "must be at least 64")
        let requestTimeout = try pick(requestTimeout, "request-timeout", "LOGITD_REQUEST_TIMEOUT", 10.0)
        try check(
            Self.isDuration(requestTimeout), "request-timeout", "LOGITD_REQUEST_TIMEOUT",
            "must be a number of seconds > 0")
        c.requestTimeout = .seconds(requestTimeout)
        let idleTimeout = try pick(idleTimeout, "idle-timeout", "LOGITD_IDLE_TIMEOUT", 60.0)
        try check(
            Self.isDuration(idleTimeout), "idle-timeout", "LOGITD_IDLE_TIMEOUT", "must be a number of seconds > 0")
        c.idleTimeout = .seconds(idleTimeout)
        c.maxConnections = try pick(maxConnections, "max-connections", "LOGITD_MAX_CONNECTIONS", c.maxConnections)
        try check(c.maxConnections >= 1, "max-connections", "LOGITD_MAX_CONNECTIONS", "must be at least 1")
        let grace = try pick(shutdownGrace, "shutdown-grace", "LOGITD_SHUTDOWN_GRACE", 10.0)
        try check(
            grace.isFinite && grace >= 0 && grace <= 3600, "shutdown-grace", "LOGITD_SHUTDOWN_GRACE",
            "must be between 0 and 3600 seconds")
        c.shutdownGrace = .seconds(grace)
        let level = try pick(logLevel, "log-level", "LOG_LEVEL", LogLevel.info)
        return (c, level.level)
    }

    static func isDuration(_ seconds: Double) -> Bool { seconds.isFinite && seconds > 0 && seconds <= 86_400 }

    static func getenv(_ name: String) -> String? {
        guard let value = Glibc.getenv(name) else { return nil }
        return String(cString: value)
    }
}

/// `--log-level`: swift-log's levels by name.
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue)! }
}
