// swift-tools-version:6.2
import PackageDescription

/// Benchmarks for LogitMath, a package of its own so that CI's `swift build` of the root never builds
/// package-benchmark. Run: `cd Benchmarks && swift package --scratch-path .build-bench benchmark`.
/// `logitmath-dump` prints LogitMath's results on the reference grid for scripts/math/ulp_report.py.
let package = Package(
    name: "LogitMathBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "logitd", path: ".."),
        .package(
            url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LogitMathBenchmarks",
            dependencies: [
                .product(name: "LogitMath", package: "logitd"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/LogitMathBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "logitmath-dump",
            dependencies: [.product(name: "LogitMath", package: "logitd")]
        ),
    ]
)
