// swift-tools-version:6.3
import PackageDescription

/// Micro-benchmarks for the request parser, the JSON codec and the math, in a package of their own so that
/// CI's `swift build` of the root never builds package-benchmark.
///
/// `HTTPServer`, `JSONCodec` and `LogitMath` (with `CLinux` and `CKernels`) are the root's own source folders, reached through symlinks in
/// `Sources/` and compiled here as modules of this package. A path dependency on the root could not do it:
/// `RequestParser`, `decodeJSON` and `encodeJSON` are `package` API, which is visible only to modules of the
/// same package. Their dependencies and settings below must follow the root's Package.swift.
///
/// Run: `cd Benchmarks && swift package --scratch-path .build-bench --allow-writing-to-package-directory benchmark`.
/// `logitmath-dump` prints LogitMath's results on the reference grid for scripts/math/ulp_report.py.
let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let benchmark: Target.Dependency = .product(name: "Benchmark", package: "package-benchmark")
let benchmarkPlugin: Target.PluginUsage = .plugin(name: "BenchmarkPlugin", package: "package-benchmark")

let package = Package(
    name: "logitd-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0", traits: []),
        .package(
            url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The root's modules (symlinks to ../Sources/…), as the root declares them.
        .target(
            name: "LogitMath",
            dependencies: ["CKernels", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: upcoming
        ),
        .target(name: "JSONCodec", swiftSettings: upcoming),
        .target(
            name: "HTTPServer",
            dependencies: ["CLinux", httpTypes, .product(name: "Logging", package: "swift-log")],
            swiftSettings: upcoming
        ),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CKernels"),
        // The benchmarks.
        .executableTarget(
            name: "LogitMathBenchmarks",
            dependencies: ["LogitMath", benchmark],
            path: "Benchmarks/LogitMathBenchmarks",
            plugins: [benchmarkPlugin]
        ),
        .executableTarget(
            name: "JSONCodecBenchmarks",
            dependencies: ["JSONCodec", benchmark],
            path: "Benchmarks/JSONCodecBenchmarks",
            plugins: [benchmarkPlugin]
        ),
        .executableTarget(
            name: "RequestParserBenchmarks",
            dependencies: ["HTTPServer", httpTypes, benchmark],
            path: "Benchmarks/RequestParserBenchmarks",
            plugins: [benchmarkPlugin]
        ),
        .executableTarget(name: "logitmath-dump", dependencies: ["LogitMath"]),
        // W·x + b for the oip `head` model (1000×2048) beside numpy's: head-product/run.sh.
        .executableTarget(
            name: "head-product", dependencies: ["LogitMath"], path: "head-product",
            exclude: ["run.sh", "head_product.py"]),
    ]
)
