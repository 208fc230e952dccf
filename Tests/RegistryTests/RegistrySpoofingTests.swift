import Bus
import Foundation
import Registry
import ServiceKit
import Support
import TestKit
import Testing
import ZMQ

/// Issue 14, finding 0: nobody takes over another instance's registration, and in CURVE mode a
/// key registers only as its own service, with its own public key.
@Suite struct RegistrySpoofingTests {
    static func lookup(_ client: RPCClient, _ registry: RunningRegistry, _ service: String) async throws -> [RegistryAPI.Instance] {
        let outcome = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: service))
        return try JSON.decode(RegistryAPI.Instances.self, from: outcome.body).instances
    }

    @Test func plainModeAnonymousCallersCannotHijackOrRemoveARealInstance() async throws {
        let registry = try await RunningRegistry.start()
        defer { Task { await registry.stop() } }
        let real = RPCClient(), attacker = RPCClient()
        defer { Task { await real.shutdown(); await attacker.shutdown() } }
        // The real identity registers through the directory, as every service does (with its lease token).
        let directory = ServiceDirectory(registries: [registry.rpc], client: real, logger: Logger(service: "identity", sink: .memory()))
        await directory.register(registration("identity-real", service: "identity", rpc: "tcp://127.0.0.1:4100", ttl: 60_000))
        #expect(try await eventually { try await Self.lookup(attacker, registry, "identity").count == 1 })

        let hijack = try await call(attacker, registry.rpc, "registry.register",
                                    registration("identity-real", service: "identity", rpc: "tcp://127.0.0.1:6666", ttl: 300_000))
        #expect(hijack.error?.code == .permissionDenied)
        let guessed = RegistryAPI.InstanceRef(instance: "identity-real", lease_token: "a-guessed-token-0000")
        for ref in [RegistryAPI.InstanceRef(instance: "identity-real"), guessed] {
            #expect(try await call(attacker, registry.rpc, "registry.deregister", ref).error?.code == .permissionDenied)
            #expect(try await call(attacker, registry.rpc, "registry.heartbeat", ref).error?.code == .permissionDenied)
        }
        let listed = try await Self.lookup(attacker, registry, "identity")
        #expect(listed.map(\.rpc) == ["tcp://127.0.0.1:4100"], "the real endpoint stays")
        #expect(registry.logs.captured.contains { $0.contains("held by another caller") }, "refusals are logged")
        await directory.deregister()
        #expect(try await Self.lookup(attacker, registry, "identity").isEmpty, "the owner itself deregisters")
    }

    @Test func leaseTokensAreCheckedForShapeAndNeverListed() async throws {
        let registry = try await RunningRegistry.start()
        defer { Task { await registry.stop() } }
        let client = RPCClient()
        defer { Task { await client.shutdown() } }
        var bad = registration("x-1")
        bad.lease_token = "short"
        #expect(try await call(client, registry.rpc, "registry.register", bad).error?.code == .invalidArgument)
        var good = registration("x-1")
        good.lease_token = "a-secret-lease-token-1234"
        #expect(try await call(client, registry.rpc, "registry.register", good).error == nil)
        let listed = try await call(client, registry.rpc, "registry.list", Empty())
        #expect(!String(decoding: listed.body, as: UTF8.self).contains("a-secret-lease-token"))
        #expect(!registry.logs.captured.contains { $0.contains("a-secret-lease-token") })
    }

    @Test func curveModeAKeyRegistersOnlyAsItsOwnServiceWithItsOwnKey() async throws {
        let keys = temporaryFolder("mpp-registry-keys")
        defer { try? FileManager.default.removeItem(atPath: keys) }
        try KeyRing.generate(directory: keys, names: ["registry", "identity", "frontend-web"])
        let registry = try await RunningRegistry.start(extra: ["MPP_CURVE": "on", "MPP_KEYS": keys])
        defer { Task { await registry.stop() } }
        let ring = try KeyRing.load(directory: keys, name: "registry")
        let registryKey = try #require(ring.publicKey(named: "registry"))
        func client(_ name: String) throws -> RPCClient {
            let own = try KeyRing.load(directory: keys, name: name).own
            return RPCClient(security: .curve(keyPair: own, serverKey: { _ in registryKey }))
        }
        let web = try client("frontend-web"), identity = try client("identity")
        defer { Task { await web.shutdown(); await identity.shutdown() } }
        let webKey = try #require(ring.publicKey(named: "frontend-web")).z85
        let identityKey = try #require(ring.publicKey(named: "identity")).z85

        // A front end's key may not register as identity, whatever public key it advertises.
        for key in [webKey, identityKey] {
            let fake = RegistryAPI.Register(service: "identity", instance: "identity-evil", rpc: "tcp://127.0.0.1:6666", events: nil,
                                            version: "0.1.0", ttl_ms: 300_000, public_key: key)
            #expect(try await call(web, registry.rpc, "registry.register", fake).error?.code == .permissionDenied)
        }
        // identity's key may, but only with its own public key.
        var real = RegistryAPI.Register(service: "identity", instance: "identity-1", rpc: "tcp://127.0.0.1:4100", events: nil,
                                        version: "0.1.0", ttl_ms: 300_000, public_key: webKey)
        #expect(try await call(identity, registry.rpc, "registry.register", real).error?.code == .permissionDenied)
        real.public_key = identityKey
        #expect(try await call(identity, registry.rpc, "registry.register", real).error == nil)

        // The front end can neither take the id nor squat on the endpoint nor remove it.
        var squat = RegistryAPI.Register(service: "frontend-web", instance: "identity-1", rpc: "tcp://127.0.0.1:4200", events: nil,
                                         version: "0.1.0", ttl_ms: 300_000, public_key: webKey)
        #expect(try await call(web, registry.rpc, "registry.register", squat).error?.code == .permissionDenied)
        squat.instance = "web-1"
        squat.rpc = "tcp://127.0.0.1:4100"
        #expect(try await call(web, registry.rpc, "registry.register", squat).error?.code == .alreadyExists)
        #expect(try await call(web, registry.rpc, "registry.deregister", RegistryAPI.InstanceRef(instance: "identity-1")).error?.code
                == .permissionDenied)
        #expect(try await call(web, registry.rpc, "registry.heartbeat", RegistryAPI.InstanceRef(instance: "identity-1")).error?.code
                == .permissionDenied)
        let listed = try await Self.lookup(identity, registry, "identity")
        #expect(listed.map(\.instance) == ["identity-1"] && listed.first?.public_key == identityKey)
    }

    @Test func clientsIgnoreInstancesWhoseKeyMayNotServeTheirService() async throws {
        let keys = temporaryFolder("mpp-trust-keys")
        defer { try? FileManager.default.removeItem(atPath: keys) }
        try KeyRing.generate(directory: keys, names: ["identity", "identity_b", "frontend-web", "mpp"])
        let ring = try KeyRing.load(directory: keys, name: "mpp")
        func instance(_ service: String, key: String?) -> RegistryAPI.Instance {
            RegistryAPI.Instance(service: service, instance: "\(service)-1", rpc: "tcp://127.0.0.1:1", events: nil, version: "1",
                                 since: "t", public_key: key.flatMap { ring.publicKey(named: $0)?.z85 })
        }
        #expect(ring.mayServe(instance("identity", key: "identity")))
        #expect(ring.mayServe(instance("identity", key: "identity_b")))
        #expect(!ring.mayServe(instance("identity", key: "frontend-web")))
        #expect(!ring.mayServe(instance("identity", key: nil)))
        #expect(ring.mayServe(instance("frontend-web", key: "frontend-web")))
        var stranger = instance("identity", key: nil)
        stranger.public_key = try CurveKeyPair.generate().publicKey.z85
        #expect(!ring.mayServe(stranger), "a key outside the folder serves nothing")
    }

    @Test func theDirectoryUsesOnlyTrustedInstances() async throws {
        let registry = try await RunningRegistry.start()
        defer { Task { await registry.stop() } }
        let client = RPCClient()
        defer { Task { await client.shutdown() } }
        for (instance, port) in [("identity-real", 4100), ("identity-evil", 6666)] {
            _ = try await call(client, registry.rpc, "registry.register",
                               registration(instance, service: "identity", rpc: "tcp://127.0.0.1:\(port)"))
        }
        let logs = LogSink.memory()
        let directory = ServiceDirectory(registries: [registry.rpc], client: client, logger: Logger(service: "victim", sink: logs),
                                         trusts: { $0.instance != "identity-evil" })
        #expect(await directory.instances(of: "identity").map(\.instance) == ["identity-real"])
        #expect(logs.captured.contains { $0.contains("ignoring an instance") && $0.contains("identity-evil") })
    }
}
