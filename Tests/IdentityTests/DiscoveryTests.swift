import Bus
import Catalog
import Foundation
import Identity
import Registry
import ServiceKit
import Store
import Support
import TestKit
import Testing

/// The whole path as deployed: a registry, a catalog and identity found through it, and another
/// service that follows identity with `host.auth.followIdentity` (keys and revocations).
@Suite("Identity through discovery")
struct DiscoveryTests {
    /// Starts a host registered with `registry` (or, for the registry itself, with nobody).
    static func host(_ service: String, registry: String, folder: String, migrations: [Migration] = []) async throws -> ServiceHost {
        try await ServiceHost(configuration: try ServiceConfiguration.fromEnvironment(
            service: service, environment: Environment(serviceEnvironment(folder, registry: registry))),
            migrations: migrations, publishesEvents: true, logSink: .memory())
    }

    @Test func anotherServiceFollowsIdentityThroughTheRegistry() async throws {
        let folder = temporaryFolder("mpp-identity-discovery")
        var hosts: [ServiceHost] = []
        var services: [any Sendable] = []  // handlers hold their service unowned: keep them until the hosts stop
        defer {
            let started = hosts, running = services
            Task {
                for host in started.reversed() { await host.shutdown() }
                withExtendedLifetime(running) {}
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        let registryHost = try await Self.host(RegistryService.name, registry: "tcp://127.0.0.1:9", folder: folder + "/registry")
        let registry = RegistryService(host: registryHost, sweepInterval: .milliseconds(100))
        try await registry.start()
        hosts.append(registryHost)
        let registryEndpoint = try #require(registryHost.boundEndpoints?.rpc)

        let catalogHost = try await Self.host(CatalogService.name, registry: registryEndpoint, folder: folder + "/catalog",
                                              migrations: CatalogSchema.migrations)
        services.append(try await CatalogService(host: catalogHost, followIdentity: false))
        try await catalogHost.start()
        hosts.append(catalogHost)

        let identityHost = try await Self.host(IdentityService.name, registry: registryEndpoint, folder: folder + "/identity",
                                               migrations: IdentitySchema.migrations)
        services.append(try await IdentityService(host: identityHost,
                                                  settings: try IdentitySettings.fromEnvironment(Environment(serviceEnvironment(folder)))))
        try await identityHost.start()
        hosts.append(identityHost)

        let probeHost = try await Self.host("probe", registry: registryEndpoint, folder: folder + "/probe")
        probeHost.methods.on("probe.whoami") { (_: Empty, context: RequestContext) in try probeHost.auth.claims(context) }
        try await probeHost.auth.followIdentity(host: probeHost)
        try await probeHost.start()
        hosts.append(probeHost)

        // Registration asks the catalog found through the registry.
        let client = identityHost.client
        let options = CallOptions(timeout: .seconds(10))
        let citizen = try await client.call("identity.citizens.register", RegisterCitizen(
            nik: "3273011501900001", name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890", password: "kata-sandi-warga"),
            as: AccountView.self, options: options)
        let pair = try await client.call("identity.login", LoginRequest(nik: "3273011501900001", password: "kata-sandi-warga"),
                                         as: TokenPair.self, options: options)

        // The probe learns the keys from identity.keys and accepts the token…
        let accepted = try await eventually(timeout: .seconds(10)) {
            let outcome = try await client.callRaw("probe.whoami", body: Array("{}".utf8), options: CallOptions(token: pair.access_token))
            return outcome.error == nil
        }
        #expect(accepted)
        // …and refuses it once identity announces the logout.
        _ = try await client.call("identity.logout", LogoutRequest(refresh_token: pair.refresh_token), as: LogoutReply.self, options: options)
        let refused = try await eventually(timeout: .seconds(10)) {
            let outcome = try await client.callRaw("probe.whoami", body: Array("{}".utf8), options: CallOptions(token: pair.access_token))
            return outcome.error?.code == .unauthenticated
        }
        #expect(refused)
        #expect(citizen.nik == "3273011501900001")
    }
}
