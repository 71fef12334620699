// swift-tools-version: 6.2
// Slipway: a self-hosted CI test-runner and review-app manager. Module layout: README.md, "Architecture".
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "slipway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "slipway", targets: ["slipway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
    ],
    targets: [
        // libgit2 from the system (Debian: libgit2-dev); shim.h wraps variadic calls.
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(name: "GitKit", dependencies: ["CGit2"], swiftSettings: strict),
        // The domain's values (pipelines, apps, builds, releases, dynos, test runs, checks, gate decisions), the
        // store protocols and their errors and input validation: what every other layer speaks.
        .target(
            name: "SlipwayModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(name: "Manifest", swiftSettings: strict),
        .target(name: "Sharding", swiftSettings: strict),
        .target(name: "Processes", swiftSettings: strict),
        // The one launcher for repository code: bubblewrap + setpriv, identities, resource limits.
        .target(name: "Sandbox", dependencies: ["Processes"], swiftSettings: strict),
        .target(
            name: "EdgeRouter",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // Certificates for the router's TLS: a local CA, files on disk, or ACME (RFC 8555) with HTTP-01.
        .target(
            name: "Certificates",
            dependencies: [
                "EdgeRouter",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Store",
            dependencies: [
                "SlipwayModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Add-ons: a PostgreSQL database and a Redis database of its own per app and test run (managed servers or
        // external ones), crash recovery by naming scheme.
        .target(
            name: "AddOns",
            dependencies: [
                "Manifest",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Platform",
            dependencies: [
                "SlipwayModel", "Manifest", "GitKit", "Processes", "Sandbox", "EdgeRouter",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The domain's orchestration: pull requests (reconcile, test, review apps, the merge gate), deploys,
        // startup recovery and the runtimes it drives. It speaks no HTTP.
        .target(
            name: "Orchestration",
            dependencies: [
                "SlipwayModel", "Platform", "Manifest", "GitKit", "EdgeRouter", "TestRunner", "Sharding", "Sandbox", "AddOns",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Reporting back to GitHub: per-pipeline settings and credentials (tokens, GitHub App JWTs), commit statuses
        // from checks, and the sender of the durable outbox (backoff, rate limits, coalescing).
        .target(
            name: "GitHubReporting",
            dependencies: [
                "SlipwayModel", "Orchestration",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The web dashboard: server-rendered pages over the store and the runtimes, mounted by Server.
        .target(
            name: "Dashboard",
            dependencies: [
                "SlipwayModel", "Store", "Orchestration", "Platform", "EdgeRouter", "Processes", "AddOns", "Manifest", "Certificates",
                "TestRunner",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Server",
            dependencies: [
                "SlipwayModel", "Store", "Orchestration", "Dashboard", "Platform", "Manifest", "GitKit", "EdgeRouter", "Certificates",
                "TestRunner", "Sharding", "Sandbox", "Processes", "AddOns", "GitHubReporting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TestRunner",
            dependencies: ["Sharding", "Processes", "Sandbox", "GitKit", "Manifest"],
            swiftSettings: strict
        ),
        .target(
            name: "SlipwayCLI",
            dependencies: [
                "GitKit", "Manifest", "Sharding", "TestRunner", "Server", "Orchestration", "Sandbox", "Platform", "Processes",
                "SlipwayModel", "Store", "Certificates", "GitHubReporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `slipway worker`'s client of the lease API.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "slipway", dependencies: ["SlipwayCLI"], swiftSettings: strict),
        .executableTarget(name: "slipway-bench-shard", dependencies: ["TestRunner", "Sharding"], swiftSettings: strict),
        .executableTarget(name: "slipway-router-bench", dependencies: ["EdgeRouter", .product(name: "NIOSSL", package: "swift-nio-ssl")], swiftSettings: strict),
        .executableTarget(
            name: "slipway-bench-sandbox", dependencies: ["Platform", "Sandbox", "Processes", "EdgeRouter", "Manifest"],
            swiftSettings: strict),
        .executableTarget(name: "slipway-bench-addons", dependencies: ["AddOns", "Manifest"], swiftSettings: strict),
        .executableTarget(name: "slipway-bench-build", dependencies: ["Platform", "Processes"], swiftSettings: strict),

        // What every test target may share: finding the built binary, `eventually`, `requiredInCI`.
        .target(name: "SlipwayTestSupport", path: "Tests/SlipwayTestSupport", swiftSettings: strict),
        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "SlipwayTestSupport"], swiftSettings: strict),
        .testTarget(name: "ManifestTests", dependencies: ["Manifest", "SlipwayTestSupport"], swiftSettings: strict),
        // A throwaway PostgreSQL server for the tests of both stores and of `serve --database postgres://`.
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PostgresTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["SlipwayModel", "Store", "PostgresTestSupport", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Orchestration", "Dashboard", "SlipwayModel", "Store", "GitKit", "Platform", "Sandbox", "Processes", "EdgeRouter",
                "PostgresTestSupport", "SlipwayTestSupport", "AddOns", "Manifest", "Sharding", "GitHubReporting", "TestRunner",
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),  // FuzzRegressionTests: the router's framers
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlatformTests",
            dependencies: ["Platform", "SlipwayModel", "EdgeRouter", "Manifest", "GitKit", "Sandbox", "Processes"], swiftSettings: strict),
        .testTarget(
            name: "OrchestrationTests", dependencies: ["Orchestration", "SlipwayModel", "Store", "Platform", "GitKit"], swiftSettings: strict),
        .testTarget(
            name: "AddOnsTests",
            dependencies: [
                "AddOns", "Manifest", "PostgresTestSupport", "SlipwayTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GitHubReportingTests",
            dependencies: [
                "GitHubReporting", "SlipwayModel", "Store", .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .testTarget(name: "ShardingTests", dependencies: ["Sharding"], swiftSettings: strict),
        // Loopback backends standing in for dynos (HTTP and WebSocket), for the router's tests over HTTP and HTTPS.
        .target(
            name: "RouterTestSupport",
            dependencies: [
                "EdgeRouter",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/RouterTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "EdgeRouterTests",
            dependencies: [
                "EdgeRouter", "RouterTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CertificatesTests",
            dependencies: [
                "Certificates", "EdgeRouter", "SlipwayTestSupport", "RouterTestSupport", "Platform", "Manifest",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TestRunnerTests",
            dependencies: ["TestRunner", "Processes", "Sharding", "Sandbox", "GitKit", "SlipwayTestSupport"],
            swiftSettings: strict
        ),
    ]
)
