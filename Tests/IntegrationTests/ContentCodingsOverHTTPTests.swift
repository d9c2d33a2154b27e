import Foundation
import HTTPServer
import HTTPTestSupport
import LogitMath
import TestSupport
import Testing

/// API.md "Compression" over the wire: coded request bodies on every route, gzip answers by
/// `Accept-Encoding`, through libcurl (which sends and decodes them as real clients do) and raw
/// sockets (for the exact bytes).
@Suite struct ContentCodingsOverHTTPTests {
    static let seed = Array(#"{"logits":[2.0,1.0,0.1,-1.0,3.5]}"#.utf8)
    /// 300 logits: an answer of about 6 KiB, above the 1 KiB threshold.
    static let large: [UInt8] = {
        var rng = SplitMix64(seed: 16)
        return Array(#"{"logits": \#(jsonArray((0..<300).map { _ in Double.random(in: -5...5, using: &rng) }))}"#.utf8)
    }()

    static func post(
        _ curl: CurlClient, _ body: [UInt8], to path: String = "/softmax", encoding: String? = nil
    ) throws -> CurlClient.Result {
        var headers = ["Content-Type: application/json"]
        if let encoding { headers.append("Content-Encoding: \(encoding)") }
        return try curl.post(path, body: body, headers: headers)
    }

    @Test(
        "gzip and deflate bodies, in any case, give the answer of the plain body",
        arguments: [
            ("gzip", Zlib.gzip(Self.seed)), ("GZIP", Zlib.gzip(Self.seed)), ("x-gzip", Zlib.gzip(Self.seed)),
            ("deflate", Zlib.compress(Self.seed)), ("Deflate", Zlib.compress(Self.seed)),
            ("identity", Self.seed), ("gzip", Zlib.gzip(Self.seed) + Zlib.gzip([])),
        ])
    func codedBodies(encoding: String, body: [UInt8]) async throws {
        try await withService { _, port in
            let curl = CurlClient(port: port)
            let plain = try Self.post(curl, Self.seed)
            let coded = try Self.post(curl, body, encoding: encoding)
            #expect(coded.status == 200)
            #expect(coded.body == plain.body)
        }
    }

    @Test("every route decodes: /sigmoid, /linear, /classify, and a chunked upload")
    func everyRoute() async throws {
        try await withService { _, port in
            let curl = CurlClient(port: port)
            for path in ["/sigmoid", "/softmax", "/classify"] {
                let plain = try Self.post(curl, Self.seed, to: path)
                #expect(
                    try Self.post(curl, Zlib.gzip(Self.seed), to: path, encoding: "gzip").body == plain.body, "\(path)")
            }
            let linear = Array(#"{"weights": [[1, 2]], "bias": [1], "input": [3, 4]}"#.utf8)
            let plainLinear = try Self.post(curl, linear, to: "/linear")
            #expect(plainLinear.status == 200)
            #expect(
                try Self.post(curl, Zlib.compress(linear), to: "/linear", encoding: "deflate").body == plainLinear.body)
            let chunked = try curl.perform(
                method: "POST", path: "/softmax", headers: ["Content-Encoding: gzip"],
                upload: .chunked(Zlib.gzip(Self.large), pieceSize: 7))
            #expect(chunked.status == 200)
            #expect(chunked.body == (try Self.post(curl, Self.large)).body)
        }
    }

    /// 512 MiB of zeros in about 520 KB, under a 1 MiB body limit: decoding stops at 1 MiB.
    @Test("a gzip or deflate bomb within the body limit is a 413", arguments: [("gzip", true), ("deflate", false)])
    func bomb(encoding: String, gzip: Bool) async throws {
        let bomb = gzip ? Bomb.gzipZeros(mebibytes: 512) : Bomb.deflateZeros(mebibytes: 512)
        #expect(bomb.count < 1 << 20)
        try await withService({ $0.maxBodySize = 1 << 20 }) { _, port in
            let curl = CurlClient(port: port)
            let answer = try Self.post(curl, bomb, encoding: encoding)
            #expect(answer.status == 413)
            #expect(answer.header("Content-Type") == "application/problem+json")
            #expect(answer.bodyText.contains("the decoded body is larger than the limit of 1048576 bytes"))
            // The connection is still good.
            #expect(try Self.post(curl, Self.seed).status == 200)
            #expect(answer.connects == 1)
        }
    }

    /// A body that decodes to exactly the limit is accepted, one byte more is not: the limit
    /// applies to the decoded size as it does to the sent one.
    @Test("the body limit applies to the decoded size, to the byte")
    func limitToTheByte() async throws {
        try await withService({ $0.maxBodySize = Self.large.count }) { _, port in
            let curl = CurlClient(port: port)
            let exact = try Self.post(curl, Zlib.gzip(Self.large), encoding: "gzip")
            #expect(exact.status == 200)
            let longer = try Self.post(curl, Zlib.gzip(Self.large + [UInt8(ascii: " ")]), encoding: "gzip")
            #expect(longer.status == 413)
        }
    }

    @Test(
        "data that is not gzip or zlib is a 400 naming the problem",
        arguments: [
            ("gzip", Self.seed, "not valid gzip data: incorrect header check"),
            ("deflate", Self.seed, "not valid deflate data: incorrect header check"),
            ("gzip", Array(Zlib.gzip(Self.seed).dropLast(3)), "the gzip body is cut short"),
            ("gzip", Zlib.gzip(Self.seed) + [0x0a], "1 bytes follow the end of the gzip data"),
            ("deflate", Self.corruptLastByte(Zlib.compress(Self.seed)), "incorrect data check"),
        ])
    func garbage(encoding: String, body: [UInt8], detail: String) async throws {
        try await withService { _, port in
            let answer = try Self.post(CurlClient(port: port), body, encoding: encoding)
            #expect(answer.status == 400)
            #expect(answer.header("Content-Type") == "application/problem+json")
            #expect(answer.bodyText.contains(detail), "\(answer.bodyText)")
        }
    }

    @Test(
        "another coding, or two, is a 415 with Accept-Encoding: gzip, deflate",
        arguments: ["br", "zstd", "compress", "gzip, gzip", "deflate, br"])
    func unsupported(encoding: String) async throws {
        try await withService { _, port in
            let answer = try Self.post(CurlClient(port: port), Self.seed, encoding: encoding)
            #expect(answer.status == 415)
            #expect(answer.header("Accept-Encoding") == "gzip, deflate")
            #expect(answer.bodyText.contains("Content-Encoding \(encoding) is not supported"))
        }
    }

    @Test("a large answer is gzip-compressed when curl asks, with Vary, and decodes to the plain answer")
    func compressedAnswer() async throws {
        try await withService { _, port in
            let plainClient = CurlClient(port: port)
            let plain = try Self.post(plainClient, Self.large)
            #expect(plain.body.count > 1024)
            #expect(plain.header("Content-Encoding") == nil)
            #expect(Self.variesByEncoding(plain.header("Vary")))

            let curl = CurlClient(port: port)
            curl.acceptEncoding = "gzip"
            let decoded = try Self.post(curl, Self.large)
            #expect(decoded.header("Content-Encoding") == "gzip")
            #expect(Self.variesByEncoding(decoded.header("Vary")))
            #expect(decoded.body == plain.body)

            curl.decodesContent = false
            let raw = try Self.post(curl, Self.large)
            #expect(raw.body.count < plain.body.count / 2)
            #expect(Int(raw.header("Content-Length") ?? "") == raw.body.count)
            #expect(Zlib.gunzip(raw.body, size: plain.body.count) == plain.body)
        }
    }

    @Test(
        "Accept-Encoding is read by RFC 9110's rules",
        arguments: [
            ("gzip", true), ("GZip", true), ("*", true), ("deflate, gzip;q=0.5", true), ("*;q=0, gzip", true),
            ("gzip;q=0", false), ("*;q=0", false), ("deflate", false), ("br", false), ("identity", false),
            ("gzip;q=0, *", false), ("gzip;q=0.5, identity", false),
        ])
    func acceptEncoding(field: String, compressed: Bool) async throws {
        try await withService { _, port in
            let answer = try CurlClient(port: port).post(
                "/softmax", body: Self.large, headers: ["Content-Type: application/json", "Accept-Encoding: \(field)"])
            #expect(answer.status == 200)
            #expect(answer.header("Content-Encoding") == (compressed ? "gzip" : nil))
            #expect(Self.variesByEncoding(answer.header("Vary")))
        }
    }

    @Test("answers under 1 KiB are never compressed and do not vary")
    func smallAnswers() async throws {
        try await withService { _, port in
            let curl = CurlClient(port: port)
            curl.acceptEncoding = "gzip"
            for answer in [try Self.post(curl, Self.seed), try curl.get("/healthz")] {
                #expect(answer.status == 200)
                #expect(answer.header("Content-Encoding") == nil)
                #expect(!Self.variesByEncoding(answer.header("Vary")))
            }
        }
    }

    /// Over a raw socket: HEAD says what GET would (the compressed length), and two pipelined
    /// requests, one gzip-coded and one not, are answered in order.
    @Test("HEAD announces the compressed length; coded and plain requests pipeline")
    func rawSocket() async throws {
        try await withService { _, port in
            let client = try RawClient(port: port)
            #expect(client.send("GET /openapi.yaml HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"))
            let get = try #require(client.receiveResponses(1).responses.first)
            #expect(get.header("Content-Encoding") == "gzip")
            #expect(Self.variesByEncoding(get.header("Vary")))
            #expect(client.send("HEAD /openapi.yaml HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"))
            let headBytes = client.receive { Self.contains($0, "\r\n\r\n") }.bytes
            let head = try #require(RawResponse.parse(headBytes, headOnly: true).first)
            #expect(head.header("Content-Encoding") == "gzip")
            #expect(head.header("Content-Length") == String(get.body.count))
            #expect(head.body.isEmpty)

            let gzip = Zlib.gzip(Self.seed)
            var pipelined = Array("POST /softmax HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n".utf8)
            pipelined += Array("Content-Length: \(gzip.count)\r\n\r\n".utf8) + gzip
            pipelined += Array("POST /softmax HTTP/1.1\r\nHost: x\r\nContent-Length: \(Self.seed.count)\r\n\r\n".utf8)
            pipelined += Self.seed
            #expect(client.send(pipelined))
            let answers = client.receiveResponses(2).responses
            #expect(answers.map(\.status) == [200, 200])
            #expect(answers.count == 2 && answers[0].body == answers[1].body)
        }
    }

    @Test("metrics and the access log count coded requests under their route")
    func metrics() async throws {
        try await withService({ $0.maxBodySize = 1 << 20 }) { _, port in
            let curl = CurlClient(port: port)
            #expect(try Self.post(curl, Zlib.gzip(Self.seed), encoding: "gzip").status == 200)
            #expect(try Self.post(curl, Self.seed, encoding: "br").status == 415)
            #expect(try Self.post(curl, Bomb.gzipZeros(mebibytes: 64), encoding: "gzip").status == 413)
            let exposition = try curl.get("/metrics").bodyText
            for status in ["200", "413", "415"] {
                let line = exposition.split(separator: "\n").first {
                    $0.contains("route=\"/softmax\"") && $0.contains("status=\"\(status)\"")
                        && $0.hasPrefix("http_requests_total")
                }
                #expect(line?.hasSuffix(" 1") == true, "status \(status): \(line ?? "none")")
            }
        }
    }

    /// The logitd executable with its default 8 MiB limit, and 4 GiB of zeros in a 4.3 MB gzip
    /// body: the process's peak resident memory (VmHWM) grows by about the body and the 8 MiB
    /// limit, where an unbounded decoder would need 4 GiB.
    @Test("a 4 GiB bomb raises logitd's peak memory by tens of MiB at most")
    func bombPeakMemory() throws {
        let server = LogitdProcess(["--port", "0", "--log-level", "error"])
        try server.start()
        defer {
            server.signal(SIGTERM)
            _ = server.waitForExit(seconds: 10)
        }
        let pid = server.process.processIdentifier
        let bomb = Bomb.gzipZeros(mebibytes: 4096)
        #expect(bomb.count < 8 << 20)
        let curl = CurlClient(port: server.port)
        #expect(try Self.post(curl, Self.seed).status == 200)
        let before = try #require(Self.peakKiB(pid))
        let answer = try Self.post(curl, bomb, encoding: "gzip")
        #expect(answer.status == 413)
        let after = try #require(Self.peakKiB(pid))
        #expect(after - before < 40 * 1024, "VmHWM \(before) KiB → \(after) KiB")
    }

    /// VmHWM from /proc/PID/status: the process's peak resident set, in KiB.
    static func peakKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        return line.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }
    }

    /// Whether a `Vary` value lists Accept-Encoding (the compute routes also vary by `Accept`).
    static func variesByEncoding(_ vary: String?) -> Bool {
        (vary ?? "").split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "Accept-Encoding" }
    }

    static func corruptLastByte(_ body: [UInt8]) -> [UInt8] {
        var body = body
        body[body.count - 1] ^= 0xff
        return body
    }

    static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
