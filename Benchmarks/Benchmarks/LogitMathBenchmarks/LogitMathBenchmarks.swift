import Benchmark
import LogitMath

/// SplitMix64 → uniform Doubles in [−scale, scale): the same bits scripts/math/numpy_bench.py feeds numpy.
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

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 2000
    )

    for n in [1000, 131_072, 1_048_576] {
        let x = uniform(seed: 7, count: n, scale: 30)
        Benchmark("softmax \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try softmax(x))
            }
        }
    }

    let n = 131_072
    let x = uniform(seed: 7, count: n, scale: 30)
    Benchmark("logSoftmax \(n)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try logSoftmax(x))
        }
    }
    Benchmark("sigmoid \(n)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(sigmoid(x))
        }
    }

    let weights = try! Matrix(rows: 1000, columns: 1000, elements: uniform(seed: 8, count: 1_000_000, scale: 1))
    let input = uniform(seed: 9, count: 1000, scale: 1)
    let bias = uniform(seed: 10, count: 1000, scale: 1)
    Benchmark("linear 1000x1000") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try linear(weights: weights, bias: bias, input: input))
        }
    }
}
