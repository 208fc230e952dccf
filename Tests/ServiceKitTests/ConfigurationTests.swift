import Bus
import Foundation
import ServiceKit
import Support
import Testing

/// `ServiceConfiguration.fromEnvironment`: embedded defaults, every variable, every problem at once.
@Suite struct ConfigurationTests {
    static func read(_ values: [String: String], service: String = "catalog", rpcPort: Int = 0,
                     eventsPort: Int = 0) throws -> ServiceConfiguration {
        try ServiceConfiguration.fromEnvironment(service: service, defaultRPCPort: rpcPort, defaultEventsPort: eventsPort,
                                                 environment: Environment(values))
    }

    @Test func defaultsOfAnEmptyEnvironment() throws {
        let configuration = try Self.read([:])
        #expect(configuration.service == "catalog")
        #expect(configuration.version == MPPVersion.current)
        #expect(configuration.registries == ["tcp://127.0.0.1:7700"])
        #expect(configuration.registries == [RegistryAPI.defaultEndpoint])
        #expect(configuration.dataDirectory == "./var")
        #expect(configuration.databasePath == "./var/catalog.db")
        #expect(configuration.bindHost == "127.0.0.1")
        #expect(configuration.advertiseHost == "127.0.0.1")
        #expect(configuration.rpcPort == 0 && configuration.eventsPort == 0)
        #expect(configuration.rpcBindAddress == "tcp://127.0.0.1:*", "port 0 = ephemeral")
        #expect(configuration.eventsBindAddress == "tcp://127.0.0.1:*")
        #expect(configuration.logLevel == .info)
        #expect(configuration.curve == false)
        #expect(configuration.keysDirectory == "./var/keys")
        #expect(configuration.instance.hasPrefix("catalog-"))
        #expect(configuration.instance.hasSuffix("-\(getpid())"), "instance = service-host-pid: \(configuration.instance)")
        #expect(configuration.drainTimeout == .seconds(10))
        #expect(configuration.idempotencyWindow == 24 * 3600)
        #expect(configuration.maxMessageBytes == 8 << 20)
        #expect(configuration.leaseMilliseconds == 5_000)
        #expect(configuration.shard == nil)
        #expect(configuration.stream == "catalog", "the event stream is the service's name")
    }

    @Test func shardNamesTheStream() throws {
        let configuration = try Self.read(["MPP_SHARD": "b"], service: "registry")
        #expect(configuration.shard == "b")
        #expect(configuration.stream == "registry/b")
        #expect(configuration.databasePath == "./var/registry.db")
    }

    @Test func serviceDefaultPortsApplyUnlessOverridden() throws {
        let registry = try Self.read([:], service: "registry", rpcPort: 7700, eventsPort: 7701)
        #expect(registry.rpcBindAddress == "tcp://127.0.0.1:7700")
        #expect(registry.eventsBindAddress == "tcp://127.0.0.1:7701")
        let moved = try Self.read(["MPP_RPC_PORT": "7710", "MPP_EVENTS_PORT": "0"], service: "registry", rpcPort: 7700, eventsPort: 7701)
        #expect(moved.rpcPort == 7710 && moved.eventsPort == 0)
        #expect(moved.eventsBindAddress == "tcp://127.0.0.1:*")
    }

    @Test func everyVariableIsRead() throws {
        let configuration = try Self.read([
            "MPP_REGISTRY": "tcp://10.0.0.1:7700, tcp://10.0.0.2:7700,,",
            "MPP_DATA": "/srv/mpp",
            "MPP_BIND_HOST": "10.0.0.5",
            "MPP_ADVERTISE_HOST": "catalog.mpp.local",
            "MPP_RPC_PORT": "7720",
            "MPP_EVENTS_PORT": "7721",
            "MPP_LOG_LEVEL": "WARNING",
            "MPP_CURVE": "on",
            "MPP_KEYS": "/etc/mpp/keys",
            "MPP_INSTANCE": "catalog-a",
            "MPP_DRAIN_SECONDS": "3",
            "MPP_IDEMPOTENCY_HOURS": "2",
            "MPP_MAX_MESSAGE_BYTES": "65536",
            "MPP_LEASE_MS": "1500",
            "MPP_SHARD": "east-1",
        ])
        #expect(configuration.registries == ["tcp://10.0.0.1:7700", "tcp://10.0.0.2:7700"])
        #expect(configuration.dataDirectory == "/srv/mpp")
        #expect(configuration.databasePath == "/srv/mpp/catalog.db")
        #expect(configuration.bindHost == "10.0.0.5")
        #expect(configuration.advertiseHost == "catalog.mpp.local")
        #expect(configuration.rpcBindAddress == "tcp://10.0.0.5:7720")
        #expect(configuration.eventsBindAddress == "tcp://10.0.0.5:7721")
        #expect(configuration.logLevel == .warning)
        #expect(configuration.curve)
        #expect(configuration.keysDirectory == "/etc/mpp/keys")
        #expect(configuration.instance == "catalog-a")
        #expect(configuration.drainTimeout == .seconds(3))
        #expect(configuration.idempotencyWindow == 7_200)
        #expect(configuration.maxMessageBytes == 65_536)
        #expect(configuration.leaseMilliseconds == 1_500)
        #expect(configuration.stream == "catalog/east-1")
    }

    @Test func keysFolderFollowsTheDataFolder() throws {
        #expect(try Self.read(["MPP_DATA": "/data"]).keysDirectory == "/data/keys")
    }

    @Test(arguments: [("0.0.0.0", "127.0.0.1"), ("*", "127.0.0.1"), ("127.0.0.1", "127.0.0.1"), ("192.168.1.9", "192.168.1.9")])
    func advertisedHostDefaultsToSomethingReachable(bind: String, advertised: String) throws {
        #expect(try Self.read(["MPP_BIND_HOST": bind, "MPP_CURVE": "on"]).advertiseHost == advertised)
    }

    @Test(arguments: [("on", true), ("ON", true), ("1", true), ("true", true), ("yes", true),
                      ("off", false), ("0", false), ("false", false), ("no", false), ("", false), ("  ", false)])
    func curveSwitch(text: String, expected: Bool) throws {
        #expect(try Self.read(["MPP_CURVE": text]).curve == expected)
    }

    @Test(arguments: [("debug", LogLevel.debug), ("trace", .debug), ("info", .info), ("warn", .warning), ("error", .error)])
    func logLevels(text: String, expected: LogLevel) throws {
        #expect(try Self.read(["MPP_LOG_LEVEL": text]).logLevel == expected)
    }

    @Test func blankValuesMeanTheDefault() throws {
        let configuration = try Self.read(["MPP_DATA": "  ", "MPP_RPC_PORT": "", "MPP_REGISTRY": " "])
        #expect(configuration.dataDirectory == "./var")
        #expect(configuration.rpcPort == 0)
        #expect(configuration.registries == [RegistryAPI.defaultEndpoint])
    }

    @Test func everyBadVariableIsReportedInOneError() throws {
        let bad = [
            "MPP_RPC_PORT": "abc",
            "MPP_EVENTS_PORT": "70000",
            "MPP_LOG_LEVEL": "loud",
            "MPP_CURVE": "maybe",
            "MPP_REGISTRY": "tcp://127.0.0.1:7700,http://registry:7700",
            "MPP_DRAIN_SECONDS": "-1",
            "MPP_IDEMPOTENCY_HOURS": "0",
            "MPP_MAX_MESSAGE_BYTES": "12",
            "MPP_LEASE_MS": "100",
            "MPP_SHARD": "a/b",
        ]
        do {
            _ = try Self.read(bad)
            Issue.record("bad configuration accepted")
        } catch let error as ConfigurationProblems {
            #expect(Set(error.problems.map(\.variable)) == Set(bad.keys))
            #expect(error.problems.count == bad.count, "each variable once: \(error)")
            for (variable, value) in bad {
                let text = value.contains(",") ? "http://registry:7700" : value
                #expect(error.description.contains(variable) && error.description.contains(text),
                        "the message names \(variable) and its value: \(error)")
            }
            #expect(error.description.hasPrefix("configuration: "))
        }
    }

    @Test(arguments: ["-1", "65536", "7.5", "0x10", "port"])
    func portsOutOfRangeOrNotWholeNumbersAreRejected(text: String) throws {
        #expect(throws: ConfigurationProblems.self) { try Self.read(["MPP_RPC_PORT": text]) }
    }

    @Test func rangeBoundsAreAccepted() throws {
        let low = try Self.read(["MPP_RPC_PORT": "0", "MPP_LEASE_MS": "500", "MPP_MAX_MESSAGE_BYTES": "1024",
                                 "MPP_DRAIN_SECONDS": "0", "MPP_IDEMPOTENCY_HOURS": "1"])
        #expect(low.leaseMilliseconds == 500 && low.maxMessageBytes == 1_024 && low.drainTimeout == .zero)
        let high = try Self.read(["MPP_RPC_PORT": "65535", "MPP_LEASE_MS": "300000", "MPP_MAX_MESSAGE_BYTES": "\(256 << 20)",
                                  "MPP_DRAIN_SECONDS": "600", "MPP_IDEMPOTENCY_HOURS": "720"])
        #expect(high.rpcPort == 65_535 && high.leaseMilliseconds == 300_000 && high.idempotencyWindow == 720 * 3600)
    }

    @Test func ipcRegistriesAreAccepted() throws {
        #expect(try Self.read(["MPP_REGISTRY": "ipc:///run/mpp/registry"]).registries == ["ipc:///run/mpp/registry"])
    }
}
