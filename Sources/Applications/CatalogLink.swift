import Bus
import Domain
import Foundation
import Support

/// `catalog.availability.get` reply: whether a service is offered in a kab/kota, where, for how much.
public struct Availability: Codable, Sendable, Equatable {
    public var offered: Bool
    public var site: String?
    public var fee_idr: Int?
}

/// What the applications service asks the catalog, cached: service definitions per
/// (id, version) for good (a version never changes), the current version of each service and
/// the availability per (service, kab/kota) for `ttl` (or until `catalog.service_changed`).
public final class CatalogLink: Sendable {
    private struct Timed<Value: Sendable>: Sendable {
        var value: Value
        var until: Date
    }

    private let client: ServiceClient
    private let clock: any Clock
    private let ttl: TimeInterval
    private let definitions = Mutexed<[String: ServiceDefinition]>([:])
    private let current = Mutexed<[String: Timed<Int>]>([:])
    private let offers = Mutexed<[String: Timed<Availability>]>([:])
    private let regions = Mutexed<[String: Bool]>([:])

    public init(client: ServiceClient, clock: any Clock, ttl: TimeInterval = 60) {
        self.client = client
        self.clock = clock
        self.ttl = ttl
    }

    /// The service's definition: `version` nil = the current one.
    public func definition(_ service: String, version: Int? = nil) async throws -> ServiceDefinition {
        let now = clock.now()
        let wanted = version ?? current.get()[service].flatMap { $0.until > now ? $0.value : nil }
        if let wanted, let known = definitions.get()[Self.key(service, wanted)] { return known }
        let definition = try await client.call("catalog.services.get", ServiceQuery(id: service, version: version),
                                               as: ServiceDefinition.self, options: CallOptions(timeout: .seconds(3)))
        let number = definition.version ?? 1
        definitions.update { $0[Self.key(service, number)] = definition }
        if version == nil { current.update { $0[service] = Timed(value: number, until: now + ttl) } }
        return definition
    }

    /// Whether `service` is offered in kab/kota `region`.
    public func availability(_ service: String, region: String) async throws -> Availability {
        let key = Self.key(service, region), now = clock.now()
        if let known = offers.get()[key], known.until > now { return known.value }
        let availability = try await client.call("catalog.availability.get", AvailabilityQuery(service: service, region: region),
                                                 as: Availability.self, options: CallOptions(timeout: .seconds(3)))
        offers.update { $0[key] = Timed(value: availability, until: now + ttl) }
        return availability
    }

    /// Which of `codes` name existing regions (`catalog.regions.get`; answers are kept).
    public func existingRegions(_ codes: [RegionCode]) async throws -> [String: Bool] {
        var answers: [String: Bool] = [:]
        for code in Set(codes) {
            if let known = regions.update({ $0[code.value] }) {
                answers[code.value] = known
                continue
            }
            let outcome = try await client.callRaw("catalog.regions.get", body: try JSON.encode(["code": code.value]),
                                                   options: CallOptions(timeout: .seconds(3)))
            if let error = outcome.error, error.code != .notFound { throw error }
            answers[code.value] = !outcome.isError
            regions.update { $0[code.value] = !outcome.isError }
        }
        return answers
    }

    /// A definition already known, without asking the catalog.
    public func known(_ service: String, version: Int) -> ServiceDefinition? {
        definitions.update { $0[Self.key(service, version)] }
    }

    /// Keeps a definition learnt elsewhere (e.g. from the store after a restart).
    public func remember(_ definition: ServiceDefinition) {
        definitions.update { $0[Self.key(definition.id, definition.version ?? 1)] = definition }
    }

    /// Forgets what may have changed about `service` (nil: every service).
    public func invalidate(_ service: String?) {
        guard let service else {
            current.set([:])
            offers.set([:])
            return
        }
        current.update { $0[service] = nil }
        offers.update { $0 = $0.filter { !$0.key.hasPrefix(service + "\u{1F}") } }
    }

    /// Applies a `catalog.service_changed` event: the service id is the subject or `data.id`.
    public func serviceChanged(_ event: CloudEvent) {
        invalidate(event.data["id"]?.stringValue ?? event.data["service"]?.stringValue ?? event.subject)
    }

    static func key(_ service: String, _ part: some CustomStringConvertible) -> String { service + "\u{1F}" + part.description }

    /// The cache key of a definition: its id and version.
    static func key(_ definition: ServiceDefinition) -> String { key(definition.id, definition.version ?? 1) }

    struct ServiceQuery: Codable, Sendable {
        var id: String
        var version: Int?
    }

    struct AvailabilityQuery: Codable, Sendable {
        var service: String
        var region: String
    }
}
