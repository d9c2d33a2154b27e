import Foundation
import Testing
import Yams

/// deploy/kserve/: every KServe resource is valid for KServe 0.20's CRDs (deploy/kserve/schemas/), and the
/// runtime is what KServe expects of a V2 runtime and what logitd serves.
@Suite struct KServeManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let kserve = root.appendingPathComponent("deploy/kserve")
    static let schemaFiles = [
        "ServingRuntime": "servingruntime.v1alpha1.json", "InferenceService": "inferenceservice.v1beta1.json",
    ]

    static func schema(for kind: String) throws -> StructuralSchema {
        let file = kserve.appendingPathComponent("schemas").appendingPathComponent(try #require(schemaFiles[kind]))
        return try StructuralSchema(json: Data(contentsOf: file))
    }

    /// Every document of every manifest in deploy/kserve, with its file's name.
    static func documents() throws -> [(file: String, document: [String: Any])] {
        let files = try FileManager.default.contentsOfDirectory(atPath: kserve.path).filter { $0.hasSuffix(".yaml") }
        return try files.sorted().flatMap { file in
            let text = try String(contentsOf: kserve.appendingPathComponent(file), encoding: .utf8)
            return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }.map { (file, $0) }
        }
    }

    static func resource(_ kind: String) throws -> [String: Any] {
        try #require(try documents().first { $0.document["kind"] as? String == kind }?.document)
    }

    @Test func everyResourceIsValidForKServesCRDs() throws {
        var checked = 0
        for (file, document) in try Self.documents() {
            let kind = try #require(document["kind"] as? String, "\(file): a document without kind")
            let errors = try Self.schema(for: kind).errors(in: document)
            #expect(errors.isEmpty, "\(file): \(kind): \(errors)")
            checked += 1
        }
        #expect(checked == 2)
    }

    /// What KServe's own V2 runtimes do and API.md asks: the container `kserve-container`, models from
    /// /mnt/models, port 8080, probes on /v2/health/*.
    @Test func theRuntimeIsAV2RuntimeServingMntModelsOnPort8080() throws {
        let runtime = try Self.resource("ServingRuntime")
        let spec = try #require(runtime["spec"] as? [String: Any])
        #expect(spec["protocolVersions"] as? [String] == ["v2"])
        let container = try #require((spec["containers"] as? [[String: Any]])?.first)
        #expect(container["name"] as? String == "kserve-container")
        #expect(container["args"] as? [String] == ["--model-dir", "/mnt/models"])
        #expect((container["ports"] as? [[String: Any]])?.map { $0["containerPort"] as? Int } == [8080])
        func probe(_ name: String) -> (String?, Int?) {
            let get = (container[name] as? [String: Any])?["httpGet"] as? [String: Any]
            return (get?["path"] as? String, get?["port"] as? Int)
        }
        #expect(probe("livenessProbe") == ("/v2/health/live", 8080))
        #expect(probe("readinessProbe") == ("/v2/health/ready", 8080))
    }

    @Test func theExampleServiceAsksForTheRuntimeAndAFormatItSupports() throws {
        let runtime = try Self.resource("ServingRuntime")
        let service = try Self.resource("InferenceService")
        let model = try #require(
            ((service["spec"] as? [String: Any])?["predictor"] as? [String: Any])?["model"] as? [String: Any])
        #expect(model["runtime"] as? String == (runtime["metadata"] as? [String: Any])?["name"] as? String)
        #expect(model["protocolVersion"] as? String == "v2")
        let format = (model["modelFormat"] as? [String: Any])?["name"] as? String
        let formats = ((runtime["spec"] as? [String: Any])?["supportedModelFormats"] as? [[String: Any]])?
            .compactMap { $0["name"] as? String }
        #expect(format != nil && formats?.contains(format!) == true)
    }

    /// The validator itself: each mutation of the real runtime is an error it must report, by path.
    @Test(arguments: [
        ("spec.containerz", "(root)", #"spec: unknown field "containerz""#),
        (
            "a port that is not a number", "port",
            "spec/containers/0/ports/0/containerPort: expected integer, found string"
        ),
        ("no containers", "containers", #"spec: missing required field "containers""#),
        ("a CPU that is not a quantity", "cpu", #"spec/containers/0/resources/limits/cpu: "lots" does not match"#),
        (
            "two ports 8080/TCP", "ports",
            "spec/containers/0/ports: duplicate entries with containerPort, protocol 8080,TCP"
        ),
        ("a priority below 1", "priority", "spec/supportedModelFormats/0/priority: 0.0 is less than 1.0"),
        ("a misspelt probe field", "probe", #"spec/containers/0/readinessProbe/httpGet: unknown field "paht""#),
    ])
    func theValidatorReportsEachMistake(_ name: String, _ mutation: String, _ expected: String) throws {
        var runtime = try Self.resource("ServingRuntime")
        var spec = runtime["spec"] as! [String: Any]
        var containers = spec["containers"] as! [[String: Any]]
        var container = containers[0]
        switch mutation {
        case "(root)": spec["containerz"] = []
        case "port": container["ports"] = [["containerPort": "8080"]]
        case "containers": spec["containers"] = nil
        case "cpu": container["resources"] = ["limits": ["cpu": "lots"]]
        case "ports":
            container["ports"] = [
                ["containerPort": 8080, "protocol": "TCP"], ["containerPort": 8080, "protocol": "TCP"],
            ]
        case "priority": spec["supportedModelFormats"] = [["name": "logitd", "priority": 0]]
        case "probe": container["readinessProbe"] = ["httpGet": ["paht": "/v2/health/ready", "port": 8080]]
        default: Issue.record("unknown mutation \(mutation)")
        }
        if mutation != "containers" {
            containers[0] = container
            spec["containers"] = containers
        }
        runtime["spec"] = spec
        let errors = try Self.schema(for: "ServingRuntime").errors(in: runtime)
        #expect(errors.contains { $0.hasPrefix(expected) }, "\(errors)")
    }
}
