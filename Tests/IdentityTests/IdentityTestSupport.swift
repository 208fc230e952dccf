import Bus
import Catalog
import Foundation
import Identity
import ServiceKit
import Sodium
import Support
import TestKit
import Testing
import ZMQ

/// One real catalog for the whole test process (seeding the regions takes a while); read-only
/// for identity's purposes, so tests share it.
enum SharedCatalog {
    static let running = Task<(CatalogService, String), any Error> {
        let folder = temporaryFolder("mpp-identity-catalog")
        let host = try await ServiceHost(configuration: try ServiceConfiguration.fromEnvironment(
            service: CatalogService.name, environment: Environment(serviceEnvironment(folder))),
            migrations: CatalogSchema.migrations, publishesEvents: true, logSink: .memory())
        let service = try await CatalogService(host: host, followIdentity: false)
        return (service, try await host.start().rpc)
    }

    static var endpoint: String {
        get async throws { try await running.value.1 }
    }
}

/// A running identity service over real sockets, with an RPC client to call it.
struct IdentityStack: Sendable {
    let host: ServiceHost
    let service: IdentityService
    let rpc: RPCClient
    let endpoint: String
    let events: String
    let folder: String
    let logs: LogSink

    static let opsUsername = "ops.utama"
    static let opsPassword = "sandi-ops-yang-panjang"

    /// Starts identity against the shared catalog (or `catalog` when given, e.g. a dead
    /// endpoint), after bootstrapping an `ops` account in its data folder.
    /// - Parameter loop: the host's I/O loop; a CURVE identity needs its own (one ZAP handler per libzmq context).
    static func start(clock: (any Clock)? = nil, catalog: String? = nil, environment extra: [String: String] = [:],
                      folder existing: String? = nil, ikd: any IKDVerifier = IKDNotConfigured(),
                      loop: IOLoop = .shared) async throws -> IdentityStack {
        let folder = existing ?? temporaryFolder()
        let environment = Environment(serviceEnvironment(folder, extra))
        if existing == nil {
            _ = try await IdentityBootstrap.createOperator(dataDirectory: folder, username: opsUsername, name: "Operator Platform",
                                                          password: opsPassword, force: false, parameters: .minimum)
        }
        let configuration = try ServiceConfiguration.fromEnvironment(service: IdentityService.name, environment: environment)
        let logs = LogSink.memory()
        let host = try await ServiceHost(configuration: configuration, migrations: IdentitySchema.migrations, publishesEvents: true,
                                         clock: clock ?? SystemClock(), loop: loop, logSink: logs)
        let rpc = RPCClient()
        var catalogEndpoint = catalog ?? ""
        if catalog == nil { catalogEndpoint = try await SharedCatalog.endpoint }
        let service = try await IdentityService(host: host, settings: try IdentitySettings.fromEnvironment(environment),
                                                catalog: .fixed(rpc, endpoint: catalogEndpoint), ikd: ikd)
        let endpoints = try await host.start()
        return IdentityStack(host: host, service: service, rpc: rpc, endpoint: endpoints.rpc, events: endpoints.events ?? "",
                             folder: folder, logs: logs)
    }

    func stop() async {
        await host.shutdown()
        await rpc.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Sends one request; the outcome, error replies included.
    /// - Parameter client: another client than the stack's own (e.g. one with a CURVE key).
    func send<Body: Encodable>(_ method: String, _ body: Body, token: String? = nil, key: String? = nil,
                               via client: RPCClient? = nil) async throws -> Outcome {
        try await (client ?? rpc).send(to: endpoint, method: method, metadata: RequestMetadata(token: token, idempotencyKey: key),
                                       body: try JSON.encode(body), timeout: .seconds(10))
    }

    /// Sends one request and decodes its result; fails the test on an error reply.
    func call<Body: Encodable, Result: Decodable>(_ method: String, _ body: Body, token: String? = nil, key: String? = nil,
                                                  via client: RPCClient? = nil, as: Result.Type = Result.self) async throws -> Result {
        let outcome = try await send(method, body, token: token, key: key, via: client)
        if let error = outcome.error { throw error }
        return try JSON.decode(Result.self, from: outcome.body)
    }

    /// The error of a request expected to fail.
    func failure<Body: Encodable>(_ method: String, _ body: Body, token: String? = nil) async throws -> RPCError {
        let outcome = try await send(method, body, token: token)
        return try #require(outcome.error, "\(method) was expected to fail")
    }

    // MARK: scenarios

    func registerCitizen(nik: String = "3273011501900001", birthDate: String = "1990-01-15",
                         password: String = "kata-sandi-warga") async throws -> AccountView {
        try await call("identity.citizens.register", RegisterCitizen(nik: nik, name: "Siti Aminah", birth_date: birthDate,
                                                                     phone: "081234567890", password: password))
    }

    func login(nik: String = "3273011501900001", password: String = "kata-sandi-warga") async throws -> TokenPair {
        try await call("identity.login", LoginRequest(nik: nik, password: password))
    }

    func login(username: String, password: String) async throws -> TokenPair {
        try await call("identity.login", LoginRequest(username: username, password: password))
    }

    func opsToken() async throws -> String {
        try await login(username: Self.opsUsername, password: Self.opsPassword).access_token
    }

    /// Creates a staff account with `creator`'s token and logs it in.
    func staff(_ username: String, role: Role, agency: String? = nil, region: String? = nil, creator: String) async throws -> TokenPair {
        let password = "sandi-staf-yang-kuat"
        let _: AccountView = try await call("identity.staff.create", CreateStaff(
            username: username, name: "Petugas \(username)", password: password, role: role, agency: agency, region: region),
            token: creator, key: UUID().uuidString)
        return try await login(username: username, password: password)
    }
}
