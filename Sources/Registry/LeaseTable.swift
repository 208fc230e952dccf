import Bus

/// The registry's liveness logic, pure: instances hold leases renewed by heartbeats and expire
/// after `ttl_ms` of silence. Every change is reported as `up` or `down` for the event stream.
/// Time is passed in (milliseconds), so it is deterministic to test.
public struct LeaseTable: Sendable {
    public enum Change: Sendable, Equatable {
        case up(RegistryAPI.Instance)
        case down(RegistryAPI.Instance, reason: String)
    }

    struct Lease: Sendable {
        var record: RegistryAPI.Instance
        var ttl: Int64
        var lastSeen: Int64
    }

    /// Shortest and longest lease a caller may ask for.
    public static let ttlRange: ClosedRange<Int> = 500...300_000

    private var leases: [String: Lease] = [:]

    public init() {}

    /// Registers (or re-registers) an instance. Reports `up` when it is new or its endpoints or
    /// version changed; a re-registration that changes nothing only renews the lease.
    public mutating func register(_ request: RegistryAPI.Register, now: Int64, since: String) -> [Change] {
        let ttl = Int64(min(max(request.ttl_ms, Self.ttlRange.lowerBound), Self.ttlRange.upperBound))
        let record = RegistryAPI.Instance(service: request.service, instance: request.instance, rpc: request.rpc,
                                          events: request.events, version: request.version, since: since,
                                          public_key: request.public_key)
        if var existing = leases[request.instance] {
            existing.lastSeen = now
            existing.ttl = ttl
            let same = existing.record.service == record.service && existing.record.rpc == record.rpc
                && existing.record.events == record.events && existing.record.version == record.version
                && existing.record.public_key == record.public_key
            if same {
                leases[request.instance] = existing
                return []
            }
            leases[request.instance] = Lease(record: record, ttl: ttl, lastSeen: now)
            return [.down(existing.record, reason: "replaced"), .up(record)]
        }
        leases[request.instance] = Lease(record: record, ttl: ttl, lastSeen: now)
        return [.up(record)]
    }

    /// Renews a lease. False when the instance is unknown (it must register again).
    public mutating func heartbeat(instance: String, now: Int64) -> Bool {
        guard leases[instance] != nil else { return false }
        leases[instance]!.lastSeen = now
        return true
    }

    /// Removes an instance that is shutting down.
    public mutating func deregister(instance: String) -> [Change] {
        guard let lease = leases.removeValue(forKey: instance) else { return [] }
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
