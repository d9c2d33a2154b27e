import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `logitd` executable, run as a child process: what an operator or a container runs.
final class LogitdProcess: @unchecked Sendable {
    let process = Process()
    let stdout = Pipe()
    let stderr = Pipe()
    private(set) var port = 0
    /// Signalled when the process exits.
    private let exited = DispatchSemaphore(value: 0)

    /// The binary SwiftPM built next to this test bundle.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("logitd")
    }

    init(_ arguments: [String], environment: [String: String] = [:]) {
        process.executableURL = Self.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for name in ["HOST", "PORT", "LOG_LEVEL"] + Self.limitVariables { env[name] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = stdout
        process.standardError = stderr
        process.terminationHandler = { [exited] _ in exited.signal() }
    }

    static let limitVariables = [
        "LOGITD_MAX_BODY_SIZE", "LOGITD_MAX_HEADER_SIZE", "LOGITD_REQUEST_TIMEOUT", "LOGITD_IDLE_TIMEOUT",
        "LOGITD_MAX_CONNECTIONS", "LOGITD_SHUTDOWN_GRACE",
    ]

    /// Runs to completion; returns the exit status and both outputs.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, out: String, err: String
    ) {
        let p = LogitdProcess(arguments, environment: environment)
        try p.process.run()
        // A command that should have exited but serves instead must not hang the suite.
        let pid = p.process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { [weak p] in
            if p?.process.isRunning == true { kill(pid, SIGKILL) }
        }
        let out = p.stdout.fileHandleForReading.readDataToEndOfFile()
        let err = p.stderr.fileHandleForReading.readDataToEndOfFile()
        p.process.waitUntilExit()
        return (p.process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Starts the server and waits for its first stdout line, `listening on HOST:PORT`.
    func start() throws {
        try process.run()
        var line = Data()
        let handle = stdout.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on "), let portText = text.split(separator: ":").last,
            let port = Int(portText.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw StartFailure(firstLine: text)
        }
        self.port = port
    }

    struct StartFailure: Error { var firstLine: String }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits up to `seconds` for the exit; nil if it is still running (then it is killed).
    func waitForExit(seconds: Double) -> Int32? {
        if process.isRunning && exited.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What the running process writes to stderr from now on, until it contains `text` or `seconds`
    /// pass, without waiting for the process to exit.
    func readErrorOutput(until text: String, seconds: Double) -> String {
        let fd = stderr.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, !String(decoding: bytes, as: UTF8.self).contains(text) {
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 50) > 0 else { continue }
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Everything written to stderr so far (after exit: all of it).
    func errorOutput() -> String {
        String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
