import Bus
import Foundation
import Registry
import ServiceKit
import Support
import TestKit
import Testing
import ZMQ

/// Issue 14, finding 0: a service takes token-verification keys only from an authenticated
/// source, never from whoever the registry lists as `identity` — so a fake identity's key
/// cannot make a forged `ops` token pass.
@Suite(.serialized) struct TokenKeyPathTests {
    let realKey = SigningKey.generate()
    let attackerKey = SigningKey.generate()

    func token(_ key: SigningKey) -> String {
        TokenCodec.sign(AccessClaims(sub: "x", role: .ops, issuedAt: Date(), lifetime: 600), with: key)
    }

    /// A service with one ops-only method that follows identity like every service does.
    func startVictim(_ host: ServiceHost) async throws {
        host.methods.on("victim.ops", roles: [.ops]) { (_: Empty, _: RequestContext) -> Empty in Empty() }
        try await host.start()
        try await host.auth.followIdentity(host: host)
    }

    /// A fake `identity` that answers `identity.keys` with the real key and the attacker's.
    func serveKeys(_ host: ServiceHost, _ keys: [SigningKey]) {
        host.methods.on("identity.keys") { (_: Empty, _: RequestContext) in IdentityKeys(keys: keys.map(\.verificationKey)) }
    }

    func expectOnlyTheRealKeyWorks(_ victim: ServiceHost, via client: ServiceClient) async throws {
        let real = realKey
        #expect(try await eventually { victim.auth.verifier.keyIDs == [real.id] }, "keys: \(victim.auth.verifier.keyIDs)")
        try await Task.sleep(for: .milliseconds(1_500))  // any source would have answered by now
        #expect(victim.auth.verifier.keyIDs == [real.id])
        let forged = try await client.callRaw("victim.ops", body: Array("{}".utf8), options: CallOptions(token: token(attackerKey)))
        #expect(forged.error?.code == .unauthenticated)
        let genuine = try await client.callRaw("victim.ops", body: Array("{}".utf8), options: CallOptions(token: token(realKey)))
        #expect(genuine.error == nil)
    }

    @Test func plainModeKeysComeFromTheKeysFolderNotFromARegisteredFake() async throws {
        let platform = try await TestPlatform.start()
        defer { Task { await platform.stop() } }
        try TokenKeyFile.write([realKey.verificationKey], directory: platform.folder + "/keys")
        let fake = try await platform.host("identity", migrations: [], publishesEvents: false)
        serveKeys(fake, [realKey, attackerKey])
        try await fake.start()
        let victim = try await platform.host("victim", migrations: [], publishesEvents: false, extra: ["MPP_LOG_LEVEL": "info"])
        try await startVictim(victim)
        let clients = platform.clients()
        defer { Task { await clients.rpc.shutdown() } }
        try await expectOnlyTheRealKeyWorks(victim, via: clients.client)
    }

    @Test func curveModeKeysComeOnlyFromAnInstanceHoldingIdentitysKey() async throws {
        let folder = temporaryFolder("mpp-token-path")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keys = folder + "/keys"
        try KeyRing.generate(directory: keys, names: ["registry", "identity", "frontend-web", "victim", "mpp"])
        let port = freePort()
        let registryEndpoint = "tcp://127.0.0.1:\(port)"
        func host(_ service: String, rpcPort: Int = 0) async throws -> ServiceHost {
            try await ServiceHost(configuration: try TestPlatform.configuration(
                service: service, folder: folder + "/" + service, registry: registryEndpoint, rpcPort: rpcPort,
                extra: ["MPP_CURVE": "on", "MPP_KEYS": keys]), migrations: [], publishesEvents: false,
                loop: try IOLoop(name: service), logSink: .memory())  // one ZAP handler per libzmq context
        }
        let registry = try await host("registry", rpcPort: port)
        try await RegistryService(host: registry, sweepInterval: .milliseconds(50)).start()
        let identity = try await host("identity")
        serveKeys(identity, [realKey])
        try await identity.start()
        // The front end's host serves a poisoned key set and tries to register it as identity.
        let web = try await host("frontend-web")
        serveKeys(web, [realKey, attackerKey])
        let webEndpoint = try await web.start().rpc
        let fake = RegistryAPI.Register(service: "identity", instance: "identity-evil", rpc: webEndpoint, events: nil,
                                        version: "0.1.0", ttl_ms: 300_000, public_key: web.keys?.own.publicKey.z85)
        let refused = try await web.rpc.send(to: registryEndpoint, method: "registry.register", body: try JSON.encode(fake),
                                             timeout: .seconds(5))
        #expect(refused.error?.code == .permissionDenied)
        let victim = try await host("victim")
        try await startVictim(victim)
        let ops = ClientStack(registries: [registryEndpoint], keys: try KeyRing.load(directory: keys, name: "mpp"),
                              logger: Logger(service: "mpp", sink: .memory()))
        defer { Task { await ops.rpc.shutdown() } }
        try await expectOnlyTheRealKeyWorks(victim, via: ops.client)
        for host in [victim, web, identity, registry] { await host.shutdown() }
    }
}
