// swift-tools-version:6.0
import PackageDescription

/// MPP Digital: one shared platform for every Mal Pelayanan Publik.
/// No Swift package dependencies: Foundation, Dispatch and three C libraries from Debian.
let package = Package(
    name: "MPPDigital",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mpp", targets: ["mpp"]),
        .executable(name: "mpp-registry", targets: ["mpp-registry"]),
        .executable(name: "mpp-bench", targets: ["mpp-bench"]),
        .executable(name: "mpp-catalog", targets: ["mpp-catalog"]),
        .executable(name: "mpp-identity", targets: ["mpp-identity"]),
        .executable(name: "mpp-applications", targets: ["mpp-applications"]),
        .executable(name: "mpp-sla", targets: ["mpp-sla"]),
        .executable(name: "mpp-notifications", targets: ["mpp-notifications"]),
        .executable(name: "mpp-notify-worker", targets: ["mpp-notify-worker"]),
    ],
    targets: [
        // C libraries from the distribution.
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Kernel interfaces Glibc's Swift module leaves out (epoll, eventfd): headers only, nothing to link.
        .systemLibrary(name: "CEpoll"),

        // Thin bindings.
        .target(name: "ZMQ", dependencies: ["CZeroMQ"]),
        .target(name: "Sodium", dependencies: ["CSodium"]),
        .target(name: "Store", dependencies: ["CSQLite", "Support"]),

        // Shared primitives: JSON logs, clock, metrics, environment, backoff.
        .target(name: "Support"),

        // A strict, small HTTP/1.1 server for behind nginx: one epoll thread, Content-Length bodies, SSE.
        .target(name: "HTTPServer", dependencies: ["CEpoll", "Support"]),

        // MPP/1 over ZeroMQ: RPC, events, registry client.
        .target(name: "Bus", dependencies: ["ZMQ", "Store", "Support"]),

        // Everything a service needs: lifecycle, configuration, tokens, authorization.
        .target(name: "ServiceKit", dependencies: ["Bus", "Store", "Support", "Sodium", "ZMQ"]),

        // Shared domain values: NIK, region codes, tracking numbers, business calendar, SKM.
        // The province → time zone table is compiled in, so every executable has it without a bundle.
        .target(name: "Domain", dependencies: ["Support"], resources: [.embedInCode("Reference/province_timezones.csv")]),

        // One library per service.
        .target(name: "Registry", dependencies: ["ServiceKit", "Bus", "Store", "Support"]),
        .target(name: "Catalog", dependencies: ["ServiceKit", "Bus", "Store", "Support", "Domain"],
                resources: [.copy("Reference")]),
        .target(name: "Identity", dependencies: ["ServiceKit", "Bus", "Store", "Support", "Sodium", "Domain"]),
        .target(name: "Applications", dependencies: ["ServiceKit", "Bus", "Store", "Support", "Sodium", "Domain"]),
        .target(name: "SLA", dependencies: ["ServiceKit", "Bus", "Store", "Support", "Domain"],
                resources: [.copy("Calendars")]),
        .target(name: "Notifications", dependencies: ["ServiceKit", "Bus", "Store", "Support", "Domain"]),
        .target(name: "NotifyWorker", dependencies: ["Notifications", "ServiceKit", "Bus", "Support", "Sodium"]),

        // The `mpp` command line.
        .target(name: "MPPCommand", dependencies: ["ServiceKit", "Bus", "Support", "ZMQ", "Sodium", "Domain", "Catalog", "Identity",
                                                   "Applications", "SLA", "Notifications", "NotifyWorker"]),

        // Test support shared by the test targets: a real in-process platform (registry, hosts, tokens).
        .target(name: "TestKit", dependencies: ["Registry", "ServiceKit", "Bus", "Store", "Support", "ZMQ"]),

        // Thin executables.
        .executableTarget(name: "mpp", dependencies: ["MPPCommand"]),
        .executableTarget(name: "mpp-registry", dependencies: ["Registry", "ServiceKit"]),
        .executableTarget(name: "mpp-catalog", dependencies: ["Catalog", "ServiceKit"]),
        .executableTarget(name: "mpp-identity", dependencies: ["Identity", "ServiceKit"]),
        .executableTarget(name: "mpp-applications", dependencies: ["Applications", "ServiceKit"]),
        .executableTarget(name: "mpp-sla", dependencies: ["SLA", "ServiceKit"]),
        .executableTarget(name: "mpp-notifications", dependencies: ["Notifications", "ServiceKit"]),
        .executableTarget(name: "mpp-notify-worker", dependencies: ["NotifyWorker", "ServiceKit"]),
        .executableTarget(name: "mpp-bench", dependencies: ["Bus", "ZMQ", "CZeroMQ", "Store", "Support", "ServiceKit", "Sodium", "Domain", "TestKit",
                                                         "Catalog", "Identity", "Applications", "SLA", "Notifications", "NotifyWorker"]),

        // Tests.
        .testTarget(name: "ZMQTests", dependencies: ["ZMQ", "TestKit", "Support"]),
        .testTarget(name: "SodiumTests", dependencies: ["Sodium"]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "CEpoll", "Support"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "BusTests", dependencies: ["Bus", "TestKit", "ZMQ", "Store", "Support"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "TestKit", "Bus", "ServiceKit"]),
        .testTarget(name: "ServiceKitTests", dependencies: ["ServiceKit", "TestKit", "Sodium", "Bus", "Registry", "ZMQ"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Bus", "ZMQ", "Store", "Support", "TestKit", "Identity", "ServiceKit"]),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "Support"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "TestKit", "ServiceKit", "Bus", "Store", "Support", "Domain"]),
        .testTarget(name: "ApplicationsTests", dependencies: ["Applications", "TestKit", "Catalog", "Identity", "Registry", "ServiceKit", "Bus", "Store", "Support", "Domain"]),
        .testTarget(name: "SLATests", dependencies: ["SLA", "TestKit", "Applications", "Catalog", "Identity", "Registry", "ServiceKit", "Bus", "Store", "Support", "Domain"]),
        .testTarget(name: "NotificationsTests", dependencies: ["Notifications", "NotifyWorker", "Applications", "Catalog", "Identity", "Registry", "ServiceKit", "Bus", "Store", "Support", "Domain"]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "TestKit", "Catalog", "Registry", "ServiceKit", "Bus", "Store", "Support", "Sodium", "Domain", "ZMQ"]),
    ],
    swiftLanguageModes: [.v6]
)
