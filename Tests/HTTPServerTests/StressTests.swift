import Dispatch
import Foundation
import HTTPServer
import HTTPTestSupport
import HTTPTypes
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Load and abuse through real sockets, each bounded in count and time.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StressTests {
    @Test func fiveHundredConcurrentConnectionsAreAllServed() async throws {
        let count = 500
        try await withRunningServer(configuration: fastConfiguration(requestTimeout: .seconds(30)), handler: echo) {
            server, port in
            // All 500 are open at the same time before any request is sent.
            let clients = try (0..<count).map { _ in try RawClient(port: port) }
            try #require(await waitUntil("\(count) open connections") { server.openConnections == count })
            let bodies = Locked([String?](repeating: nil, count: count))
            // 20 threads, each sending on its 25 connections and then reading their answers.
            runOnThreads(20) { worker in
                let mine = Array(stride(from: worker, to: count, by: 20))
                for i in mine {
                    clients[i].send("POST /c/\(i) HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                    clients[i].send("GET /again/\(i) HTTP/1.1\r\nHost: x\r\n\r\n")
                }
                for i in mine {
                    let responses = clients[i].receiveResponses(2, timeout: .seconds(60)).responses
                    let text = responses.map(\.bodyText).joined(separator: "|")
                    bodies.withLock { $0[i] = text }
                }
            }
            let expected = (0..<count).map { "POST /c/\($0) 5|GET /again/\($0) 0" }
            let got = bodies.withLock { $0 }
            #expect(got.compactMap { $0 } == expected)
            #expect(server.openConnections == count)
        }
    }

    @Test func slowLorisConnectionsDoNotHoldUpANormalClient() async throws {
        let lorisCount = 40
        try await withRunningServer(configuration: fastConfiguration(requestTimeout: .seconds(3)), handler: echo) {
            server, port in
            let loris = try (0..<lorisCount).map { _ in try RawClient(port: port) }
            let request = Array("POST /loris HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n".utf8)
            let stop = Atomic<Bool>(false)
            let trickling = DispatchSemaphore(value: 0)
            // One byte per connection every 10 ms: a request that never completes in time. (Its own
            // thread, not Dispatch's pool, which the server's connections use.)
            let trickler = Thread {
                var index = 0
                while !stop.load(ordering: .relaxed) {
                    for client in loris { client.send([request[index % request.count]]) }
                    index += 1
                    usleep(10_000)
                }
                trickling.signal()
            }
            trickler.start()
            try #require(await waitUntil("\(lorisCount) open connections") { server.openConnections == lorisCount })

            let curl = CurlClient(port: port)
            for i in 0..<50 {
                let result = try curl.post("/normal/\(i)", body: Array("{}".utf8))
                #expect(result.status == 200)
                #expect(result.bodyText == "POST /normal/\(i) 2")
                // Every loris is still holding its connection while the normal client is served.
                #expect(server.openConnections == lorisCount + 1)
            }
            stop.store(true, ordering: .relaxed)
            trickling.wait()
            // And each loris ends with a 408, not an open socket.
            for client in loris {
                let end = client.receive(timeout: .seconds(20))
                #expect(end.responses.first?.status == 408)
                #expect(end.closed)
            }
        }
    }

    /// A client that pipelines and never reads: once the server's writes would block it stops
    /// reading, so what the client can push is bounded by the kernel's socket buffers (a few MB on
    /// loopback), not by the server's memory.
    @Test func clientThatPipelinesWithoutReadingIsHeldBack() async throws {
        let big: Handler = { _ in Response(status: .ok, body: [UInt8](repeating: UInt8(ascii: "x"), count: 16 * 1024)) }
        try await withTestServer(handler: big) { port in
            let client = try RawClient(port: port)
            let request = "GET /flood HTTP/1.1\r\nHost: x\r\n\r\n"
            let flood = Array(String(repeating: request, count: 2_000_000).utf8)  // 64 MB
            let sent = client.sendUntilBlocked(flood, patience: .milliseconds(500))
            // A server that read on regardless would have taken all 64 MB in well under the patience.
            #expect(sent > 0)
            #expect(sent < 32 << 20)
            // What it took is being answered, in order.
            let first = client.receiveResponses(100, timeout: .seconds(30)).responses.prefix(100)
            #expect(first.count == 100)
            #expect(first.allSatisfy { $0.status == 200 && $0.body.count == 16 * 1024 })
        }
    }

    @Test func largeAnswersToPipelinedRequestsSurviveAFullSocket() async throws {
        let handler: Handler = { request in
            let n = Int(request.path.dropFirst()) ?? 0
            return Response(status: .ok, body: [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: 64 * 1024))
        }
        // A request timeout far shorter than the transfer: requests waiting behind the blocked
        // output are not late (no 408), and a peer that keeps reading is not cut off.
        try await withTestServer(configuration: fastConfiguration(requestTimeout: .seconds(1)), handler: handler) {
            port in
            let client = try RawClient(port: port)
            var burst = ""
            for i in 0..<200 { burst += "GET /\(i) HTTP/1.1\r\nHost: x\r\n\r\n" }
            client.send(burst)  // 12.8 MB of answers: the server's writes block long before the end
            let responses = client.receiveResponses(200, timeout: .seconds(60)).responses
            #expect(responses.count == 200)
            for (i, response) in responses.enumerated() {
                #expect(response.body.count == 64 * 1024 && response.body.allSatisfy { $0 == UInt8(i) })
            }
        }
    }

    @Test func survivesAThousandSeededGarbageRequestsAndStillAnswers() async throws {
        let count = 1000
        let allowed: Set<Int> = [100, 200, 400, 408, 413, 431, 501, 505]
        let statuses = Locked([Int: Int]())
        let unexpected = Locked([String]())
        try await withRunningServer(
            configuration: fastConfiguration(
                requestTimeout: .milliseconds(500), maxBodySize: 4096, maxHeaderSize: 2048),
            handler: echo
        ) { server, port in
            runOnThreads(8) { worker in
                for i in stride(from: worker, to: count, by: 8) {
                    var random = SplitMix64(state: UInt64(i))  // (ParserTestSupport.swift)
                    let bytes = Garbage.request(using: &random)
                    guard let client = try? RawClient(port: port) else {
                        unexpected.withLock { $0.append("#\(i): connect failed") }
                        continue
                    }
                    client.send(bytes)
                    client.finishSending()
                    let received = client.receive(timeout: .seconds(20))
                    if !received.closed {
                        unexpected.withLock { $0.append("#\(i): connection left open") }
                    }
                    for response in received.responses {
                        statuses.withLock { $0[response.status, default: 0] += 1 }
                        if !allowed.contains(response.status) {
                            unexpected.withLock { $0.append("#\(i): status \(response.status)") }
                        }
                    }
                }
            }
            let curl = CurlClient(port: port)
            let after = try curl.get("/still-alive")
            #expect(after.status == 200)
            #expect(after.bodyText == "GET /still-alive 0")
        }
        #expect(unexpected.withLock { $0 } == [])
        // The mix must really exercise both paths: some requests are answered, some refused.
        let seen = statuses.withLock { $0 }
        #expect(seen[200, default: 0] > 0)
        #expect(seen[400, default: 0] > 0)
    }
}

/// Seeded garbage: every case can be replayed from its index.
enum Garbage {
    static let templates = [
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET /d HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET /f HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n",
    ].map { Array($0.utf8) }

    /// Pure noise, or a valid request mutated: bytes flipped, inserted, deleted, truncated or repeated.
    static func request(using random: inout SplitMix64) -> [UInt8] {
        if Int.random(in: 0..<5, using: &random) == 0 {
            return (0..<Int.random(in: 1..<600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        var bytes = templates[Int.random(in: 0..<templates.count, using: &random)]
        for _ in 0..<Int.random(in: 0..<4, using: &random) {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 2: bytes.remove(at: position)
            case 3: bytes.removeSubrange(position...)
            default:
                bytes.insert(
                    contentsOf: repeatElement(bytes[position], count: Int.random(in: 1..<3000, using: &random)),
                    at: position)
            }
            if bytes.isEmpty { bytes = [0] }
        }
        return bytes
    }
}
