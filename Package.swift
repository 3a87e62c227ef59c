// swift-tools-version:6.1
// TokenLens: a local-first AI cost intelligence proxy and gateway.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "tokenlens",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tokenlens", targets: ["CLI"]),
        .executable(name: "tokenlens-bench", targets: ["TokenLensBench"]),
        .executable(name: "tokenlens-forward-floor", targets: ["ForwardFloor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // System libraries reached through small shims.
        .systemLibrary(
            name: "CPCRE2", path: "Sources/CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibcExtras", path: "Sources/CLibcExtras"),

        // Layers, lowest first: TOML → Providers → Policy → Gateway/Recorder/Insights → Notify → Server → CLI.
        .target(name: "TOML", swiftSettings: strict),
        .target(name: "Patterns", dependencies: ["CPCRE2"], swiftSettings: strict),
        .target(name: "Guardrails", dependencies: ["Providers", "Patterns"], swiftSettings: strict),
        .target(name: "Providers", dependencies: ["CLibcExtras"], swiftSettings: strict),
        .target(name: "Policy",
                dependencies: [
                    "TOML", "Providers", "Patterns", "Guardrails",
                    .product(name: "Atomics", package: "swift-atomics"),
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),
        .target(name: "Recorder",
                dependencies: [
                    "Providers", "CLibcExtras",
                    .product(name: "GRDB", package: "GRDB.swift"),
                    .product(name: "DequeModule", package: "swift-collections"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),
        .target(name: "Insights", dependencies: ["Providers", "Patterns", "CPCRE2", "Recorder"], resources: [.copy("Resources")],
                swiftSettings: strict),
        .target(name: "Gateway",
                dependencies: [
                    "Policy", "Providers", "Guardrails", "CZlib",
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "HeapModule", package: "swift-collections"),
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "HTTPTypes", package: "swift-http-types"),
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "NIOSSL", package: "swift-nio-ssl"),
                    .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),
        // Notifications: cost alerts, the weekly digest and signed webhook deliveries.
        .target(name: "Notify",
                dependencies: [
                    "Gateway", "Recorder", "Insights", "Policy", "Providers",
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),
        .target(name: "Server",
                dependencies: [
                    "Gateway", "Recorder", "Insights", "Policy", "Providers", "Notify",
                    .product(name: "Hummingbird", package: "hummingbird"),
                    .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                    .product(name: "HTTPTypes", package: "swift-http-types"),
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "Logging", package: "swift-log"),
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "Prometheus", package: "swift-prometheus"),
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                ],
                swiftSettings: strict),
        .executableTarget(name: "CLI",
                dependencies: [
                    "Server", "Policy", "Recorder", "Providers", "Notify", "Insights", "CLibcExtras",
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "ArgumentParser", package: "swift-argument-parser"),
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),

        .executableTarget(name: "ForwardFloor",
                dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio")],
                path: "Benchmarks/ForwardFloor"),
        .executableTarget(name: "TokenLensBench",
                dependencies: ["Recorder", "Providers", "Policy", "Gateway",
                               "Server", "Insights",
                               .product(name: "Logging", package: "swift-log")],
                path: "Benchmarks/TokenLensBench"),

        .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
        .testTarget(name: "ProvidersTests", dependencies: ["Providers"]),
        .testTarget(name: "RecorderTests", dependencies: ["Recorder", "Providers"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Providers", "TOML"]),
        .testTarget(name: "CLITests", dependencies: ["CLI"]),
        .testTarget(name: "InsightsTests", dependencies: ["Insights", "Providers"]),
        .testTarget(name: "GuardrailsTests", dependencies: ["Guardrails", "Providers", "Patterns"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Insights", "Recorder", "Providers", "Policy", "Server"]),
        .testTarget(name: "NotifyTests", dependencies: [
            "Notify", "Recorder", "Policy", "Providers",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "Providers", "Recorder"]),
        .testTarget(name: "GatewayTests", dependencies: [
            "Gateway", "Providers", "Policy",
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)
