// swift-tools-version:6.3
import PackageDescription

/// Layout (arrows point to imports; docs/architecture.md):
///   logitd → LogitService → {Routing → HTTPServer, LogitAPI → {LogitMath, JSONCodec}}
/// Benchmarks live in Benchmarks/ (a package of their own, outside CI's build).
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "logitd",
    products: [
        .executable(name: "logitd", targets: ["logitd"]),
        .library(name: "LogitMath", targets: ["LogitMath"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // HTTP methods, statuses and field names, as Hummingbird 2 and NIO speak them; without its default trait,
        // which adds Foundation URL conveniences we don't use.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0", traits: []),
        // The runtime only (its default traits add Foundation stream APIs we don't use); the ONNX messages are
        // generated once by scripts/onnx/generate-swift.sh and committed.
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0", traits: []),
        // Tests only.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // Pure math on vectors and batches: no Foundation, no Codable, no HTTP.
        .target(
            name: "LogitMath",
            dependencies: ["CKernels", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: upcoming
        ),
        // Served models: the formats, loading and the registry. Knows no HTTP.
        .target(
            name: "LogitModels",
            dependencies: [
                "LogitMath", "JSONCodec", "ONNXProto", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: upcoming
        ),
        // ONNX's protobuf messages, generated code in a target of its own so that LogitModels' builds don't
        // recompile its 4 000 lines.
        .target(name: "ONNXProto", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // The version of logitd and its API: one constant, imported wherever a version is shown.
        .target(name: "LogitVersion", swiftSettings: upcoming),
        // The Open Inference Protocol (KServe V2) without HTTP: request bodies (JSON and binary tensors) to rows,
        // a model's answer to response bodies, model metadata.
        .target(
            name: "InferenceProtocol", dependencies: ["LogitModels", "LogitMath", "JSONCodec"], swiftSettings: upcoming),
        // The compute API without HTTP: requests and results over Matrix, validation named once, wire formats.
        .target(name: "LogitAPI", dependencies: ["LogitMath", "LogitModels", "JSONCodec"], swiftSettings: upcoming),
        // JSON ⇄ Codable over raw bytes: exact, fast number arrays, errors with coding paths.
        .target(name: "JSONCodec", swiftSettings: upcoming),
        // SVG pictures of the compute endpoints' answers; knows no HTTP and no JSON (only its number spelling).
        .target(name: "Pictures", dependencies: ["LogitMath", "JSONCodec"], swiftSettings: upcoming),
        // The playground page (HTML, CSS, script, icon), compiled into the binary.
        .target(
            name: "Playground",
            resources: [
                .embedInCode("Files/index.html"), .embedInCode("Files/playground.css"),
                .embedInCode("Files/playground.js"), .embedInCode("Files/icon.svg"),
            ],
            swiftSettings: upcoming
        ),
        // HTTP/1.1 on POSIX sockets and Dispatch; knows no JSON and no logits.
        .target(
            name: "HTTPServer",
            dependencies: [
                "CLinux", httpTypes, .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Path templates with parameters, resolved once per request; 405, OPTIONS and HEAD by construction.
        .target(name: "Routing", dependencies: ["HTTPServer", httpTypes], swiftSettings: upcoming),
        // gzip and deflate request bodies (bounded, bomb-proof) and gzip responses; Accept-Encoding.
        .target(name: "ContentCoding", dependencies: ["CZlib"], swiftSettings: upcoming),
        // zlib (Debian: zlib1g-dev to build, zlib1g at run time).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // epoll, the process's CPU count and mallopt: Linux headers Swift's Glibc module leaves out.
        .systemLibrary(name: "CLinux"),
        // LogitMath's W·x + b in AVX registers, chosen at run time (header-only C: Swift has no per-function
        // target attribute, and the build targets baseline x86-64).
        .systemLibrary(name: "CKernels"),
        // The routes, request/response types, problem+json, metrics and readiness.
        .target(
            name: "LogitService",
            dependencies: [
                "LogitMath", "LogitAPI", "JSONCodec", "HTTPServer", "Routing", "LogitVersion", "LogitModels",
                "InferenceProtocol", "Pictures", "Playground", "ContentCoding", httpTypes,
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "logitd",
            dependencies: [
                "LogitService", "LogitModels", "HTTPServer", "CLinux", "LogitVersion",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // libcurl, the real client the integration tests drive the server with.
        .systemLibrary(
            name: "CCurl",
            path: "Tests/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .testTarget(
            name: "LogitMathTests",
            dependencies: [
                "LogitMath", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming
        ),
        .testTarget(name: "PlaygroundTests", dependencies: ["Playground"], swiftSettings: upcoming),
        .testTarget(
            name: "PicturesTests", dependencies: ["Pictures", "JSONCodec", "TestSupport"], swiftSettings: upcoming),
        .testTarget(name: "LogitVersionTests", dependencies: ["LogitVersion"], swiftSettings: upcoming),
        .testTarget(
            name: "InferenceProtocolTests",
            dependencies: ["InferenceProtocol", "LogitModels", "LogitMath", "JSONCodec", "TestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "ContentCodingTests", dependencies: ["ContentCoding", "TestSupport"],
            swiftSettings: upcoming),
        .testTarget(
            name: "LogitModelsTests",
            dependencies: [
                "LogitModels", "LogitMath", "ONNXProto", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.copy("Fixtures")], swiftSettings: upcoming),
        // The deployment manifests against the schemas their platforms publish (deploy/kserve/schemas).
        .testTarget(
            name: "DeployTests", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: upcoming),
        .testTarget(name: "JSONCodecTests", dependencies: ["JSONCodec", "TestSupport"], swiftSettings: upcoming),
        // What several test targets share: a seeded generator, an independent JSON reader, zlib.
        .target(name: "TestSupport", dependencies: ["CZlib"], path: "Tests/TestSupport", swiftSettings: upcoming),
        // Test clients for a live server: libcurl for real-client behaviour, raw sockets for the rest.
        .target(
            name: "HTTPTestSupport",
            dependencies: ["HTTPServer", "CCurl", .product(name: "Logging", package: "swift-log")],
            path: "Tests/HTTPTestSupport",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTPTestSupport", "TestSupport", httpTypes],
            swiftSettings: upcoming),
        .testTarget(
            name: "LogitAPITests", dependencies: ["LogitAPI", "LogitMath", "JSONCodec", "TestSupport"],
            swiftSettings: upcoming),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "HTTPServer", httpTypes], swiftSettings: upcoming),
        .testTarget(
            name: "LogitServiceTests",
            dependencies: [
                "LogitService", "LogitAPI", "LogitModels", "LogitMath", "HTTPServer", "Routing", "JSONCodec",
                "Playground", "TestSupport", httpTypes,
            ],
            swiftSettings: upcoming),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "LogitService", "HTTPServer", "HTTPTestSupport", "LogitMath", "LogitVersion", "TestSupport",
                "LogitModels", "Routing", httpTypes,
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
