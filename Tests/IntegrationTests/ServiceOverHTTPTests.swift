import Foundation
import HTTPServer
import HTTPTestSupport
import LogitMath
import TestSupport
import Testing

/// Every endpoint and every error row of API.md, through libcurl against the real server.
@Suite struct ServiceOverHTTPTests {
    static let seed = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]

    @Test func everyEndpointAnswersOverOneKeptAliveConnection() async throws {
        try await withService { _, port in
            let curl = CurlClient(port: port)
            let seed = jsonArray(Self.seed)
            let sigmoid = try curl.postJSON("/sigmoid", #"{"logits": \#(seed), "derivative": true}"#)
            #expect(sigmoid.status == 200)
            #expect(sigmoid.header("Content-Type") == "application/json")
            #expect(doubles(sigmoid.json["probabilities"]) == LogitMath.sigmoid(Self.seed))
            #expect(doubles(sigmoid.json["derivatives"]) == LogitMath.sigmoidDerivative(Self.seed))
            let softmax = try curl.postJSON("/softmax", seed)
            #expect(doubles(softmax.json["probabilities"]) == (try LogitMath.softmax(Self.seed)))
            let linear = try curl.postJSON("/linear", #"{"weights": [[1, 2]], "bias": [1], "input": [3, 4]}"#)
            #expect(doubles(linear.json["logits"]) == [12])
            let classify = try curl.postJSON("/classify", #"{"logits": \#(seed), "labels": ["a","b","c","d","e"]}"#)
            #expect(classify.json["label"] as? String == "d")
            #expect(try curl.get("/healthz").bodyText == #"{"status":"ok"}"#)
            #expect(try curl.get("/readyz").bodyText == #"{"status":"ready"}"#)
            #expect(try curl.get("/metrics").status == 200)
            #expect(try curl.get("/openapi.yaml").status == 200)
            #expect(classify.connects == 0, "curl reused the first connection")
        }
    }

    /// The inference protocol's paths answer errors as `{"error": "..."}`, the server's own too
    /// (a 413 before any handler runs); native paths keep problem+json.
    @Test func errorsUnderV2AreInTheInferenceProtocolsFormat() async throws {
        try await withService({ $0.maxBodySize = 100 }) { _, port in
            let curl = CurlClient(port: port)
            let missing = try curl.get("/v2/no-such-thing")
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type") == "application/json")
            #expect(missing.json["error"] as? String == "no such path: /v2/no-such-thing")
            let large = try curl.postJSON("/v2/models/m/infer", String(repeating: " ", count: 200))
            #expect(large.status == 413)
            #expect(large.header("Content-Type") == "application/json")
            #expect((large.json["error"] as? String ?? "").contains("100"))
            let native = try curl.postJSON("/softmax", String(repeating: " ", count: 200))
            #expect(native.status == 413)
            #expect(native.header("Content-Type") == "application/problem+json")
            #expect(native.json["status"] as? Int == 413)
        }
    }

    @Test func softmaxOf131072LogitsOverTheWire() async throws {
        var rng = SplitMix64(seed: 42)
        let logits = (0..<131_072).map { _ in Double.random(in: -20...20, using: &rng) }
        let body = #"{"logits": \#(jsonArray(logits))}"#
        #expect(body.utf8.count > 2_000_000)
        try await withService { _, port in
            let answer = try CurlClient(port: port).postJSON("/softmax", body)
            #expect(answer.status == 200)
            let p = doubles(answer.json["probabilities"])
            #expect(p == (try LogitMath.softmax(logits)))
        }
    }

    @Test func linearLayer100x100OnABatchOf64() async throws {
        var rng = SplitMix64(seed: 7)
        let weights = (0..<100).map { _ in (0..<100).map { _ in Double.random(in: -1...1, using: &rng) } }
        let bias = (0..<100).map { _ in Double.random(in: -1...1, using: &rng) }
        let inputs = (0..<64).map { _ in (0..<100).map { _ in Double.random(in: -1...1, using: &rng) } }
        let body = """
            {"weights": [\(weights.map(jsonArray).joined(separator: ","))], "bias": \(jsonArray(bias)),
             "input": [\(inputs.map(jsonArray).joined(separator: ","))], "activation": "softmax"}
            """
        let matrix = try Matrix(rows: weights)
        try await withService { _, port in
            let answer = try CurlClient(port: port).postJSON("/linear", body)
            #expect(answer.status == 200)
            let logits = (answer.json["logits"] as? [Any] ?? []).map(doubles)
            let probabilities = (answer.json["probabilities"] as? [Any] ?? []).map(doubles)
            #expect(logits.count == 64 && probabilities.count == 64)
            for (row, input) in inputs.enumerated() {
                #expect(logits[row] == (try LogitMath.linear(weights: matrix, bias: bias, input: input)))
                #expect(probabilities[row] == (try LogitMath.softmax(logits[row])))
            }
        }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var method = "POST"
        var path: String
        var body: String?
        var headers: [String] = ["Content-Type: application/json"]
        var status: Int
        var detail: String
        var testDescription: String { "\(method) \(path) → \(status)" }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(path: "/softmax", body: "{\"logits\": [1,", status: 400, detail: "not valid JSON"),
        ErrorCase(method: "GET", path: "/nowhere", status: 404, detail: "/nowhere"),
        ErrorCase(method: "DELETE", path: "/sigmoid", status: 405, detail: "DELETE"),
        ErrorCase(
            path: "/softmax", body: "a,b\n1,2", headers: ["Content-Type: text/csv"], status: 415, detail: "text/csv"),
        ErrorCase(
            path: "/softmax", body: #"{"logits": [[1, 2, 3], [4, 5, "6"]]}"#, status: 422,
            detail: "logits[1][2]: expected a number, found a string"),
        ErrorCase(
            path: "/linear", body: #"{"weights": [[1, 2, 3, 4, 5]], "input": [1, 2, 3, 4]}"#, status: 422,
            detail: "input has 4 elements but weights has 5 columns"),
        ErrorCase(path: "/sigmoid", body: "[1e400]", status: 422, detail: "logits[0]"),
        ErrorCase(path: "/softmax", body: #"{"logits": [1], "temperature": 0}"#, status: 422, detail: "temperature"),
        ErrorCase(
            path: "/classify", body: #"{"logits": [1, 2], "bogus": 1}"#, status: 422, detail: "bogus: unknown field"),
    ]

    @Test(arguments: errorCases) func errorsAreProblemsOverTheWire(_ c: ErrorCase) async throws {
        try await withService { _, port in
            let curl = CurlClient(port: port)
            let upload = c.body.map { CurlClient.Upload.sized(Array($0.utf8)) }
            let answer = try curl.perform(method: c.method, path: c.path, headers: c.headers, upload: upload)
            #expect(answer.status == c.status)
            #expect(answer.header("Content-Type") == "application/problem+json")
            #expect(answer.json["status"] as? Int == c.status)
            #expect((answer.json["detail"] as? String)?.contains(c.detail) == true, "\(answer.bodyText)")
            if c.status == 405 { #expect(answer.header("Allow") == "OPTIONS, POST") }
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await withService({ $0.maxBodySize = 1000 }) { _, port in
            let big = jsonArray(Array(repeating: 0.5, count: 400))
            let answer = try CurlClient(port: port).postJSON("/softmax", big)
            #expect(answer.status == 413)
            #expect(answer.header("Content-Type") == "application/problem+json")
        }
    }

    @Test func headersOverTheLimitAre431() async throws {
        try await withService({ $0.maxHeaderSize = 1024 }) { _, port in
            let answer = try CurlClient(port: port).get(
                "/healthz", headers: ["X-Big: " + String(repeating: "a", count: 2000)])
            #expect(answer.status == 431)
        }
    }

    @Test func malformedRequestIs400AndCloses() async throws {
        try await withService { _, port in
            let raw = try RawClient(port: port)
            _ = raw.send("POST /softmax HTTP/1.1\r\nHost: x\r\nContent-Length : 2\r\n\r\n[]")
            let received = raw.receive(timeout: .seconds(10))
            #expect(received.responses.first?.status == 400)
            #expect(received.responses.first?.header("Connection") == "close")
            #expect(received.closed)
        }
    }

    @Test func slowRequestIs408() async throws {
        try await withService({ $0.requestTimeout = .milliseconds(300) }) { _, port in
            let raw = try RawClient(port: port)
            _ = raw.send("POST /softmax HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n[1,")
            let received = raw.receive(timeout: .seconds(10))
            #expect(received.responses.first?.status == 408)
            #expect(received.closed)
        }
    }

    /// The inference protocol's error format holds for a head that never finished: its request line named
    /// a `/v2` path.
    @Test func slowHeadUnderV2Is408InTheProtocolsFormat() async throws {
        try await withService({ $0.requestTimeout = .milliseconds(300) }) { _, port in
            let raw = try RawClient(port: port)
            _ = raw.send("POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\n")
            let received = raw.receive(timeout: .seconds(10))
            #expect(received.responses.first?.status == 408)
            #expect(received.responses.first?.header("Content-Type") == "application/json")
            #expect(received.responses.first?.bodyText == #"{"error":"the request did not arrive in time"}"#)
        }
    }

    @Test func connectionOverTheCapIs503() async throws {
        try await withService({ $0.maxConnections = 2 }) { _, port in
            let first = try RawClient(port: port)
            let second = try RawClient(port: port)
            _ = first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = second.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(first.receiveResponses(1).responses.first?.status == 200)
            #expect(second.receiveResponses(1).responses.first?.status == 200)
            let third = try RawClient(port: port)
            let received = third.receive(timeout: .seconds(10))
            #expect(received.responses.first?.status == 503)
            #expect(received.closed)
        }
    }

    @Test func metricsCountersMoveAfterRequests() async throws {
        try await withService { _, port in
            let curl = CurlClient(port: port)
            for _ in 0..<3 { _ = try curl.postJSON("/softmax", "[1, 2]") }
            _ = try curl.postJSON("/softmax", "[]")
            _ = try curl.get("/nope")
            let text = try curl.get("/metrics").bodyText
            #expect(text.contains(#"http_requests_total{route="/softmax",method="POST",status="200"} 3"#))
            #expect(text.contains(#"http_requests_total{route="/softmax",method="POST",status="422"} 1"#))
            #expect(text.contains(#"http_requests_total{route="unmatched",method="GET",status="404"} 1"#))
            #expect(text.contains(#"http_request_duration_seconds_count{route="/softmax",method="POST"} 4"#))
            #expect(text.contains("http_open_connections 1"))
            #expect(text.contains("http_requests_in_flight 1"), "the /metrics request itself is in flight")
        }
    }

    @Test func headHasNoBodyButGetsContentLength() async throws {
        try await withService { _, port in
            let raw = try RawClient(port: port)
            _ = raw.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            let received = raw.receive(timeout: .seconds(10)) { RawResponse.parse($0, headOnly: true).count >= 2 }
            let text = received.text
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.contains("Content-Length: 15\r\n"))
            // The HEAD answer carries no body: the GET's status line follows its blank line directly.
            #expect(text.contains("\r\n\r\nHTTP/1.1 200 OK\r\n"))
        }
    }
}
