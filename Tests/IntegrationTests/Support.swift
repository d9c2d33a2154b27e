import Foundation
import HTTPServer
import HTTPTestSupport
import LogitService
import Testing

/// Runs a `LogitService` on 127.0.0.1, port 0, for `body`, then shuts it down.
func withService<T>(
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (LogitService, Int) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configure(&configuration)
    let service = LogitService(logger: silentLogger)
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
        (try? JSONDecoder().decode(AnyJSON.self, from: Data(body)))?.value as? [String: Any] ?? [:]
    }
}

/// Any JSON value as Swift values: integers as Int, other numbers as Double, null as NSNull.
struct AnyJSON: Decodable {
    var value: Any

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            value = NSNull()
        } else if let b = try? c.decode(Bool.self) {
            value = b
        } else if let i = try? c.decode(Int.self) {
            value = i
        } else if let d = try? c.decode(Double.self) {
            value = d
        } else if let s = try? c.decode(String.self) {
            value = s
        } else if let a = try? c.decode([AnyJSON].self) {
            value = a.map(\.value)
        } else {
            value = try c.decode([String: AnyJSON].self).mapValues(\.value)
        }
    }
}

func doubles(_ value: Any?) -> [Double] {
    (value as? [Any] ?? []).map { ($0 as? Double) ?? ($0 as? Int).map(Double.init) ?? .nan }
}

/// `[a, b, …]` with every Double in its shortest round-trip form.
func jsonArray(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }

/// A seeded generator (SplitMix64), so that large inputs are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
