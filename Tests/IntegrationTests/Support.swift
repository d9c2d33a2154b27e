import Foundation
import HTTPServer
import HTTPTestSupport
import LogitModels
import LogitService
import TestSupport
import Testing

/// The models a test service holds unless it is given others: iris (scikit-learn, Tests/LogitModelsTests/Fixtures/iris.json) as
/// version 1 and its F32 safetensors as version 2, as openapi.yaml's examples name them.
let exampleModels: ModelSet = {
    let fixtures = DocumentationTests.root.appendingPathComponent("Tests/LogitModelsTests/Fixtures").path
    return try! ModelSet([
        loadModelFile(fixtures + "/iris.json", fallbackName: "iris", version: 1, nameIsFixed: true, maxSize: 1 << 20),
        loadModelFile(
            fixtures + "/iris_f32.safetensors", fallbackName: "iris", version: 2, nameIsFixed: true, maxSize: 1 << 20),
    ])
}()

/// Runs a `LogitService` on 127.0.0.1, port 0, for `body`, then shuts it down.
func withService<T>(
    models: ModelSet = exampleModels,
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (LogitService, Int) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configure(&configuration)
    let service = LogitService(logger: silentLogger, models: ModelRegistry(models))
    let (_, port) = try service.start(configuration: configuration)
    do {
        let result = try await body(service, port)
        _ = await service.shutdown(grace: .seconds(5))
        return result
    } catch {
        _ = await service.shutdown(grace: .seconds(5))
        throw error
    }
}

extension CurlClient {
    /// POSTs JSON text.
    func postJSON(_ path: String, _ json: String) throws -> CurlClient.Result {
        try post(path, body: Array(json.utf8), headers: ["Content-Type: application/json"])
    }
}

extension CurlClient.Result {
    /// The body parsed by Foundation's JSONDecoder (exact numbers), as Swift values.
    var json: [String: Any] {
        AnyJSON.object(body)
    }
}

/// `[a, b, …]` with every Double in its shortest round-trip form.
func jsonArray(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }
