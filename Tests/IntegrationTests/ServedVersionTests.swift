import HTTPTestSupport
import LogitVersion
import Testing
import Yams

/// What a running service says its version is: `logitdVersion`, wherever a client can read it.
@Suite struct ServedVersionTests {
    @Test func inferenceProtocolServerMetadataAndOpenAPIInfoCarryTheVersion() async throws {
        try await withService { _, port in
            let client = CurlClient(port: port)
            let server = try client.get("/v2")
            #expect(server.status == 200)
            #expect(server.json["version"] as? String == logitdVersion)

            let openAPI = try client.get("/openapi.yaml")
            #expect(openAPI.status == 200)
            let document = try Yams.load(yaml: openAPI.bodyText) as? [String: Any]
            let info = document?["info"] as? [String: Any]
            #expect(info?["version"] as? String == logitdVersion)
        }
    }

    @Test func answersCarryNoServerHeader() async throws {
        // docs/api.md "HTTP": the version is not advertised on every answer.
        try await withService { _, port in
            let client = CurlClient(port: port)
            var answers = try ["/healthz", "/v2", "/no-such-path"].map { try client.get($0) }
            answers.append(try client.postJSON("/softmax", "[1, 2]"))
            #expect(answers.map(\.status) == [200, 200, 404, 200])
            #expect(answers.allSatisfy { $0.header("Server") == nil })
        }
    }
}
