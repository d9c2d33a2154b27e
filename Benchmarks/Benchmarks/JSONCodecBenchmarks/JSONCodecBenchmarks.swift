import Benchmark
import JSONCodec

/// The service's request body for a vector, as `LogitService` declares it: `{"logits": [...]}`.
struct Vector: Codable, Equatable {
    var logits: [Double]
}

/// The same for a batch of rows.
struct Batch: Codable, Equatable {
    var logits: [[Double]]
}

/// SplitMix64 → uniform Doubles in [−scale, scale): almost all have 16 or 17 significant digits, the slow
/// case for both reading (no short exact path) and writing (the longest shortest representations).
func uniform(seed: UInt64, count: Int, scale: Double) -> [Double] {
    var state = seed
    return (0..<count).map { _ in
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) * 0x1p-53 * 2.0 - 1.0) * scale
    }
}

/// A decode and an encode benchmark for `value`, whose JSON is `document`. The setup checks the round trip
/// both ways, so that a codec bug fails the run instead of timing a wrong answer.
func codecBenchmarks<T: Codable & Equatable>(
    _ name: String, value: T, document: [UInt8], configuration: Benchmark.Configuration
) {
    let decoded = try! decodeJSON(T.self, from: document)
    precondition(decoded == value, "\(name): the document does not decode to the value")
    precondition(try! decodeJSON(T.self, from: try! encodeJSON(value)) == value, "\(name): no round trip")

    Benchmark("decode \(name) (\(document.count) B)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! decodeJSON(T.self, from: document))
        }
    }
    Benchmark("encode \(name)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! encodeJSON(value))
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    let small = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 2000
    )
    let large = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 2000
    )

    // The bench's `small` payload, byte for byte (shared/bench/gen_payloads.py).
    let seed = Vector(logits: [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337])
    let seedDocument = Array(#"{"logits":[0.49671415,-0.1382643,0.64768854,1.52302986,-0.23415337]}"#.utf8)
    codecBenchmarks("5 logits", value: seed, document: seedDocument, configuration: small)

    // 64 rows × 10, the bench's `batch` shape.
    let rows = uniform(seed: 12, count: 640, scale: 3)
    let batch = Batch(logits: (0..<64).map { Array(rows[$0 * 10..<$0 * 10 + 10]) })
    codecBenchmarks("64x10 batch", value: batch, document: try! encodeJSON(batch), configuration: small)

    // 131 072 logits, the bench's `large` (an LLM vocabulary).
    let vector = Vector(logits: uniform(seed: 7, count: 131_072, scale: 10))
    codecBenchmarks("131072 logits", value: vector, document: try! encodeJSON(vector), configuration: large)
}
