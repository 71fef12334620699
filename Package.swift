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
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libgit2 from the system (Debian: libgit2-dev); shim.h wraps variadic calls.
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(name: "GitKit", dependencies: ["CGit2"], swiftSettings: strict),
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
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Store",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
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
                "Manifest", "GitKit", "Processes", "Sandbox", "EdgeRouter",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Server",
            dependencies: [
                "Store", "Platform", "Manifest", "GitKit", "EdgeRouter", "TestRunner", "Sharding", "Sandbox", "Processes",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
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
                "GitKit", "Manifest", "Sharding", "TestRunner", "Server", "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "slipway", dependencies: ["SlipwayCLI"], swiftSettings: strict),
        .executableTarget(name: "slipway-bench-shard", dependencies: ["TestRunner", "Sharding"], swiftSettings: strict),
        .executableTarget(name: "slipway-router-bench", dependencies: ["EdgeRouter"], swiftSettings: strict),
        .executableTarget(
            name: "slipway-bench-sandbox", dependencies: ["Platform", "Sandbox", "Processes", "EdgeRouter", "Manifest"],
            swiftSettings: strict),
        .executableTarget(name: "slipway-bench-addons", dependencies: ["AddOns", "Manifest"], swiftSettings: strict),
        .executableTarget(name: "slipway-bench-build", dependencies: ["Platform", "Processes"], swiftSettings: strict),

        .testTarget(name: "GitKitTests", dependencies: ["GitKit"], swiftSettings: strict),
        .testTarget(name: "ManifestTests", dependencies: ["Manifest"], swiftSettings: strict),
        // A throwaway PostgreSQL server for the tests of both stores and of `serve --database postgres://`.
        .target(
            name: "PostgresTestSupport",
            dependencies: [.product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/PostgresTestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "StoreTests", dependencies: ["Store", "PostgresTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Store", "GitKit", "Platform", "Sandbox", "Processes", "PostgresTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "EdgeRouter", "Manifest", "GitKit", "Sandbox"], swiftSettings: strict),
        .testTarget(
            name: "AddOnsTests",
            dependencies: ["AddOns", "Manifest", "PostgresTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strict
        ),
        .testTarget(name: "ShardingTests", dependencies: ["Sharding"], swiftSettings: strict),
        .testTarget(
            name: "EdgeRouterTests",
            dependencies: [
                "EdgeRouter",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TestRunnerTests",
            dependencies: ["TestRunner", "Processes", "Sharding", "Sandbox"],
            swiftSettings: strict
        ),
    ]
)
