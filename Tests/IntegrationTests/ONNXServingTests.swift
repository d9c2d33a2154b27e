import Foundation
import HTTPTestSupport
import LogitMath
import LogitModels
import TestSupport
import Testing

/// ONNX files served end to end: loaded from disk by the model sources (format by content), then asked over
/// HTTP through the inference protocol, answers compared with the model's own computation and with
/// onnxruntime's classes recorded beside the fixture (scripts/onnx/make_fixtures.py).
@Suite struct ONNXServingTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LogitModelsTests/Fixtures/onnx")

    /// The fixture's rows and onnxruntime's label for each.
    static func reference(_ name: String) throws -> (rows: [[Double]], labels: [String]) {
        let doc = AnyJSON.object([UInt8](try Data(contentsOf: fixtures.appendingPathComponent("\(name).json"))))
        let rows = (doc["inputs"] as? [Any] ?? []).map(doubles)
        let ort = doc["ort"] as? [String: Any] ?? [:]
        let labels = (ort.first { $0.key.hasSuffix("label") }?.value as? [Any] ?? []).map {
            ($0 as? String) ?? String(describing: $0)
        }
        return (rows, labels)
    }

    @Test(arguments: ["iris-strings-float-zipmap", "cancer-ints-double"])
    func anSklearnExportIsServedWithOnnxruntimesClasses(_ name: String) async throws {
        let path = Self.fixtures.appendingPathComponent("\(name).onnx").path
        let models = try ModelSources(files: [path]).load()
        let model = try models.model(name, version: 1)
        #expect(model.format == .onnx)
        let (rows, labels) = try Self.reference(name)
        let datatype = model.storage.rawValue
        let data = rows.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",")
        let request =
            #"{"inputs": [{"name": "X", "shape": [\#(rows.count), \#(model.inputs)], "datatype": "\#(datatype)", "data": [\#(data)]}]}"#
        try await withService(models: models) { _, port in
            let curl = CurlClient(port: port)
            let metadata = try curl.get("/v2/models/\(name)")
            #expect(metadata.status == 200, "\(metadata.bodyText)")
            let inputs = metadata.json["inputs"] as? [[String: Any]] ?? []
            #expect(inputs.first?["name"] as? String == "X")
            #expect(inputs.first?["datatype"] as? String == datatype)

            let answer = try curl.postJSON("/v2/models/\(name)/infer", request)
            #expect(answer.status == 200, "\(answer.bodyText)")
            let outputs = answer.json["outputs"] as? [[String: Any]] ?? []
            let byName = Dictionary(outputs.map { ($0["name"] as? String ?? "", $0) }) { a, _ in a }
            let expected = try model.apply(Matrix(rows: rows)).probabilities!.elements
            #expect(doubles(byName["probabilities"]?["data"]) == expected)
            let served = (byName["label"]?["data"] as? [Any] ?? []).map { ($0 as? String) ?? "\($0)" }
            #expect(served == labels)
        }
    }
}
