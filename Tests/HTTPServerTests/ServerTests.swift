import Dispatch
import HTTPServer
import HTTPTestSupport
import HTTPTypes
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers `METHOD PATH BODYBYTES`, so a test can see which request a response belongs to.
let echo: Handler = { request in
    Response(
        status: .ok, contentType: "text/plain",
        body: Array("\(request.method) \(request.target) \(request.body.count)".utf8))
}

/// Small timeouts so the timeout tests take milliseconds, not the production seconds.
func fastConfiguration(
    requestTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(5), maxConnections: Int = 1024,
    maxBodySize: Int = 8_388_608, maxHeaderSize: Int = 16_384, shutdownGrace: Duration = .seconds(5)
) -> ServerConfiguration {
    var configuration = ServerConfiguration(
        maxBodySize: maxBodySize, maxHeaderSize: maxHeaderSize, requestTimeout: requestTimeout,
        idleTimeout: idleTimeout, maxConnections: maxConnections, shutdownGrace: shutdownGrace)
    configuration.errorResponse = testErrorResponse
    return configuration
}

/// The application's rendering of the server's own errors in these tests: `STATUS PATH DETAIL`.
let testErrorResponse: @Sendable (TransportError) -> Response = { error in
    Response(
        status: error.status, contentType: "application/x-test-error",
        body: Array("\(error.status.code) \(error.path ?? "-") \(error.detail)".utf8))
}

@Suite(.serialized, .timeLimit(.minutes(2)))
struct ServerTests {
    // MARK: Real clients (libcurl)

    @Test func keepAliveReusesOneConnectionAcrossRequests() async throws {
        try await withTestServer(handler: echo) { port in
            let curl = CurlClient(port: port)
            var connects: [Int] = []
            for i in 0..<5 {
                let result = try curl.get("/n/\(i)")
                #expect(result.status == 200)
                #expect(result.bodyText == "GET /n/\(i) 0")
                #expect(result.header("Content-Length") == "\(result.body.count)")
                #expect(result.header("Date")?.hasSuffix(" GMT") == true)
                #expect(result.header("Connection") == nil)
                connects.append(result.connects)
            }
            #expect(connects == [1, 0, 0, 0, 0])
        }
    }

    @Test func expectContinueUploadIsNotDelayed() async throws {
        try await withTestServer(handler: echo) { port in
            let curl = CurlClient(port: port)
            // curl would wait this long for a 100 Continue that never came, so a finish well inside
            // it (even on a loaded machine) proves the server sent the 100 before the body.
            curl.expectContinueTimeout = .seconds(30)
            let body = [UInt8](repeating: UInt8(ascii: "7"), count: 200 * 1024)
            let result = try curl.post("/upload", body: body, expectContinue: true)
            #expect(result.status == 200)
            #expect(result.bodyText == "POST /upload \(body.count)")
            #expect(result.totalTime < 10)
        }
    }

    /// Without an application's format the server's own errors are plain text, the detail alone.
    @Test func transportErrorsArePlainTextByDefault() async throws {
        try await withTestServer(configuration: ServerConfiguration(maxBodySize: 10), handler: echo) { port in
            let client = try RawClient(port: port)
            client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
            let response = try #require(client.receive().responses.first)
            #expect(response.status == 413)
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.bodyText.contains("10"))
        }
    }

    @Test func expectContinueOverTheLimitGets413WithoutSendingTheBody() async throws {
        try await withTestServer(configuration: fastConfiguration(maxBodySize: 1000), handler: echo) { port in
            let curl = CurlClient(port: port)
            curl.expectContinueTimeout = .seconds(30)
            let result = try curl.post("/upload", body: [UInt8](repeating: 1, count: 100_000), expectContinue: true)
            #expect(result.status == 413)
            #expect(result.header("Content-Type") == "application/x-test-error")
            #expect(result.bodyText.hasPrefix("413 /upload "))
            #expect(result.header("Connection") == "close")
            #expect(result.totalTime < 10)
        }
    }

    @Test(arguments: [1, 7, 4096])
    func chunkedUploadArrivesWhole(pieceSize: Int) async throws {
        try await withTestServer(handler: echo) { port in
            let curl = CurlClient(port: port)
            let body = (0..<50_000).map { UInt8(truncatingIfNeeded: $0) }
            let result = try curl.perform(
                method: "POST", path: "/chunked", upload: .chunked(body, pieceSize: pieceSize))
            #expect(result.status == 200)
            #expect(result.bodyText == "POST /chunked 50000")
            let again = try curl.get("/after")
            #expect(again.connects == 0)
        }
    }

    @Test func headAndOptionsThroughCurl() async throws {
        // What a router answers for a GET-only path; the server drops HEAD's body and frames the 204.
        let thing: Handler = { request in
            switch request.method {
            case .get, .head: Response(status: .ok, contentType: "text/plain", body: Array("hello".utf8))
            case .options: Response(status: .noContent, headers: [.allow: "GET, HEAD, OPTIONS"])
            default: Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD, OPTIONS"])
            }
        }
        try await withTestServer(handler: thing) { port in
            let curl = CurlClient(port: port)
            let head = try curl.head("/thing")
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5")
            #expect(head.body.isEmpty)
            let options = try curl.options("/thing")
            #expect(options.status == 204)
            #expect(options.header("Allow") == "GET, HEAD, OPTIONS")
            #expect(options.header("Content-Length") == nil)
            let wrong = try curl.post("/thing", body: Array("{}".utf8))
            #expect(wrong.status == 405)
            #expect(wrong.header("Allow") == "GET, HEAD, OPTIONS")
            #expect(head.connects + options.connects + wrong.connects == 1)
        }
    }

    @Test func http10ClientThroughCurlGetsItsAnswerAndAClose() async throws {
        try await withTestServer(handler: echo) { port in
            let curl = CurlClient(port: port)
            let result = try curl.post("/old", body: Array("abc".utf8), http10: true)
            #expect(result.status == 200)
            #expect(result.bodyText == "POST /old 3")
            #expect(result.header("Connection") == "close")
        }
    }

    // MARK: Raw sockets: framing and keep-alive

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withTestServer(handler: echo) { port in
            let client = try RawClient(port: port)
            var burst = ""
            for i in 0..<20 {
                burst +=
                    "POST /p/\(i) HTTP/1.1\r\nHost: x\r\nContent-Length: \(i)\r\n\r\n"
                    + String(repeating: "a", count: i)
            }
            client.send(burst)
            let received = client.receiveResponses(20)
            #expect(received.responses.map(\.bodyText) == (0..<20).map { "POST /p/\($0) \($0)" })
            #expect(!received.closed)
        }
    }

    @Test func pipelinedRequestsSentOneByteAtATimeAreAnswered() async throws {
        try await withTestServer(handler: echo) { port in
            let client = try RawClient(port: port)
            let bytes = Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            for byte in bytes { client.send([byte]) }
            let received = client.receiveResponses(2)
            #expect(received.responses.map(\.bodyText) == ["GET /a 0", "GET /b 0"])
        }
    }

    @Test func connectionCloseFromClientClosesAfterTheResponse() async throws {
        try await withTestServer(handler: echo) { port in
            let client = try RawClient(port: port)
            client.send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let received = client.receive()
            #expect(received.closed)
            #expect(received.responses.count == 1)
            #expect(received.responses.first?.header("Connection") == "close")
        }
    }

    @Test func http10ClosesUnlessKeepAliveWasAsked() async throws {
        try await withTestServer(handler: echo) { port in
            let plain = try RawClient(port: port)
            plain.send("GET /a HTTP/1.0\r\n\r\n")
            let closed = plain.receive()
            #expect(closed.closed)
            #expect(closed.responses.first?.header("Connection") == "close")

            let keep = try RawClient(port: port)
            keep.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = keep.receiveResponses(1)
            #expect(first.responses.first?.header("Connection") == "keep-alive")
            #expect(!first.closed)
            keep.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(keep.receiveResponses(1).responses.first?.bodyText == "GET /b 0")
        }
    }

    @Test func headResponseHasLengthButNoBody() async throws {
        try await withTestServer(handler: echo) { port in
            let client = try RawClient(port: port)
            client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n")
            let received = client.receive { RawResponse.parse($0, headOnly: true).count >= 2 }
            let responses = RawResponse.parse(received.bytes, headOnly: true)
            #expect(responses.first?.header("Content-Length") == "9")  // "HEAD /h 0"
            // The second response starts right after the first head: no body bytes were sent.
            #expect(responses.count == 2)
            #expect(received.text.contains("\r\n\r\nHTTP/1.1 200 OK\r\n"))
        }
    }

    /// Requests RFC 9112 says a server must refuse, each with 400 (or 501) and a close.
    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),  // space before the colon
        ("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", 400),  // obs-fold
        ("GET / HTTP/1.1\r\nHost: x\rY: 1\r\n\r\n", 400),  // bare CR
        ("GET / HTTP/1.1\r\nHost: x\u{1}y\r\n\r\n", 400),  // control character
        ("GET / HTTP/1.1\r\n\r\n", 400),  // no Host in 1.1
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("NOT A REQUEST\r\n\r\n", 400),
    ])
    func malformedRequestGetsOneProblemAndAClose(request: String, status: Int) async throws {
        let records = Locked<[ResponseRecord]>([])
        try await withTestServer(
            configuration: fastConfiguration(), onResponse: { record in records.withLock { $0.append(record) } },
            handler: echo
        ) { port in
            let client = try RawClient(port: port)
            client.send(request)
            let received = client.receive()
            #expect(received.closed)
            #expect(received.responses.count == 1)
            let response = try #require(received.responses.first)
            #expect(response.status == status)
            #expect(response.header("Connection") == "close")
            #expect(response.header("Content-Type") == "application/x-test-error")
            #expect(response.bodyText.hasPrefix("\(status) "))
        }
        #expect(records.withLock { $0.map(\.status) } == [status])
    }

    @Test func headerBlockOverTheLimitIs431() async throws {
        try await withTestServer(configuration: fastConfiguration(maxHeaderSize: 1024), handler: echo) { port in
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 4000))\r\n\r\n")
            let received = client.receive()
            #expect(received.responses.first?.status == 431)
            #expect(received.closed)
        }
    }

    @Test func declaredBodyOverTheLimitIs413AtOnce() async throws {
        try await withTestServer(configuration: fastConfiguration(maxBodySize: 100), handler: echo) { port in
            let client = try RawClient(port: port)
            // Only the head is sent: the 413 must not wait for a body that is never coming.
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n")
            let received = client.receive()
            #expect(received.responses.first?.status == 413)
            #expect(received.closed)
        }
    }

    @Test func whenIdleRunsOnceTheLastConnectionCloses() async throws {
        // The connections the server held open each time `whenIdle` ran.
        let openAtCalls = Locked<[Int]>([])
        let running = Locked<Server?>(nil)
        var configuration = fastConfiguration()
        configuration.whenIdle = {
            let open = running.withLock { $0?.openConnections ?? -1 }
            openAtCalls.withLock { $0.append(open) }
        }
        try await withRunningServer(configuration: configuration, handler: echo) { server, port in
            running.withLock { $0 = server }
            defer { running.withLock { $0 = nil } }
            let first = try RawClient(port: port)
            first.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(first.receiveResponses(1).responses.first?.status == 200)
            do {
                let second = try RawClient(port: port)
                second.send("GET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                #expect(second.receive().closed)
            }
            await waitUntil("the server to close the second connection") { server.openConnections == 1 }
            first.send("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(first.receiveResponses(1).responses.first?.status == 200)
            #expect(openAtCalls.withLock { $0 } == [], "a connection is still open")
            first.send("GET /4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(first.receive().closed)
            await waitUntil("whenIdle to run") { !openAtCalls.withLock { $0.isEmpty } }
            // A call made for the second connection's close would have seen the first still open.
            #expect(openAtCalls.withLock { $0 } == [0])
        }
    }

    @Test func largeBodyInPiecesThenASmallRequestOnTheSameConnection() async throws {
        // While a large body arrives the server asks the kernel to wake it only once the rest is there;
        // this checks every piece is still taken, and that the next request is read at once afterwards
        // (a mark left behind would hold it until the idle timeout). The 100 Continue says the server
        // has parsed the head, so the mark is set before the first piece arrives.
        try await withTestServer(configuration: fastConfiguration(idleTimeout: .seconds(30)), handler: echo) {
            port in
            let client = try RawClient(port: port)
            let length = 300_000
            client.send("POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: \(length)\r\n\r\n")
            #expect(client.receiveContinue())
            var sent = 0
            for piece in [1000, 100_000, 150_000, length - 251_000] {
                client.send([UInt8](repeating: UInt8(ascii: "a"), count: piece))
                sent += piece
            }
            #expect(sent == length)
            #expect(client.receiveResponses(1).responses.first?.bodyText == "POST /big \(length)")
            let clock = ContinuousClock()
            let start = clock.now
            client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.receiveResponses(1, timeout: .seconds(10)).responses.first?.bodyText == "GET /next 0")
            #expect(clock.now - start < .seconds(5))
        }
    }

    @Test func clientThatStopsMidwayThroughALargeBodyIsClosedAtOnce() async throws {
        // The end of input is reported however much of the body is missing. After the 100 Continue the
        // server waits for the whole body (the mark is set), so the end arrives while it waits.
        try await withTestServer(configuration: fastConfiguration(requestTimeout: .seconds(30)), handler: echo) {
            port in
            let client = try RawClient(port: port)
            client.send("POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n")
            #expect(client.receiveContinue())
            client.send([UInt8](repeating: UInt8(ascii: "a"), count: 100_000))
            client.finishSending()
            let clock = ContinuousClock()
            let start = clock.now
            #expect(client.receive(timeout: .seconds(20)).closed)
            #expect(clock.now - start < .seconds(10))
        }
    }

    // MARK: Timeouts

    @Test func requestThatDoesNotArriveInTimeIs408() async throws {
        let records = Locked<[ResponseRecord]>([])
        try await withTestServer(
            configuration: fastConfiguration(requestTimeout: .milliseconds(200)),
            onResponse: { record in records.withLock { $0.append(record) } }, handler: echo
        ) { port in
            let client = try RawClient(port: port)
            client.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            let received = client.receive()
            #expect(received.responses.first?.status == 408)
            #expect(received.responses.first?.header("Connection") == "close")
            #expect(received.closed)
        }
        let record = try #require(records.withLock { $0.first })
        #expect(record.status == 408)
        #expect(record.method == "POST")
        #expect(record.path == "/slow")
        #expect(record.duration >= .milliseconds(200))
    }

    /// A head cut off after its request line: the 408's renderer still gets the path, so an application
    /// that answers `/v2/...` in its own error format can do so (the default renderer here writes it).
    @Test func headCutOffAfterTheRequestLineStillGivesThe408ItsPath() async throws {
        try await withTestServer(configuration: fastConfiguration(requestTimeout: .milliseconds(200)), handler: echo) {
            port in
            let client = try RawClient(port: port)
            client.send("POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\n")
            let received = client.receive()
            #expect(received.responses.first?.status == 408)
            #expect(received.responses.first?.bodyText.hasPrefix("408 /v2/models/m/infer ") == true)
            #expect(received.closed)
        }
    }

    @Test func idleKeepAliveConnectionClosesSilently() async throws {
        try await withTestServer(configuration: fastConfiguration(idleTimeout: .milliseconds(200)), handler: echo) {
            port in
            let client = try RawClient(port: port)
            client.send("GET /once HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.receiveResponses(1).responses.count == 1)
            let rest = client.receive()
            #expect(rest.closed)
            #expect(rest.bytes.isEmpty)
        }
    }

    @Test func connectionThatNeverSendsIsClosedAtTheIdleTimeout() async throws {
        try await withTestServer(configuration: fastConfiguration(idleTimeout: .milliseconds(150)), handler: echo) {
            port in
            let client = try RawClient(port: port)
            let received = client.receive()
            #expect(received.closed)
            #expect(received.bytes.isEmpty)
        }
    }

    // MARK: Concurrency and limits

    @Test func slowHandlerDoesNotStallOtherConnections() async throws {
        let release = DispatchSemaphore(value: 0)
        let handler: Handler = { request in
            if request.path == "/slow" { release.wait() }
            return echo(request)
        }
        try await withTestServer(handler: handler) { port in
            let slow = try RawClient(port: port)
            slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            // The slow handler is now blocked until the fast request has been answered.
            let fast = try CurlClient(port: port).get("/fast")
            #expect(fast.bodyText == "GET /fast 0")
            release.signal()
            #expect(slow.receiveResponses(1).responses.first?.bodyText == "GET /slow 0")
        }
    }

    /// Requests the responder answers are answered on the event loop, the ones it offloads on
    /// Dispatch's pool; a pipelined burst that mixes them must still be answered whole and in order.
    @Test func inlineAndOffloadedRequestsAnswerPipelinedInOrder() async throws {
        let responder: Responder = { request in
            request.body.count <= 16 ? Reply(.response(echo(request))) : Reply(.offload { echo(request) })
        }
        try await withTestServer(configuration: fastConfiguration(), responder: responder) { port in
            let client = try RawClient(port: port)
            let big = String(repeating: "x", count: 100)
            var burst = ""
            for (i, body) in ["small", big, "", big, "tiny"].enumerated() {
                burst += "POST /r\(i) HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            }
            burst += "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            client.send(burst)
            let received = client.receiveResponses(6)
            #expect(
                received.responses.map(\.bodyText) == [
                    "POST /r0 5", "POST /r1 100", "POST /r2 0", "POST /r3 100", "POST /r4 4", "GET /last 0",
                ])
            #expect(client.receive(timeout: .seconds(10)).closed)
        }
    }

    /// An offloaded handler's time is not the client's: a request timeout shorter than the
    /// handler does not cut the connection before its answer.
    @Test func offloadedHandlerOutlastingTheRequestTimeoutIsAnswered() async throws {
        let configuration = fastConfiguration(requestTimeout: .milliseconds(100))
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let handler: Handler = { request in
            if request.path == "/work" {
                entered.signal()
                _ = release.wait(timeout: .now() + 60)
            }
            return echo(request)
        }
        try await withTestServer(configuration: configuration, handler: handler) { port in
            let client = try RawClient(port: port)
            client.send("POST /work HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            defer { release.signal() }
            try #require(wait(for: entered, "the handler to start"))
            // A request begun after /work's, with the same timeout, has timed out: so would /work's have,
            // were the handler's time counted against it (then the answer below would be a 408).
            let late = try RawClient(port: port)
            late.send("POST /late HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n")
            #expect(late.receive().responses.first?.status == 408)
            release.signal()
            #expect(client.receiveResponses(1).responses.first?.bodyText == "POST /work 3")
        }
    }

    @Test func connectionOverTheCapGets503() async throws {
        let records = Locked<[Int]>([])
        try await withRunningServer(
            configuration: fastConfiguration(maxConnections: 2),
            onResponse: { record in records.withLock { $0.append(record.status) } }, handler: echo
        ) { server, port in
            let a = try RawClient(port: port)
            let b = try RawClient(port: port)
            a.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            b.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = a.receiveResponses(1)
            _ = b.receiveResponses(1)
            #expect(server.openConnections == 2)
            let c = try RawClient(port: port)
            let refused = c.receive()
            #expect(refused.responses.first?.status == 503)
            #expect(refused.responses.first?.header("Connection") == "close")
            #expect(refused.closed)
        }
        #expect(records.withLock { $0.sorted() } == [200, 200, 503])
    }

    @Test func servesOverIPv6() async throws {
        var configuration = ServerConfiguration()
        configuration.host = "::1"
        try await withTestServer(configuration: configuration, handler: echo) { port in
            let client = try RawClient(port: port, ipv6: true)
            client.send("GET /v6 HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.receiveResponses(1).responses.first?.bodyText == "GET /v6 0")
            let curl = CurlClient(port: port, host: "::1")
            #expect(try curl.get("/v6curl").status == 200)
        }
    }

    @Test func bindingATakenPortThrowsWithErrno() async throws {
        try await withTestServer(handler: echo) { port in
            var configuration = ServerConfiguration()
            configuration.port = port
            let second = Server(configuration: configuration, logger: silentLogger, responder: offloading(echo))
            #expect(throws: ServerError.socket(call: "bind", host: "127.0.0.1", port: port, errno: EADDRINUSE)) {
                try second.start()
            }
        }
    }

    @Test func startingTwiceThrows() async throws {
        try await withRunningServer(handler: echo) { server, _ in
            #expect(throws: ServerError.alreadyStarted) { try server.start() }
        }
    }

    @Test func localhostIsReachableOverIPv4() async throws {
        var configuration = ServerConfiguration()
        configuration.host = "localhost"
        configuration.port = 0
        let server = Server(configuration: configuration, logger: silentLogger, responder: offloading(echo))
        let (host, port) = try server.start()
        #expect(host == "localhost")
        #expect(port > 0)
        let client = try RawClient(port: port)
        client.send("GET /local HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.receiveResponses(1).responses.first?.bodyText == "GET /local 0")
        #expect(await server.shutdown())
    }

    @Test func unresolvableHostThrowsResolve() {
        var configuration = ServerConfiguration()
        configuration.host = "no such host.invalid"
        let server = Server(configuration: configuration, logger: silentLogger, responder: offloading(echo))
        #expect {
            try server.start()
        } throws: { error in
            if case .resolve(let host, _) = error as? ServerError { return host == "no such host.invalid" }
            return false
        }
    }

    // MARK: Graceful shutdown

    @Test func shutdownOfAnIdleServerRefusesConnectsAtOnce() async throws {
        let server = Server(configuration: fastConfiguration(), logger: silentLogger, responder: offloading(echo))
        let (_, port) = try server.start()
        #expect(await server.shutdown())
        #expect(throws: RawClient.ConnectError.self) { try RawClient(port: port) }
    }

    @Test func shutdownBeforeStartIsHarmless() async throws {
        let server = Server(configuration: fastConfiguration(), logger: silentLogger, responder: offloading(echo))
        #expect(await server.shutdown())
        #expect(throws: ServerError.alreadyStarted) { try server.start() }
    }

    @Test func shutdownWithARequestStillArrivingAnswersItWithClose() async throws {
        let server = Server(configuration: fastConfiguration(), logger: silentLogger, responder: offloading(echo))
        let (_, port) = try server.start()
        let client = try RawClient(port: port)
        client.send("POST /late HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(client.receiveContinue())  // the server has the request's head
        client.send("ab")
        async let finished = server.shutdown()
        // Shutdown has begun once the listener refuses connects; only then does the rest arrive.
        await waitUntil("the listener to refuse connects") { (try? RawClient(port: port)) == nil }
        client.send("cd")
        let received = client.receive()
        #expect(received.responses.first?.bodyText == "POST /late 4")
        #expect(received.responses.first?.header("Connection") == "close")
        #expect(received.closed)
        #expect(await finished)
    }

    @Test func shutdownAnswersRequestsInFlightWithCloseAndClosesIdleConnections() async throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let handler: Handler = { request in
            if request.path == "/slow" {
                entered.signal()
                release.wait()
            }
            return echo(request)
        }
        // A long idle timeout, so that only the shutdown can close the idle connection.
        let server = Server(
            configuration: fastConfiguration(idleTimeout: .seconds(60)), logger: silentLogger,
            responder: offloading(handler))
        let (_, port) = try server.start()
        let idle = try RawClient(port: port)
        idle.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = idle.receiveResponses(1)
        let busy = try RawClient(port: port)
        // Two pipelined requests: the second is already buffered when shutdown begins.
        busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        defer { release.signal() }
        try #require(wait(for: entered, "the slow handler to start"))

        async let finished = server.shutdown()
        // Shutdown has begun once the listener refuses connects (the child task may start late).
        await waitUntil("the listener to refuse connects") { (try? RawClient(port: port)) == nil }
        let idleEnd = idle.receive()
        #expect(idleEnd.closed)
        #expect(idleEnd.bytes.isEmpty)
        release.signal()
        let answered = busy.receive()
        #expect(answered.closed)
        #expect(answered.responses.map(\.bodyText) == ["GET /slow 0", "GET /next 0"])
        #expect(answered.responses.map { $0.header("Connection") } == [nil, "close"])
        #expect(await finished)
        #expect(server.openConnections == 0)
        #expect(throws: RawClient.ConnectError.self) { try RawClient(port: port) }
        #expect(await server.shutdown())  // a second call is harmless
    }

    @Test func shutdownGivesUpAfterTheGracePeriod() async throws {
        let server = Server(configuration: fastConfiguration(), logger: silentLogger, responder: offloading(echo))
        let (_, port) = try server.start()
        let stuck = try RawClient(port: port)
        // Never completes; the 100 Continue says the server is reading it, so it is not idle.
        stuck.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n")
        #expect(stuck.receiveContinue())
        #expect(await server.shutdown(grace: .milliseconds(200)) == false)
        #expect(stuck.receive().closed)
    }
}
