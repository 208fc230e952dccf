import Bus

/// The registry's liveness logic, pure: instances hold leases renewed by heartbeats and expire
/// after `ttl_ms` of silence. Every change is reported as `up` or `down` for the event stream.
/// Time is passed in (milliseconds), so it is deterministic to test.
///
/// An instance id belongs to whoever registered it (its *owner*: the CURVE key name, or the
/// lease token in plain mode): only the same owner may renew, replace or remove it, and nobody
/// else may register an endpoint an owned instance is serving on. An instance registered
/// without an owner (a plain-mode client that sends no lease token) can be taken by anyone.
public struct LeaseTable: Sendable {
    public enum Change: Sendable, Equatable {
        case up(RegistryAPI.Instance)
        case down(RegistryAPI.Instance, reason: String)
    }

    /// Why a registration, heartbeat or deregistration was refused.
    public enum Refusal: Error, Sendable, Equatable {
        /// No such instance (it must register again).
        case unknown
        /// The instance id belongs to another owner.
        case heldByAnother
        /// The endpoint is served by another owner's live instance.
        case endpointTaken(String)
        /// The table, or the caller's share of it, is full (`capacity`, `perOwnerCapacity`).
        case full
    }

    /// Most live instances the registry holds, and most one owner may hold (anonymous
    /// registrations count as one owner): hostile registrations cannot grow it without bound.
    public static let capacity = 10_000
    public static let perOwnerCapacity = 1_000

    struct Lease: Sendable {
        var record: RegistryAPI.Instance
        var ttl: Int64
        var lastSeen: Int64
        var owner: String?

        func mayBeChanged(by owner: String?) -> Bool { self.owner == nil || self.owner == owner }
    }

    /// Shortest and longest lease a caller may ask for.
    public static let ttlRange: ClosedRange<Int> = 500...300_000

    private var leases: [String: Lease] = [:]

    public init() {}

    /// Registers (or re-registers) an instance for `owner`. Reports `up` when it is new or its
    /// endpoints or version changed; a re-registration that changes nothing only renews the lease.
    public mutating func register(_ request: RegistryAPI.Register, owner: String? = nil, now: Int64,
                                  since: String) throws(Refusal) -> [Change] {
        let ttl = Int64(min(max(request.ttl_ms, Self.ttlRange.lowerBound), Self.ttlRange.upperBound))
        let record = RegistryAPI.Instance(service: request.service, instance: request.instance, rpc: request.rpc,
                                          events: request.events, version: request.version, since: since,
                                          public_key: request.public_key)
        let existing = leases[request.instance]
        if let existing, !existing.mayBeChanged(by: owner) { throw .heldByAnother }
        if owner != nil {
            let endpoints = [request.rpc] + (request.events.map { [$0] } ?? [])
            for lease in leases.values where lease.record.instance != request.instance && lease.owner != nil && lease.owner != owner {
                if let taken = endpoints.first(where: { $0 == lease.record.rpc || $0 == lease.record.events }) {
                    throw .endpointTaken(taken)
                }
            }
        }
        guard var existing else {
            guard leases.count < Self.capacity,
                  leases.values.lazy.filter({ $0.owner == owner }).count < Self.perOwnerCapacity else { throw .full }
            leases[request.instance] = Lease(record: record, ttl: ttl, lastSeen: now, owner: owner)
            return [.up(record)]
        }
        existing.lastSeen = now
        existing.ttl = ttl
        existing.owner = owner ?? existing.owner
        let same = existing.record.service == record.service && existing.record.rpc == record.rpc
            && existing.record.events == record.events && existing.record.version == record.version
            && existing.record.public_key == record.public_key
        if same {
            leases[request.instance] = existing
            return []
        }
        leases[request.instance] = Lease(record: record, ttl: ttl, lastSeen: now, owner: existing.owner)
        return [.down(existing.record, reason: "replaced"), .up(record)]
    }

    /// Renews `owner`'s lease on `instance`.
    public mutating func heartbeat(instance: String, owner: String? = nil, now: Int64) throws(Refusal) {
        guard let lease = leases[instance] else { throw .unknown }
        guard lease.mayBeChanged(by: owner) else { throw .heldByAnother }
        leases[instance]!.lastSeen = now
    }

    /// Removes an instance that is shutting down. Nothing happens for an unknown instance.
    public mutating func deregister(instance: String, owner: String? = nil) throws(Refusal) -> [Change] {
        guard let lease = leases[instance] else { return [] }
        guard lease.mayBeChanged(by: owner) else { throw .heldByAnother }
        leases.removeValue(forKey: instance)
        return [.down(lease.record, reason: "deregistered")]
    }

    /// Removes every instance silent for longer than its TTL.
    public mutating func expire(now: Int64) -> [Change] {
        let expired = leases.values.filter { now - $0.lastSeen > $0.ttl }
        for lease in expired { leases.removeValue(forKey: lease.record.instance) }
        return expired.sorted { $0.record.instance < $1.record.instance }.map { .down($0.record, reason: "expired") }
    }

    /// Live instances of one service, oldest registration first.
    public func lookup(service: String) -> [RegistryAPI.Instance] {
        leases.values.map(\.record).filter { $0.service == service }.sorted { ($0.since, $0.instance) < ($1.since, $1.instance) }
    }

    /// Every live instance, by service then instance.
    public var all: [RegistryAPI.Instance] {
        leases.values.map(\.record).sorted { ($0.service, $0.instance) < ($1.service, $1.instance) }
    }

    public var count: Int { leases.count }
}
