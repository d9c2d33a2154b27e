import Foundation
import HTTPServer
import HTTPTestSupport
import HTTPTypes
import LogitMath
import LogitModels
import LogitService
import Routing
import TestSupport
import Testing

/// The Open Inference Protocol's paths over the wire (API.md "Open Inference Protocol"): libcurl for what a
/// client does, a raw socket for the binary framing cut at every offset.
@Suite struct InferenceRoutesTests {
    /// 3 classes over 4 features, with labels; two versions, so that "latest" and `/versions/{v}` differ.
    static func iris(version: Int, bias: Double) -> Model {
        Model(
            name: "iris", version: version, format: .logitd,
            weights: try! Matrix(rows: [[0.5, 1, -2, -1], [0.25, -0.5, 0.5, -1], [-1, -1, 2, 2]]),
            bias: [1, 0.5, bias], activation: .softmax, labels: ["setosa", "versicolor", "virginica"],
            file: "iris-\(version).json")
    }
    static let models = try! ModelSet([iris(version: 1, bias: -2), iris(version: 2, bias: 0)])

    static let rows: [[Double]] = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]
    static let jsonRequest =
        #"{"id": "r1", "inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP64", "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}]}"#

    /// tritonclient's default request: FP64 rows as a blob after the JSON header, every output binary.
    static func binaryRequest(_ rows: [[Double]] = rows) -> (body: [UInt8], headerLength: Int) {
        let header = Array(
            (#"{"inputs":[{"name":"input","shape":[\#(rows.count),4],"datatype":"FP64","#
                + #""parameters":{"binary_data_size":\#(rows.count * 32)}}],"parameters":{"binary_data_output":true}}"#)
                .utf8)
        let blob = rows.flatMap { $0 }.flatMap { value in
            (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) }
        }
        return (header + blob, header.count)
    }

    /// The probabilities version `version` answers for `rows`, from the model itself.
    static func probabilities(version: Int, _ rows: [[Double]] = rows) throws -> [Double] {
        try models.model("iris", version: version).apply(Matrix(rows: rows)).probabilities!.elements
    }

    /// A binary response's FP64 output `name`, read as a client reads it.
    static func binaryOutput(_ name: String, in body: [UInt8], headerLength: Int) -> [Double]? {
        let header = AnyJSON.object(Array(body[..<headerLength]))
        var offset = headerLength
        for output in header["outputs"] as? [[String: Any]] ?? [] {
            let size = ((output["parameters"] as? [String: Any])?["binary_data_size"] as? Int) ?? 0
            if output["name"] as? String == name {
                return stride(from: offset, to: offset + size, by: 8).map { at in
                    Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(body[at + $1]) << (8 * $1) })
                }
            }
            offset += size
        }
        return nil
    }

    @Test func serverMetadataAndHealth() async throws {
        try await withService(models: Self.models) { _, port in
            let curl = CurlClient(port: port)
            let metadata = try curl.get("/v2")
            #expect(metadata.status == 200 && metadata.header("Content-Type") == "application/json")
            #expect(metadata.json["name"] as? String == "logitd")
            #expect(metadata.json["extensions"] as? [String] == ["binary_tensor_data", "classification"])
            #expect((metadata.json["version"] as? String)?.isEmpty == false)
            #expect(try curl.get("/v2/health/live").bodyText == #"{"live":true}"#)
            #expect(try curl.get("/v2/health/ready").bodyText == #"{"ready":true}"#)
            #expect(try curl.head("/v2/health/live").status == 200)
        }
    }

    @Test(arguments: [("", "2"), ("/versions/1", "1"), ("/versions/2", "2")])
    func modelMetadataAndReadinessWithAndWithoutVersion(_ suffix: String, _ version: String) async throws {
        try await withService(models: Self.models) { _, port in
            let curl = CurlClient(port: port)
            let metadata = try curl.get("/v2/models/iris" + suffix)
            #expect(metadata.status == 200)
            #expect(metadata.json["versions"] as? [String] == ["1", "2"])
            #expect(
                (metadata.json["inputs"] as? [[String: Any]])?.first?["shape"] as? [Int] == [-1, 4])
            #expect(try curl.get("/v2/models/iris\(suffix)/ready").bodyText == #"{"name":"iris","ready":true}"#)
            let answer = try curl.postJSON("/v2/models/iris\(suffix)/infer", Self.jsonRequest)
            #expect(answer.status == 200 && answer.header("Content-Type") == "application/json")
            #expect(answer.json["model_version"] as? String == version)
            #expect(answer.json["id"] as? String == "r1")
            let outputs = answer.json["outputs"] as? [[String: Any]] ?? []
            #expect(outputs.map { $0["name"] as? String } == ["logits", "probabilities", "class", "label"])
            #expect(doubles(outputs[1]["data"]) == (try Self.probabilities(version: Int(version)!)))
        }
    }

    /// tritonclient sends no Content-Type; curl would send its form type unless told not to.
    @Test func aBinaryRequestWithoutContentTypeGetsABinaryResponse() async throws {
        try await withService(models: Self.models) { _, port in
            let (body, length) = Self.binaryRequest()
            let answer = try CurlClient(port: port).post(
                "/v2/models/iris/infer", body: body,
                headers: ["Content-Type:", "Inference-Header-Content-Length: \(length)"])
            #expect(answer.status == 200, "\(answer.bodyText)")
            #expect(answer.header("Content-Type") == "application/octet-stream")
            let headerLength = try #require(answer.header("Inference-Header-Content-Length").flatMap { Int($0) })
            #expect(
                Self.binaryOutput("probabilities", in: answer.body, headerLength: headerLength)
                    == (try Self.probabilities(version: 2)))
        }
    }

    @Test func aBinaryRequestAskingForJSONOutputsGetsJSON() async throws {
        try await withService(models: Self.models) { _, port in
            var (body, length) = Self.binaryRequest()
            let header = String(decoding: body[..<length], as: UTF8.self)
                .replacingOccurrences(of: #""binary_data_output":true"#, with: #""binary_data_output":false"#)
            body = Array(header.utf8) + body[length...]
            length = header.utf8.count
            let answer = try CurlClient(port: port).post(
                "/v2/models/iris/infer", body: body,
                headers: ["Content-Type: application/octet-stream", "Inference-Header-Content-Length: \(length)"])
            #expect(answer.status == 200 && answer.header("Content-Type") == "application/json")
            #expect(answer.header("Inference-Header-Content-Length") == nil)
        }
    }

    /// Each refusal over the wire: its status and `{"error": ...}` naming the problem.
    @Test(
        arguments: [
            ("GET", "/v2/models/nope", "", [String](), 404, #"no model named "nope""#),
            ("GET", "/v2/models/iris/versions/3", "", [], 404, #"model "iris" has no version "3"; it has 1, 2"#),
            ("GET", "/v2/models/iris/versions/x/ready", "", [], 404, #"model "iris" has no version "x""#),
            ("GET", "/v2/models/nope/ready", "", [], 404, #"no model named "nope""#),
            ("POST", "/v2/models/nope/infer", jsonRequest, [], 404, #"no model named "nope""#),
            ("POST", "/v2/models/iris/infer", "{", [], 400, "invalid JSON at byte 1"),
            (
                "POST", "/v2/models/iris/infer", jsonRequest, ["Inference-Header-Content-Length: 9999"], 400,
                "Inference-Header-Content-Length is 9999 but the body has only"
            ),
            (
                "POST", "/v2/models/iris/infer", jsonRequest, ["Inference-Header-Content-Length: x"], 400,
                #"Inference-Header-Content-Length must be a byte count, found "x""#
            ),
            (
                "POST", "/v2/models/iris/infer",
                #"{"inputs": [{"name": "i", "shape": [3], "datatype": "FP64", "data": [1, 2, 3]}]}"#,
                [], 400, #"input "i" has 3 elements per row but model iris version 2 takes 4"#
            ),
            (
                "POST", "/v2/models/iris/infer",
                #"{"inputs": [{"name": "i", "shape": [4], "datatype": "FP64", "data": [1, 2, 3, 4]}], "outputs": [{"name": "x"}]}"#,
                [], 400, #"model iris has no output "x""#
            ),
            ("GET", "/v2/nowhere", "", [], 404, "no such path: /v2/nowhere"),
            ("DELETE", "/v2/health/live", "", [], 405, "DELETE is not allowed on /v2/health/live"),
        ] as [(String, String, String, [String], Int, String)])
    func refusalsAreErrorObjectsWithTheirStatus(
        _ method: String, _ path: String, _ body: String, _ headers: [String], _ status: Int, _ message: String
    ) async throws {
        try await withService(models: Self.models) { _, port in
            let curl = CurlClient(port: port)
            let answer =
                method == "POST"
                ? try curl.post(path, body: Array(body.utf8), headers: ["Content-Type:"] + headers)
                : try curl.perform(method: method, path: path)
            #expect(answer.status == status, "\(answer.bodyText)")
            #expect(answer.header("Content-Type") == "application/json")
            #expect(Set(answer.json.keys) == ["error"])
            #expect((answer.json["error"] as? String)?.contains(message) == true, "\(answer.bodyText)")
        }
    }

    @Test func inferenceIsCountedPerModelAndVersion() async throws {
        try await withService(models: Self.models) { _, port in
            let curl = CurlClient(port: port)
            _ = try curl.postJSON("/v2/models/iris/infer", Self.jsonRequest)
            _ = try curl.postJSON("/v2/models/iris/versions/1/infer", Self.jsonRequest)
            _ = try curl.postJSON("/v2/models/iris/versions/1/infer", Self.jsonRequest)
            let text = try curl.get("/metrics").bodyText
            #expect(text.contains(#"logitd_model_requests_total{model="iris",version="2"} 1"#), "\(text)")
            #expect(text.contains(#"logitd_model_requests_total{model="iris",version="1"} 2"#))
            #expect(text.contains(#"logitd_model_inference_seconds_count{model="iris",version="1"} 2"#))
        }
    }

    @Test func optionsListsTheMethods() async throws {
        try await withService(models: Self.models) { _, port in
            let answer = try CurlClient(port: port).options("/v2/models/iris/versions/1/infer")
            #expect(answer.status == 204 && answer.header("Allow") == "OPTIONS, POST")
        }
    }

    /// The request cut in two at every offset (head and body alike), the halves sent as separate writes on one
    /// keep-alive connection: every answer is the same, whole and in order.
    @Test func aBinaryRequestSplitAtEveryOffsetIsAnsweredTheSame() async throws {
        try await withService(models: Self.models) { _, port in
            let (body, length) = Self.binaryRequest()
            let request =
                Array(
                    ("POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nInference-Header-Content-Length: \(length)\r\n"
                        + "Content-Length: \(body.count)\r\n\r\n").utf8) + body
            let raw = try RawClient(port: port)
            // Each half leaves at once: without TCP_NODELAY the second waits for the first's delayed ACK.
            var one: Int32 = 1
            #expect(setsockopt(raw.fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0)
            var first: [UInt8]?
            for cut in 1..<request.count {
                #expect(raw.send(Array(request[..<cut])))
                #expect(raw.send(Array(request[cut...])))
                let response = try #require(raw.receiveResponses(1).responses.first, "cut at \(cut)")
                #expect(response.status == 200, "cut at \(cut): \(response.bodyText)")
                if let first { #expect(response.body == first, "cut at \(cut)") } else { first = response.body }
            }
        }
    }

    /// Once shutdown has begun, readiness is 503 `{"ready": false}` while liveness stays 200. The service's own
    /// routes, without a socket: which connections a shutdown still answers is ShutdownTests' subject.
    @Test func readinessTurns503WhenShutdownBegins() async throws {
        let service = LogitService(logger: silentLogger, models: ModelRegistry(Self.models))
        func answer(_ path: String) -> Response? {
            guard case .response(let response) = service.router.respond(to: Request(method: .get, target: path)).outcome
            else { return nil }
            return response
        }
        #expect(answer("/v2/health/ready")?.status == .ok)
        _ = await service.shutdown()
        let ready = answer("/v2/health/ready")
        #expect(ready?.status == .serviceUnavailable)
        #expect(ready.map { String(decoding: $0.body, as: UTF8.self) } == #"{"ready":false}"#)
        #expect(answer("/v2/health/live")?.status == .ok)
    }
}
