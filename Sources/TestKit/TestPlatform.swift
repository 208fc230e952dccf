import Bus
import Foundation
import Registry
import ServiceKit
import Store
import Support

/// A platform for tests, in this process: a real registry on free ports, and service hosts
/// registered with it, each with its own data folder and in-memory logs. Tokens are signed with
/// a test signing key that every host trusts (as identity's key would be).
public final class TestPlatform: Sendable {
    public let registry: ServiceHost
    public let registryEndpoint: String
    public let folder: String
    public let signingKey = SigningKey.generate()
    private let hosts = Mutexed<[ServiceHost]>([])

    public static func start() async throws -> TestPlatform {
        let folder = temporaryFolder("mpp-platform")
        var lastError: any Error = RPCError(.internal, "registry not started")
        for _ in 0..<5 {
            let port = freePort()
            do {
                let host = try await ServiceHost(configuration: try configuration(service: RegistryService.name, folder: folder,
                                                                                  registry: "tcp://127.0.0.1:\(port)", rpcPort: port),
                                                 migrations: [], publishesEvents: true, logSink: .memory())
                try await RegistryService(host: host, sweepInterval: .milliseconds(50)).start()
                return TestPlatform(registry: host, endpoint: "tcp://127.0.0.1:\(port)", folder: folder)
            } catch { lastError = error }
        }
        throw lastError
    }

    private init(registry: ServiceHost, endpoint: String, folder: String) {
        self.registry = registry
        registryEndpoint = endpoint
        self.folder = folder
    }

    /// The configuration of a service instance in this platform.
    public static func configuration(service: String, folder: String, registry: String, rpcPort: Int = 0,
                                     extra: [String: String] = [:]) throws -> ServiceConfiguration {
        try ServiceConfiguration.fromEnvironment(service: service, environment: Environment([
            "MPP_DATA": folder, "MPP_REGISTRY": registry, "MPP_RPC_PORT": "\(rpcPort)", "MPP_EVENTS_PORT": "0",
            "MPP_LOG_LEVEL": "debug", "MPP_INSTANCE": "\(service)-test-\(UUID().uuidString.prefix(8))",
            "MPP_DRAIN_SECONDS": "1", "MPP_LEASE_MS": "2000",
        ].merging(extra) { _, new in new }))
    }

    /// A host for `service` (not started), trusting the platform's signing key. `dataFolder`
    /// reuses a folder (a restart); by default each service gets its own under the platform's.
    /// Every host shares the platform's keys folder, where identity pins its token keys.
    public func host(_ service: String, migrations: [Migration], publishesEvents: Bool = true, clock: any Support.Clock = SystemClock(),
                     dataFolder: String? = nil, extra: [String: String] = [:]) async throws -> ServiceHost {
        let folder = dataFolder ?? (self.folder + "/" + service)
        let extra = ["MPP_KEYS": self.folder + "/keys"].merging(extra) { _, given in given }
        let host = try await ServiceHost(configuration: try Self.configuration(service: service, folder: folder, registry: registryEndpoint, extra: extra),
                                         migrations: migrations, publishesEvents: publishesEvents, clock: clock, logSink: .memory())
        host.auth.verifier.setKeys([signingKey.verificationKey])
        hosts.update { $0.append(host) }
        return host
    }

    /// A signed access token.
    public func token(sub: String, role: Role, agency: String? = nil, region: String? = nil, verified: Bool? = nil,
                      lifetime: TimeInterval = 900) -> String {
        TokenCodec.sign(AccessClaims(sub: sub, role: role, agency: agency, region: region, issuedAt: SystemClock().now(), lifetime: lifetime,
                                     verified: verified), with: signingKey)
    }

    /// A client stack that finds services through this platform's registry.
    public func clients() -> ClientStack {
        ClientStack(registries: [registryEndpoint], keys: nil, logger: Logger(service: "test-client", level: .error, sink: .memory()))
    }

    /// Shuts down every host, then the registry, and removes the data.
    public func stop() async {
        for host in hosts.get().reversed() { await host.shutdown() }
        await registry.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
