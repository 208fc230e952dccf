import Bus
import Domain
import Foundation
import Notifications
import Registry
import ServiceKit
import Store
import Support

/// The rest of the platform as a notifications test needs it, in this process and over real
/// sockets: a registry, an identity stand-in answering `identity.keys` (tokens are signed here),
/// and publishers of the `applications` and `sla` streams — real hosts with real outboxes whose
/// events go out through the real event protocol.
struct TestPlatform: Sendable {
    let folder: String
    let registry: ServiceHost
    let identity: ServiceHost
    let applications: ServiceHost
    let sla: ServiceHost
    let key: SigningKey
    let stack: ClientStack

    var registryEndpoint: String { registry.boundEndpoints?.rpc ?? "" }

    static func start() async throws -> TestPlatform {
        let folder = temporaryFolder()
        let registry = try await ServiceHost(configuration: try configuration("registry", folder: folder, registry: "tcp://127.0.0.1:1"),
                                             migrations: [], publishesEvents: true, logSink: .memory())
        try await RegistryService(host: registry, sweepInterval: .milliseconds(100)).start()
        let endpoint = try registry.boundEndpoints.orFail("registry endpoints").rpc
        let key = SigningKey.generate()
        let identity = try await host("identity", folder: folder, registry: endpoint)
        identity.methods.on("identity.keys") { (_: Empty, _: RequestContext) in IdentityKeys(keys: [key.verificationKey]) }
        try TokenKeyFile.write([key.verificationKey], directory: keysFolder(folder))  // where plain-mode services take keys from
        try await identity.start()
        let applications = try await host("applications", folder: folder, registry: endpoint)
        try await applications.start()
        let sla = try await host("sla", folder: folder, registry: endpoint)
        try await sla.start()
        let logger = Logger(service: "test", level: .warning, sink: .memory())
        return TestPlatform(folder: folder, registry: registry, identity: identity, applications: applications, sla: sla, key: key,
                            stack: ClientStack(registries: [endpoint], keys: nil, logger: logger))
    }

    /// The keys folder the platform's services share (identity's pinned token keys).
    static func keysFolder(_ folder: String) -> String { folder + "/keys" }

    /// `MPP_TEST_LOGS=1` shows the notifications service's log lines.
    static var logSink: LogSink { ProcessInfo.processInfo.environment["MPP_TEST_LOGS"] == "1" ? .standardError : .memory() }

    static func configuration(_ service: String, folder: String, registry: String, extra: [String: String] = [:]) throws -> ServiceConfiguration {
        try ServiceConfiguration.fromEnvironment(service: service, environment: Environment([
            "MPP_DATA": folder, "MPP_RPC_PORT": "0", "MPP_EVENTS_PORT": "0", "MPP_REGISTRY": registry,
            "MPP_DRAIN_SECONDS": "1", "MPP_LOG_LEVEL": ProcessInfo.processInfo.environment["MPP_TEST_LOGS"] == "1" ? "debug" : "warning", "MPP_LEASE_MS": "1000", "MPP_INSTANCE": "\(service)-\(UUID().uuidString.prefix(8))",
        ].merging(extra) { _, new in new }))
    }

    static func host(_ service: String, folder: String, registry: String) async throws -> ServiceHost {
        try await ServiceHost(configuration: try configuration(service, folder: folder, registry: registry), migrations: [],
                              publishesEvents: true, logSink: .memory())
    }

    /// A notifications service in this process, with its own data folder.
    func notifications(settings: NotificationsSettings = NotificationsSettings(), folder: String? = nil) async throws -> RunningNotifications {
        let data = folder ?? temporaryFolder("mpp-notifications-data")
        let host = try await ServiceHost(configuration: try Self.configuration("notifications", folder: data, registry: registryEndpoint),
                                         migrations: NotificationsService.migrations, publishesEvents: true, logSink: Self.logSink)
        host.auth.verifier.setKeys([key.verificationKey])
        let service = try await NotificationsService(host: host, settings: settings)
        try await service.start()
        return RunningNotifications(host: host, rpc: try host.boundEndpoints.orFail("notifications endpoints").rpc)
    }

    /// A signed access token.
    func token(_ sub: String, _ role: Role = .citizen, agency: String? = nil, region: String? = nil) -> String {
        TokenCodec.sign(AccessClaims(sub: sub, role: role, agency: agency, region: region, issuedAt: Date(), lifetime: 3600), with: key)
    }

    /// Appends events to a stand-in's outbox in one transaction (published after the commit).
    func publish<Data: Encodable & Sendable>(_ host: ServiceHost, _ type: String, _ events: [Data]) async throws {
        let stream = host.configuration.stream
        try await host.store.write { db in
            for data in events { try Outbox.append(db, stream: stream, type: type, data: data, time: Date()) }
        }
    }

    func stop() async {
        await stack.rpc.shutdown()
        for host in [sla, applications, identity, registry] { await host.shutdown() }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// A notifications service running in the test process.
struct RunningNotifications: Sendable {
    let host: ServiceHost
    let rpc: String

    func count(_ sql: String, _ params: [SQLValue] = []) async throws -> Int {
        try await host.store.read { try $0.queryOne(sql, params)?.int("n") ?? 0 }
    }

    func stop() async {
        let folder = host.configuration.dataDirectory
        await host.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

// MARK: events

enum Events {
    static func statusChanged(_ tracking: String, citizen: String, from: String = "submitted", to: String = "verified",
                              region: String = "32.73", agency: String = "disdukcapil") -> ApplicationEvents.StatusChanged {
        ApplicationEvents.StatusChanged(
            tracking_number: tracking, citizen: citizen, service: "ktp-el", service_version: 1, region: region, agency: agency,
            from: from, to: to, action: "verify", actor_role: "officer", actor: "officer-1", claimed_by: "officer-1",
            paused: false, terminal: ["completed", "rejected", "cancelled"].contains(to), note: nil, time: Timestamp.format(Date()))
    }

    static func fact(_ tracking: String, citizen: String, claimedBy: String? = "officer-1", rung: Int? = nil, role: String? = nil) -> SLAEvents.Fact {
        SLAEvents.Fact(tracking_number: tracking, citizen: citizen, service: "ktp-el", region: "32.73", agency: "disdukcapil",
                       claimed_by: claimedBy, at: "2026-01-05T10:00:00.000Z", deadline: "2026-01-05T09:00:00.000Z",
                       budget_used: 1.1, rung: rung, role: role)
    }
}

// MARK: calls

/// Calls a method on an endpoint; decodes the result or throws the error reply.
func call<Body: Encodable, Result: Decodable>(_ client: RPCClient, _ endpoint: String, _ method: String, _ body: Body,
                                              token: String? = nil, as: Result.Type = Result.self, key: String? = nil) async throws -> Result {
    let outcome = try await send(client, endpoint, method, body, token: token, key: key)
    if let error = outcome.error { throw error }
    return try JSON.decode(Result.self, from: outcome.body)
}

/// Calls a method; returns the raw outcome (errors included).
func send<Body: Encodable>(_ client: RPCClient, _ endpoint: String, _ method: String, _ body: Body,
                           token: String? = nil, key: String? = nil) async throws -> Outcome {
    try await client.send(to: endpoint, method: method, metadata: RequestMetadata(token: token, idempotencyKey: key),
                          body: try JSON.encode(body), timeout: .seconds(10))
}

/// Polls `condition` every 25 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(15), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}

func temporaryFolder(_ prefix: String = "mpp-notifications-test") -> String {
    let path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

extension Optional {
    func orFail(_ what: String) throws -> Wrapped {
        guard let self else { throw RPCError(.internal, "\(what) missing") }
        return self
    }
}
