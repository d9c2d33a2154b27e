import Foundation
import HTTPTestSupport
import LogitModels
import OpenAPIKit
import TestSupport
import Testing
import Yams

/// `openapi.yaml` against the running server: the document parses and validates as OpenAPI 3.1,
/// and every request example, posted to the server, gets the documented status and a body with
/// the documented required fields (and the example's numbers, to a few ulps).
@Suite struct ContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text() throws -> String {
        try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
    }

    @Test func documentParsesAndValidates() throws {
        let document = try YAMLDecoder().decode(OpenAPI.Document.self, from: try Self.text())
        try document.validate()
        #expect(document.openAPIVersion == .v3_1_0)
        let paths = Set(document.paths.keys.map(\.rawValue))
        #expect(
            paths.isSuperset(of: [
                "/sigmoid", "/softmax", "/linear", "/classify", "/healthz", "/readyz", "/metrics", "/openapi.yaml",
                "/v2", "/v2/health/live", "/v2/health/ready", "/v2/models/{model}",
                "/v2/models/{model}/versions/{version}", "/v2/models/{model}/ready",
                "/v2/models/{model}/versions/{version}/ready", "/v2/models/{model}/infer",
                "/v2/models/{model}/versions/{version}/infer",
            ]))
    }

    /// One request example with where it came from and what the document says it gets.
    struct Example: CustomTestStringConvertible, @unchecked Sendable {
        var path: String
        /// `path` with each `{parameter}` replaced by the parameter's documented `example`.
        var target: String
        var name: String
        var body: Any
        var status: Int
        var schema: [String: Any]
        var expected: Any?
        var testDescription: String { "\(path) \(name) → \(status)" }
    }

    nonisolated(unsafe) static let document: [String: Any] = {
        (try? Yams.load(yaml: (try? ContractTests.text()) ?? "")) as? [String: Any] ?? [:]
    }()

    /// Follows `$ref: '#/components/…'` within the document.
    static func resolve(_ value: Any?) -> [String: Any] {
        guard var object = value as? [String: Any] else { return [:] }
        while let ref = object["$ref"] as? String, ref.hasPrefix("#/") {
            var node: Any? = document
            for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
            object = node as? [String: Any] ?? [:]
        }
        return object
    }

    static let examples: [Example] = {
        var out: [Example] = []
        let paths = document["paths"] as? [String: Any] ?? [:]
        for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
            guard let post = (item as? [String: Any])?["post"] as? [String: Any] else { continue }
            var target = path
            for parameter in (item as? [String: Any])?["parameters"] as? [Any] ?? [] {
                let parameter = resolve(parameter)
                if let name = parameter["name"] as? String, let value = parameter["example"] {
                    target = target.replacingOccurrences(of: "{\(name)}", with: "\(value)")
                }
            }
            let content = (resolve(post["requestBody"])["content"] as? [String: Any])?["application/json"]
            let requestExamples = (content as? [String: Any])?["examples"] as? [String: Any] ?? [:]
            let responses = post["responses"] as? [String: Any] ?? [:]
            for (name, example) in requestExamples.sorted(by: { $0.key < $1.key }) {
                guard let body = resolve(example)["value"] else { continue }
                // The documented status: the response that carries an example of the same name.
                var status = 200
                var schema: [String: Any] = [:]
                var expected: Any?
                for (code, response) in responses {
                    // The JSON content: a 200 of /sigmoid, /softmax and /classify also documents its SVG.
                    let contents = resolve(response)["content"] as? [String: Any]
                    let media =
                        (contents?["application/json"] ?? contents?["application/problem+json"]) as? [String: Any]
                    if let match = (media?["examples"] as? [String: Any])?[name] {
                        status = Int(code) ?? 0
                        schema = resolve(media?["schema"])
                        expected = resolve(match)["value"]
                    }
                }
                out.append(
                    Example(
                        path: path, target: target, name: name, body: body, status: status, schema: schema,
                        expected: expected))
            }
        }
        return out
    }()

    @Test func everyComputeOperationHasExamples() {
        let paths = Set(Self.examples.map(\.path))
        #expect(
            paths == [
                "/sigmoid", "/softmax", "/linear", "/classify", "/v2/models/{model}/infer",
                "/v2/models/{model}/versions/{version}/infer",
            ])
        #expect(Self.examples.count >= 8)
    }

    @Test(arguments: examples) func examplePostedGetsTheDocumentedAnswer(_ example: Example) async throws {
        let body = try JSONSerialization.data(withJSONObject: example.body, options: [.fragmentsAllowed])
        // The models the examples name: the committed iris fixture.
        let iris = Self.root.appendingPathComponent("Tests/LogitModelsTests/Fixtures/iris.json").path
        try await withService(models: try ModelSources(files: [iris]).load()) { _, port in
            let answer = try CurlClient(port: port).post(
                example.target, body: Array(body), headers: ["Content-Type: application/json"])
            #expect(answer.status == example.status, "\(answer.bodyText)")
            let json = try JSONDecoder().decode(AnyJSON.self, from: Data(answer.body)).value
            #expect(Self.hasRequiredFields(json, schema: example.schema), "\(answer.bodyText)")
            if let expected = example.expected {
                #expect(Self.close(json, expected), "server: \(answer.bodyText)")
            }
        }
    }

    /// Whether `value` has every `required` field of `schema` (or of one of its `oneOf` branches).
    static func hasRequiredFields(_ value: Any, schema: [String: Any]) -> Bool {
        if let branches = schema["oneOf"] as? [Any] {
            return branches.contains { hasRequiredFields(value, schema: resolve($0)) }
        }
        guard let required = schema["required"] as? [String] else { return true }
        guard let object = value as? [String: Any] else { return false }
        let properties = schema["properties"] as? [String: Any] ?? [:]
        return required.allSatisfy { key in
            guard let field = object[key] else { return false }
            let fieldSchema = resolve(properties[key])
            if let items = fieldSchema["items"], let array = field as? [Any] {
                return array.allSatisfy { hasRequiredFields($0, schema: resolve(items)) }
            }
            return hasRequiredFields(field, schema: fieldSchema)
        }
    }

    /// Same structure, same strings and integers, numbers within 4 ulps (the document's numbers are
    /// the exact values rounded once; the service's are within its documented error bounds).
    static func close(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { close(x[$0]!, y[$0]!) }
        case (let x as [Any], let y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { close($0, $1) }
        case (let x as String, let y as String): return x == y
        case (let x as Bool, let y as Bool): return x == y
        default:
            guard let x = number(a), let y = number(b) else { return false }
            return x == y || abs(x - y) <= 4 * max(x.ulp, y.ulp)
        }
    }

    static func number(_ v: Any) -> Double? {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        return nil
    }
}
