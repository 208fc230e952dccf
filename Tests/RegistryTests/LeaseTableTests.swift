import Bus
import Registry
import Testing

/// The registry's pure liveness logic: time is passed in milliseconds, so every boundary is exact.
@Suite struct LeaseTableTests {
    static func request(_ instance: String = "catalog-1", service: String = "catalog", rpc: String = "tcp://127.0.0.1:7000",
                        events: String? = "tcp://127.0.0.1:7001", version: String = "1.0", ttl: Int = 1_000,
                        key: String? = nil) -> RegistryAPI.Register {
        RegistryAPI.Register(service: service, instance: instance, rpc: rpc, events: events, version: version,
                             ttl_ms: ttl, public_key: key)
    }

    static func record(_ request: RegistryAPI.Register, since: String) -> RegistryAPI.Instance {
        RegistryAPI.Instance(service: request.service, instance: request.instance, rpc: request.rpc, events: request.events,
                             version: request.version, since: since, public_key: request.public_key)
    }

    @Test func registeringANewInstanceReportsUp() {
        let table = Table()
        let request = Self.request()
        let changes = table.register(request, now: 0, since: "2026-01-01T00:00:00.000Z")
        #expect(changes == [.up(Self.record(request, since: "2026-01-01T00:00:00.000Z"))])
        #expect(table.count == 1)
        #expect(table.lookup(service: "catalog") == [Self.record(request, since: "2026-01-01T00:00:00.000Z")])
    }

    @Test func sameReRegistrationChangesNothingButRenewsTheLease() {
        let table = Table()
        let request = Self.request(ttl: 1_000)
        _ = table.register(request, now: 0, since: "T0")
        // Same endpoints and version, later: no event, the original `since` is kept, the lease renewed.
        #expect(table.register(request, now: 900, since: "T9").isEmpty)
        #expect(table.lookup(service: "catalog").map(\.since) == ["T0"])
        #expect(table.expire(now: 1_500).isEmpty, "renewed at 900, so alive until 1900")
        #expect(table.expire(now: 1_900).isEmpty)
        #expect(table.expire(now: 1_901) == [.down(Self.record(request, since: "T0"), reason: "expired")])
    }

    @Test func reRegistrationWithOnlyANewTTLKeepsTheRecordAndUsesTheNewTTL() {
        let table = Table()
        _ = table.register(Self.request(ttl: 1_000), now: 0, since: "T0")
        #expect(table.register(Self.request(ttl: 5_000), now: 0, since: "T1").isEmpty)
        #expect(table.expire(now: 4_000).isEmpty)
        #expect(table.expire(now: 5_001).count == 1)
    }

    @Test(arguments: [
        ("rpc", LeaseTableTests.request(rpc: "tcp://127.0.0.1:9000")),
        ("events", LeaseTableTests.request(events: "tcp://127.0.0.1:9001")),
        ("no events", LeaseTableTests.request(events: nil)),
        ("version", LeaseTableTests.request(version: "2.0")),
        ("public key", LeaseTableTests.request(key: String(repeating: "k", count: 40))),
        ("service", LeaseTableTests.request(service: "identity")),
    ])
    func changedRegistrationReportsReplacedThenUp(_ what: String, _ changed: RegistryAPI.Register) {
        let table = Table()
        let original = Self.request()
        _ = table.register(original, now: 0, since: "T0")
        let changes = table.register(changed, now: 10, since: "T1")
        #expect(changes == [.down(Self.record(original, since: "T0"), reason: "replaced"), .up(Self.record(changed, since: "T1"))],
                "changing \(what)")
        #expect(table.count == 1)
        #expect(table.all == [Self.record(changed, since: "T1")])
    }

    @Test func heartbeatRenewsKnownAndRejectsUnknown() {
        let table = Table()
        #expect(table.heartbeat(instance: "ghost", now: 0) == false)
        #expect(table.count == 0, "a heartbeat never creates a lease")
        _ = table.register(Self.request(ttl: 1_000), now: 0, since: "T0")
        #expect(table.heartbeat(instance: "catalog-1", now: 800))
        #expect(table.expire(now: 1_800).isEmpty)
        #expect(table.heartbeat(instance: "catalog-1", now: 1_700))
        #expect(table.expire(now: 2_700).isEmpty)
        #expect(table.expire(now: 2_701).count == 1)
        #expect(table.heartbeat(instance: "catalog-1", now: 2_702) == false, "expired: must register again")
    }

    @Test func expiryIsStrictlyAfterTheTTL() {
        let table = Table()
        let request = Self.request(ttl: 500)
        _ = table.register(request, now: 1_000, since: "T0")
        #expect(table.expire(now: 1_000).isEmpty)
        #expect(table.expire(now: 1_499).isEmpty)
        #expect(table.expire(now: 1_500).isEmpty, "silent for exactly ttl: still alive")
        #expect(table.expire(now: 1_501) == [.down(Self.record(request, since: "T0"), reason: "expired")])
        #expect(table.count == 0)
        #expect(table.expire(now: 10_000).isEmpty, "reported once")
        #expect(table.lookup(service: "catalog").isEmpty)
    }

    @Test func expiryOnlyRemovesSilentInstancesAndReportsThemByName() {
        let table = Table()
        _ = table.register(Self.request("c-2", ttl: 500), now: 0, since: "T0")
        _ = table.register(Self.request("c-1", ttl: 500), now: 0, since: "T0")
        _ = table.register(Self.request("c-3", ttl: 500), now: 0, since: "T0")
        #expect(table.heartbeat(instance: "c-3", now: 400))
        let changes = table.expire(now: 600)
        #expect(changes.map(Self.instanceName) == ["c-1", "c-2"])
        #expect(changes.allSatisfy { if case .down(_, "expired") = $0 { true } else { false } })
        #expect(table.all.map(\.instance) == ["c-3"])
    }

    @Test func ttlIsClampedToTheAllowedRange() {
        #expect(LeaseTable.ttlRange == 500...300_000)
        let table = Table()
        _ = table.register(Self.request("short", ttl: 1), now: 0, since: "T0")
        _ = table.register(Self.request("negative", ttl: -5), now: 0, since: "T0")
        _ = table.register(Self.request("long", ttl: 10_000_000), now: 0, since: "T0")
        #expect(table.expire(now: 500).isEmpty, "a 1 ms ttl is raised to 500")
        #expect(table.expire(now: 501).map(Self.instanceName) == ["negative", "short"])
        #expect(table.expire(now: 300_000).isEmpty, "a huge ttl is capped at 300000")
        #expect(table.expire(now: 300_001).map(Self.instanceName) == ["long"])
    }

    @Test func deregisterReportsDownOnceAndIgnoresUnknown() {
        let table = Table()
        let request = Self.request()
        _ = table.register(request, now: 0, since: "T0")
        #expect(table.deregister(instance: "catalog-1") == [.down(Self.record(request, since: "T0"), reason: "deregistered")])
        #expect(table.deregister(instance: "catalog-1").isEmpty)
        #expect(table.deregister(instance: "never-seen").isEmpty)
        #expect(table.count == 0)
        #expect(table.heartbeat(instance: "catalog-1", now: 1) == false)
        // Registering again after leaving is a new instance.
        #expect(table.register(request, now: 2, since: "T2") == [.up(Self.record(request, since: "T2"))])
    }

    @Test func lookupIsOldestRegistrationFirstThenByInstance() {
        let table = Table()
        _ = table.register(Self.request("c-b"), now: 0, since: "2026-01-01T00:00:02.000Z")
        _ = table.register(Self.request("c-z"), now: 0, since: "2026-01-01T00:00:01.000Z")
        _ = table.register(Self.request("c-a"), now: 0, since: "2026-01-01T00:00:02.000Z")
        _ = table.register(Self.request("i-1", service: "identity"), now: 0, since: "2026-01-01T00:00:00.000Z")
        #expect(table.lookup(service: "catalog").map(\.instance) == ["c-z", "c-a", "c-b"])
        #expect(table.lookup(service: "identity").map(\.instance) == ["i-1"])
        #expect(table.lookup(service: "sla").isEmpty)
        #expect(table.lookup(service: "").isEmpty)
    }

    @Test func allIsByServiceThenInstance() {
        let table = Table()
        _ = table.register(Self.request("s-1", service: "sla"), now: 0, since: "T0")
        _ = table.register(Self.request("c-2", service: "catalog"), now: 0, since: "T0")
        _ = table.register(Self.request("a-1", service: "applications"), now: 0, since: "T9")
        _ = table.register(Self.request("c-1", service: "catalog"), now: 0, since: "T5")
        #expect(table.all.map(\.instance) == ["a-1", "c-1", "c-2", "s-1"])
        #expect(table.count == 4)
        #expect(LeaseTable().all.isEmpty)
    }

    @Test func instanceIdsAreGlobalAcrossServices() {
        // The instance id is the key: the same id under another service replaces the entry.
        let table = Table()
        _ = table.register(Self.request("x-1", service: "catalog"), now: 0, since: "T0")
        let changes = table.register(Self.request("x-1", service: "identity"), now: 1, since: "T1")
        #expect(changes.count == 2)
        #expect(table.lookup(service: "catalog").isEmpty)
        #expect(table.lookup(service: "identity").map(\.instance) == ["x-1"])
    }

    static func instanceName(_ change: LeaseTable.Change) -> String {
        switch change {
        case .up(let instance): instance.instance
        case .down(let instance, _): instance.instance
        }
    }
}

/// A reference to a `LeaseTable`, so that mutating calls can sit inside `#expect`.
final class Table {
    private var table = LeaseTable()
    func register(_ request: RegistryAPI.Register, now: Int64, since: String) -> [LeaseTable.Change] {
        (try? table.register(request, now: now, since: since)) ?? []
    }
    func heartbeat(instance: String, now: Int64) -> Bool { (try? table.heartbeat(instance: instance, now: now)) != nil }
    func deregister(instance: String) -> [LeaseTable.Change] { (try? table.deregister(instance: instance)) ?? [] }
    func expire(now: Int64) -> [LeaseTable.Change] { table.expire(now: now) }
    func lookup(service: String) -> [RegistryAPI.Instance] { table.lookup(service: service) }
    var all: [RegistryAPI.Instance] { table.all }
    var count: Int { table.count }
}
