import Bus
import Foundation
import Support

/// A region as the catalog describes it (`catalog.regions.get`); identity reads what it needs.
public struct RegionInfo: Codable, Sendable, Equatable {
    public var code: String
    public var name: String
    public var level: String
    public var historical: Bool?
}

/// How identity reaches the catalog: through discovery (the normal case) or a fixed endpoint.
public struct CatalogConnection: Sendable {
    let send: @Sendable (_ body: [UInt8]) async throws -> Outcome

    /// Finds catalog instances through the registry (the service's own `host.client`).
    public static func discovered(_ client: ServiceClient) -> CatalogConnection {
        CatalogConnection { body in
            try await client.callRaw("catalog.regions.get", body: body, options: CallOptions(timeout: .seconds(2), attempts: 2))
        }
    }

    /// Always asks the catalog at `endpoint` (one instance known in advance, e.g. in tests).
    public static func fixed(_ rpc: RPCClient, endpoint: String) -> CatalogConnection {
        CatalogConnection { body in
            try await rpc.send(to: endpoint, method: "catalog.regions.get", body: body, timeout: .seconds(2))
        }
    }
}

/// Answers "does this region code exist" from the catalog, with a bounded cache of answers,
/// positive and negative (negative ones for a tenth of the time: a region added to the catalog
/// is seen soon). When the catalog cannot answer, lookups throw `unavailable`: an unchecked
/// code is never accepted silently.
public final class RegionDirectory: Sendable {
    private struct Key: Hashable {
        var code: String
        var historical: Bool
    }

    private struct Entry {
        var region: RegionInfo?
        var expires: Date
    }

    private let connection: CatalogConnection
    private let clock: any Clock
    private let lifetime: TimeInterval
    private let capacity: Int
    private let cache = Mutexed<[Key: Entry]>([:])
    private let counters = Mutexed<(hits: Int, misses: Int)>((0, 0))

    public init(connection: CatalogConnection, clock: any Clock, lifetime: TimeInterval = 3_600, capacity: Int = 20_000) {
        self.connection = connection
        self.clock = clock
        self.lifetime = lifetime
        self.capacity = max(16, capacity)
    }

    /// The region with `code` (any level, dots optional); nil when the catalog knows no such
    /// region. With `historical`, codes of the 2016–2023 lists count too (NIK districts).
    public func region(_ code: String, historical: Bool) async throws -> RegionInfo? {
        let key = Key(code: code, historical: historical)
        let now = clock.now()
        if let entry = cache.get()[key], entry.expires > now {
            counters.update { $0.hits += 1 }
            return entry.region
        }
        counters.update { $0.misses += 1 }
        let region = try await ask(code, historical: historical)
        let expires = now + (region == nil ? lifetime / 10 : lifetime)
        let capacity = capacity
        cache.update { table in
            if table.count >= capacity {
                table = table.filter { $0.value.expires > now }
                if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            }
            table[key] = Entry(region: region, expires: expires)
        }
        return region
    }

    /// Cache hits and misses so far.
    public var statistics: (hits: Int, misses: Int) { counters.get() }

    private func ask(_ code: String, historical: Bool) async throws -> RegionInfo? {
        struct Request: Encodable { var code: String; var historical: Bool }
        let outcome: Outcome
        do {
            outcome = try await connection.send(try JSON.encode(Request(code: code, historical: historical)))
        } catch {
            throw Self.unavailable("\(error)")
        }
        if let error = outcome.error {
            // A malformed code is as unknown as a well-formed one that does not exist.
            if error.code == .notFound || error.code == .invalidArgument { return nil }
            throw Self.unavailable(error.description)
        }
        do {
            return try JSON.decode(RegionInfo.self, from: outcome.body)
        } catch {
            throw Self.unavailable("unreadable catalog reply")
        }
    }

    private static func unavailable(_ reason: String) -> RPCError {
        RPCError(.unavailable, "katalog wilayah tidak tersedia, coba lagi (catalog unavailable, retry)",
                 details: ["dependency": "catalog", "reason": .string(reason)])
    }
}
