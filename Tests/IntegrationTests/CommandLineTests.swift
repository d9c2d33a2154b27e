import Foundation
import LogitVersion
import Testing

/// The options of API.md "Running it", through the real executable.
@Suite struct CommandLineTests {
    static let options: [(flag: String, variable: String)] = [
        ("--host", "HOST"), ("--port", "PORT"), ("--max-body-size", "LOGITD_MAX_BODY_SIZE"),
        ("--max-header-size", "LOGITD_MAX_HEADER_SIZE"), ("--request-timeout", "LOGITD_REQUEST_TIMEOUT"),
        ("--idle-timeout", "LOGITD_IDLE_TIMEOUT"), ("--max-connections", "LOGITD_MAX_CONNECTIONS"),
        ("--shutdown-grace", "LOGITD_SHUTDOWN_GRACE"), ("--log-level", "LOG_LEVEL"),
    ]

    @Test func helpListsEveryOptionWithItsVariable() throws {
        let r = try LogitdProcess.run(["--help"])
        #expect(r.status == 0)
        // Help wraps its lines: compare with runs of white space folded to one space.
        let help = r.out.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        for (flag, variable) in Self.options {
            #expect(help.contains(flag), "\(flag) missing from --help")
            #expect(help.contains("env: \(variable)"), "\(variable) missing from --help")
        }
        #expect(r.out.contains("healthcheck"))
    }

    @Test func versionPrintsTheVersionAndExits0() throws {
        let r = try LogitdProcess.run(["--version"])
        #expect(r.status == 0)
        #expect(r.out == "\(logitdVersion)\n")
    }

    @Test(arguments: [
        ["--bogus"], ["--port", "abc"], ["--port", "70000"], ["--max-connections", "0"],
        ["--request-timeout", "-1"], ["--log-level", "loud"], ["extra-argument"],
    ])
    func badCommandLineExits2(_ arguments: [String]) throws {
        let r = try LogitdProcess.run(arguments)
        #expect(r.status == 2)
        #expect(r.err.contains("Error"), "stderr: \(r.err)")
    }

    @Test(arguments: [
        ("PORT", "abc"), ("PORT", "-1"), ("LOGITD_MAX_BODY_SIZE", "lots"), ("LOGITD_IDLE_TIMEOUT", "0"),
        ("LOG_LEVEL", "chatty"), ("LOGITD_SHUTDOWN_GRACE", "nan"),
    ])
    func badEnvironmentValueExits2NamingTheVariable(_ variable: String, _ value: String) throws {
        let r = try LogitdProcess.run(
            ["--port", "0"].filter { _ in variable != "PORT" }, environment: [variable: value])
        #expect(r.status == 2)
        #expect(r.err.contains(variable), "stderr: \(r.err)")
    }

    @Test func portZeroPrintsTheRealPortFirst() throws {
        let server = LogitdProcess(["--port", "0", "--log-level", "error"])
        try server.start()
        #expect(server.port > 0)
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)
    }

    @Test func flagWinsOverEnvironment() throws {
        let server = LogitdProcess(["--port", "0"], environment: ["PORT": "1"])
        try server.start()
        #expect(server.port != 1)
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)
    }

    @Test func environmentIsUsedWhenTheFlagIsAbsent() throws {
        let server = LogitdProcess([], environment: ["PORT": "0", "HOST": "::1"])
        try server.start()
        #expect(server.port > 0)
        server.signal(SIGINT)
        #expect(server.waitForExit(seconds: 10) == 0)
    }

    @Test func sigtermRightAfterStartExitsCleanly() throws {
        // The signal sources are registered before the server listens, so this is never lost.
        for _ in 0..<5 {
            let server = LogitdProcess(["--port", "0", "--log-level", "error"])
            try server.start()
            server.signal(SIGTERM)
            #expect(server.waitForExit(seconds: 10) == 0)
        }
    }

    @Test func healthcheckSubcommandProbesTheServer() throws {
        let server = LogitdProcess(["--port", "0", "--log-level", "error"])
        try server.start()
        let ok = try LogitdProcess.run(["healthcheck", "--port", String(server.port)])
        #expect(ok.status == 0, "port \(server.port) running \(server.process.isRunning): \(ok.out) \(ok.err)")
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)
        let down = try LogitdProcess.run(["healthcheck", "--port", String(server.port)])
        #expect(down.status == 1)
    }
}
