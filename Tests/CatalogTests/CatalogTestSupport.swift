import Bus
import Catalog
import Domain
import Foundation
import ServiceKit
import Support
import TestKit

/// A catalog store seeded once per test process; tests start from copies of it, so each gets
/// its own catalog without paying for the seed again.
let seededTemplate = Task<String, any Error> {
    let catalog = try await RunningCatalog.start(seed: .fromFiles)
    await catalog.host.shutdown()
    return catalog.host.configuration.databasePath
}

/// A catalog served in this process on an ephemeral loopback port, with its own store, and a
/// signing key whose tokens it accepts.
struct RunningCatalog: Sendable {
    enum Seed { case fromFiles, copyOfTemplate }

    let host: ServiceHost
    let service: CatalogService
    let rpc: String
    let events: String
    let folder: String
    let key: SigningKey
    let client: RPCClient

    /// Starts a catalog; `folder` reuses a data folder (a restart).
    static func start(seed: Seed = .copyOfTemplate, folder: String? = nil) async throws -> RunningCatalog {
        let folder = folder ?? temporaryFolder()
        if seed == .copyOfTemplate {
            let target = folder + "/catalog.db"
            if !FileManager.default.fileExists(atPath: target) {
                try FileManager.default.copyItem(atPath: try await seededTemplate.value, toPath: target)
            }
        }
        let configuration = try ServiceConfiguration.fromEnvironment(service: CatalogService.name, environment: Environment(serviceEnvironment(
            folder, logLevel: "warning", ["MPP_INSTANCE": "catalog-test-\(UUID().uuidString.prefix(8))"])))
        let host = try await ServiceHost(configuration: configuration, migrations: CatalogSchema.migrations, publishesEvents: true,
                                         logSink: .memory())
        let service = try await CatalogService(host: host, followIdentity: false)
        let endpoints = try await host.start()
        let key = SigningKey.generate()
        host.auth.verifier.setKeys([key.verificationKey])
        return RunningCatalog(host: host, service: service, rpc: endpoints.rpc, events: endpoints.events ?? "", folder: folder,
                              key: key, client: RPCClient())
    }

    func stop(keepFolder: Bool = false) async {
        await client.shutdown()
        await host.shutdown()
        if !keepFolder { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// A token of `role` signed with this catalog's trusted key.
    func token(_ role: Role, region: String? = nil, sub: String = "staff-1") -> String {
        TokenCodec.sign(AccessClaims(sub: sub, role: role, region: region, issuedAt: Date(), lifetime: 600), with: key)
    }

    /// Calls a method; returns the outcome, errors included.
    func call<Body: Encodable>(_ method: String, _ body: Body, token: String? = nil, idempotencyKey: String? = nil) async throws -> Outcome {
        try await client.send(to: rpc, method: method, metadata: RequestMetadata(token: token, idempotencyKey: idempotencyKey),
                              body: try JSON.encode(body), timeout: .seconds(10))
    }

    /// Calls a method with a raw JSON body.
    func call(_ method: String, json: String, token: String? = nil) async throws -> Outcome {
        try await client.send(to: rpc, method: method, metadata: RequestMetadata(token: token), body: Array(json.utf8), timeout: .seconds(10))
    }

    /// Calls a method that must succeed and decodes its result.
    func get<Body: Encodable, Result: Decodable>(_ method: String, _ body: Body, as: Result.Type = Result.self,
                                                 token: String? = nil) async throws -> Result {
        let outcome = try await call(method, body, token: token)
        if let error = outcome.error { throw error }
        return try JSON.decode(Result.self, from: outcome.body)
    }

    /// Every event in the catalog's outbox.
    func outbox() async throws -> [EventsReadReply.Item] {
        let outcome = try await call("events.read", EventsReadRequest(after: 0, limit: 10_000))
        return try EventsReadReply(bytes: outcome.body).events
    }
}

/// Rows of a shipped reference file (header excluded), straight from the file: the first field of
/// each (codes are never quoted).
func referenceCodes(_ name: String) throws -> [String] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Catalog/Reference/\(name)")
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(whereSeparator: \.isNewline).dropFirst().map { String($0.prefix { $0 != "," }) }
}

/// Runs `body` against a fresh catalog (a copy of the seeded template) and always stops it.
func withCatalog(_ body: (RunningCatalog) async throws -> Void) async throws {
    let catalog = try await RunningCatalog.start()
    do {
        try await body(catalog)
    } catch {
        await catalog.stop()
        throw error
    }
    await catalog.stop()
}
