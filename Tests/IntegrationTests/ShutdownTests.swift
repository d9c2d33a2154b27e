import Foundation
import HTTPTestSupport
import TestSupport
import Testing

/// SIGTERM as an orchestrator sends it, against the real executable (API.md "Running it").
@Suite struct ShutdownTests {
    @Test func sigtermDuringALargeRequestAnswersItThenExits0() throws {
        // A grace long enough for a slow (sanitizer, debug) build to finish the 2.5 MB request.
        let server = LogitdProcess(["--port", "0", "--shutdown-grace", "60", "--log-level", "error"])
        try server.start()
        var rng = SplitMix64(seed: 3)
        let body = Array(jsonArray((0..<131_072).map { _ in Double.random(in: -5...5, using: &rng) }).utf8)
        let raw = try RawClient(port: server.port)
        let head =
            "POST /softmax HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
            + "Content-Length: \(body.count)\r\n\r\n"
        // The head (the server answers 100 once it has it), half the body, then the signal, then the
        // rest: the request was already being received.
        #expect(raw.send(Array(head.utf8)))
        #expect(raw.receiveContinue())
        #expect(raw.send(Array(body[..<(body.count / 2)])))
        server.signal(SIGTERM)
        // Shutdown has begun once the listener is closed: a new connection is refused.
        waitUntil("the listener to refuse connects after SIGTERM") { (try? RawClient(port: server.port)) == nil }
        #expect(raw.send(Array(body[(body.count / 2)...])))
        let received = raw.receive(timeout: .seconds(60))
        let response = received.responses.first
        #expect(response?.status == 200)
        #expect(response?.header("Connection") == "close")
        #expect((response?.body.count ?? 0) > 1_000_000)
        #expect(received.closed)
        let status = server.waitForExit(seconds: 60)
        #expect(status == 0, "stderr: \(server.errorOutput().suffix(6000))")
    }

    @Test func idleKeepAliveConnectionsDoNotHoldUpTheExit() throws {
        let server = LogitdProcess(["--port", "0", "--shutdown-grace", "30", "--log-level", "error"])
        try server.start()
        let idle = try RawClient(port: server.port)
        _ = idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.receiveResponses(1).responses.first?.status == 200)
        let start = Date()
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)
        #expect(Date().timeIntervalSince(start) < 5, "an idle connection is closed at once, not after the grace")
        #expect(idle.receive(timeout: .seconds(5)).closed)
    }

    /// Lines logged on an event loop are written when its batch ends: promptly, not held until
    /// more traffic comes or the process exits.
    @Test func accessLogLinesAreWrittenWhileTheServerRuns() throws {
        let server = LogitdProcess(["--port", "0"])
        try server.start()
        let curl = CurlClient(port: server.port)
        _ = try curl.postJSON("/sigmoid", "[0]")
        let log = server.readErrorOutput(until: "POST /sigmoid 200 ", seconds: 5)
        #expect(log.contains("POST /sigmoid 200 "), "\(log)")
        #expect(log.hasSuffix("\n"), "whole lines: \(log)")
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)
    }

    @Test func accessLogHasALinePerRequest() throws {
        let server = LogitdProcess(["--port", "0"])
        try server.start()
        let curl = CurlClient(port: server.port)
        _ = try curl.postJSON("/softmax", "[1, 2, 3]")
        _ = try curl.postJSON("/softmax", "[]")
        _ = try curl.get("/nope")
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)
        let log = server.errorOutput()
        #expect(log.contains("POST /softmax 200 "), "\(log)")
        #expect(log.contains("POST /softmax 422 "))
        #expect(log.contains("GET /nope 404 "))
        let line = log.split(separator: "\n").first { $0.contains("POST /softmax 200") } ?? ""
        #expect(line.hasSuffix("ms"), "duration last: \(line)")
        #expect(line.contains("B "), "body bytes: \(line)")
    }
}
