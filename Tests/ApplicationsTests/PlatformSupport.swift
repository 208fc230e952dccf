import Applications
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

/// Registry, catalog and identity running in this process on ephemeral ports, each with its own
/// data folder; an `ops` account exists. Services find each other through the registry.
final class Platform: Sendable {
    let folder: String
    let registryEndpoint: String
    let rpc = RPCClient()
    let opsToken: String
    private let hosts: [ServiceHost]
    /// The services answer through `[unowned self]` handlers: they must outlive the platform.
    private let services: [any Sendable]
    /// Executables of a deployed platform.
    private let children: [ServiceProcess]

    /// One platform for the whole test process (seeding the catalog takes a while).
    static let shared = Task<Platform, any Error> { try await Platform.start() }

    static let opsUsername = "ops.aplikasi"
    static let opsPassword = "sandi-operator-yang-panjang"

    static func start() async throws -> Platform {
        let folder = temporaryFolder("mpp-applications-platform")
        // The registry binds first; nobody else knows its address yet, so it points at a dead port.
        let registry = try await ServiceHost(
            configuration: try ServiceConfiguration.fromEnvironment(
                service: RegistryService.name, environment: Environment(serviceEnvironment(folder + "/registry", registry: unreachableRegistry, logLevel: "info",
                                                                                     uniqueInstance: true))),
            migrations: [], publishesEvents: true, logSink: .memory())
        let registryService = RegistryService(host: registry, sweepInterval: .milliseconds(50))
        try await registryService.start()
        let endpoint = try #require(registry.boundEndpoints).rpc

        let catalog = try await host(CatalogService.name, folder: folder, registry: endpoint, migrations: CatalogSchema.migrations)
        let catalogService = try await CatalogService(host: catalog)
        try await catalog.start()

        let identityFolder = folder + "/identity"
        _ = try await IdentityBootstrap.createOperator(dataDirectory: identityFolder, username: opsUsername, name: "Operator Uji",
                                                      password: opsPassword, force: false, parameters: .minimum)
        let environment = serviceEnvironment(identityFolder, registry: endpoint, logLevel: "info", uniqueInstance: true)
        let identity = try await ServiceHost(
            configuration: try ServiceConfiguration.fromEnvironment(service: IdentityService.name, environment: Environment(environment)),
            migrations: IdentitySchema.migrations, publishesEvents: true, logSink: .memory())
        let identityService = try await IdentityService(host: identity, settings: try IdentitySettings.fromEnvironment(Environment(environment)))
        let identityEndpoint = try await identity.start().rpc

        // The sla service's event stream (its events are written straight into its outbox).
        let sla = try await host("sla", folder: folder, registry: endpoint, migrations: [])
        try await Outbox.install(in: sla.store)
        try await sla.start()

        let rpc = RPCClient()
        let outcome = try await rpc.send(to: identityEndpoint, method: "identity.login",
                                         body: try JSON.encode(LoginRequest(username: opsUsername, password: opsPassword)), timeout: .seconds(10))
        if let error = outcome.error { throw error }
        let ops = try JSON.decode(TokenPair.self, from: outcome.body).access_token
        await rpc.shutdown()
        return Platform(folder: folder, registry: endpoint, ops: ops, hosts: [registry, catalog, identity, sla],
                        services: [registryService, catalogService, identityService])
    }

    private init(folder: String, registry: String, ops: String, hosts: [ServiceHost], services: [any Sendable],
                 children: [ServiceProcess] = []) {
        self.services = services
        self.children = children
        self.folder = folder
        registryEndpoint = registry
        opsToken = ops
        self.hosts = hosts
    }

    /// The real executables: `mpp-registry`, `mpp-catalog`, `mpp-identity` (with an ops account
    /// bootstrapped in its data folder first), each a child process on ephemeral ports.
    static func executables() async throws -> Platform {
        let folder = temporaryFolder("mpp-applications-deployed")
        var children: [ServiceProcess] = []
        do {
            children.append(try ServiceProcess("mpp-registry", data: folder + "/registry", registry: unreachableRegistry, logLevel: "info",
                                               uniqueInstance: true))
            let endpoint = try await children[0].serving()
            _ = try await IdentityBootstrap.createOperator(dataDirectory: folder + "/identity", username: opsUsername, name: "Operator Uji",
                                                          password: opsPassword, force: false, parameters: .minimum)
            children.append(try ServiceProcess("mpp-catalog", data: folder + "/catalog", registry: endpoint, logLevel: "info", uniqueInstance: true))
            children.append(try ServiceProcess("mpp-identity", data: folder + "/identity", registry: endpoint, logLevel: "info", uniqueInstance: true))
            for child in children { _ = try await child.serving() }
            let token = try await opsLogin(registry: endpoint)
            return Platform(folder: folder, registry: endpoint, ops: token, hosts: [], services: [], children: children)
        } catch {
            for child in children.reversed() { child.kill() }
            throw error
        }
    }

    /// The ops account's token, once identity answers through discovery.
    private static func opsLogin(registry: String) async throws -> String {
        let stack = ClientStack(registries: [registry], keys: nil, logger: Logger(service: "test", level: .error, sink: .memory()))
        let ops = Mutexed<String?>(nil)
        _ = await eventually(timeout: .seconds(20)) {
            let pair = try? await stack.client.call("identity.login", LoginRequest(username: opsUsername, password: opsPassword),
                                                    as: TokenPair.self, options: CallOptions(timeout: .seconds(2), attempts: 1))
            ops.set(pair?.access_token)
            return pair != nil
        }
        await stack.rpc.shutdown()
        guard let token = ops.get() else { throw RPCError(.unavailable, "identity did not let ops log in") }
        return token
    }

    /// Publishes an `sla.*` event as the sla service would (in-process platforms only).
    func publishSLA<Data: Encodable & Sendable>(_ type: String, _ data: Data, subject: String) async throws {
        guard hosts.count > 3 else { throw RPCError(.failedPrecondition, "no sla stream in this platform") }
        let sla = hosts[3]
        try await sla.store.write { db in
            try Outbox.append(db, stream: "sla", type: type, data: data, time: Date(), subject: subject)
        }
    }

    /// A host of `service` in this platform (not started).
    static func host(_ service: String, folder: String, registry: String, migrations: [Migration],
                     clock: any Support.Clock = SystemClock(), extra: [String: String] = [:]) async throws -> ServiceHost {
        let environment = Environment(serviceEnvironment(folder + "/" + service, registry: registry, logLevel: "info", uniqueInstance: true, extra))
        return try await ServiceHost(configuration: try ServiceConfiguration.fromEnvironment(service: service, environment: environment),
                                     migrations: migrations, publishesEvents: true, clock: clock, logSink: .memory())
    }

    /// A client stack that discovers services through this platform's registry.
    func clients() -> ClientStack {
        ClientStack(registries: [registryEndpoint], keys: nil, logger: Logger(service: "test", level: .error, sink: .memory()))
    }

    /// Stops the executables (SIGTERM, waiting for each): safe in a `defer`, unlike `stop()`,
    /// whose task may not run before the test process exits.
    func stopChildren() {
        for child in children.reversed() { _ = child.stop() }
    }

    /// Shuts every host down (newest first) and removes the data.
    func stop() async {
        stopChildren()
        for host in hosts.reversed() { await host.shutdown() }
        await rpc.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// An applications service in this process, registered with a platform.
struct RunningApplications: Sendable {
    let host: ServiceHost
    let service: ApplicationsService
    let endpoint: String
    let events: String
    let folder: String

    static func start(_ platform: Platform, folder: String? = nil, settings: ApplicationsSettings = ApplicationsSettings(),
                      clock: any Support.Clock = SystemClock()) async throws -> RunningApplications {
        let folder = folder ?? temporaryFolder()
        let host = try await Platform.host(ApplicationsService.name, folder: folder, registry: platform.registryEndpoint,
                                           migrations: ApplicationsSchema.migrations, clock: clock)
        let service = try await ApplicationsService(host: host, settings: settings)
        let endpoints = try await host.start()
        // Ready once identity's keys have arrived.
        _ = await eventually { !host.auth.verifier.keyIDs.isEmpty }
        return RunningApplications(host: host, service: service, endpoint: endpoints.rpc, events: endpoints.events ?? "", folder: folder)
    }

    func stop() async {
        await host.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
