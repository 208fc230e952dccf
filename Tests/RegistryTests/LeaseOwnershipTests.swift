import Bus
import Registry
import Testing

/// Owned leases (pure): only the owner renews, replaces or removes an instance id, and nobody
/// registers an endpoint another owner serves on.
@Suite struct LeaseOwnershipTests {
    static let real = LeaseTableTests.request("identity-1", service: "identity", rpc: "tcp://127.0.0.1:7000")
    static let evil = LeaseTableTests.request("identity-1", service: "identity", rpc: "tcp://127.0.0.1:6666")

    @Test func anotherOwnerCannotReplaceRenewOrRemoveAnOwnedInstance() throws {
        var table = LeaseTable()
        _ = try table.register(Self.real, owner: "key:identity", now: 0, since: "t0")
        #expect(throws: LeaseTable.Refusal.heldByAnother) { try table.register(Self.evil, owner: "key:frontend-web", now: 1, since: "t1") }
        #expect(throws: LeaseTable.Refusal.heldByAnother) { try table.register(Self.evil, owner: nil, now: 1, since: "t1") }
        #expect(throws: LeaseTable.Refusal.heldByAnother) { try table.heartbeat(instance: "identity-1", owner: nil, now: 2) }
        #expect(throws: LeaseTable.Refusal.heldByAnother) { try table.deregister(instance: "identity-1", owner: "token:guess") }
        #expect(table.lookup(service: "identity").map(\.rpc) == ["tcp://127.0.0.1:7000"])
        // The refused heartbeat did not renew the lease: it expires on the owner's schedule.
        #expect(table.expire(now: 1_001).count == 1)
    }

    @Test func theOwnerRenewsReplacesAndRemovesItsInstance() throws {
        var table = LeaseTable()
        _ = try table.register(Self.real, owner: "token:abc", now: 0, since: "t0")
        try table.heartbeat(instance: "identity-1", owner: "token:abc", now: 10)
        var moved = Self.real
        moved.rpc = "tcp://127.0.0.1:7001"
        let changes = try table.register(moved, owner: "token:abc", now: 20, since: "t1")
        #expect(changes.count == 2, "replaced: down then up")
        #expect(try table.deregister(instance: "identity-1", owner: "token:abc").count == 1)
        #expect(table.count == 0)
    }

    @Test func anUnownedInstanceCanBeTakenAndThenBelongsToItsNewOwner() throws {
        var table = LeaseTable()
        _ = try table.register(Self.real, owner: nil, now: 0, since: "t0")
        _ = try table.register(Self.real, owner: "token:abc", now: 1, since: "t0")
        #expect(throws: LeaseTable.Refusal.heldByAnother) { try table.deregister(instance: "identity-1", owner: nil) }
    }

    @Test func anEndpointServedByAnotherOwnerCannotBeClaimed() throws {
        var table = LeaseTable()
        _ = try table.register(LeaseTableTests.request("identity-1", service: "identity", rpc: "tcp://127.0.0.1:7000",
                                                       events: "tcp://127.0.0.1:7001"), owner: "key:identity", now: 0, since: "t0")
        let squat = LeaseTableTests.request("web-1", service: "frontend-web", rpc: "tcp://127.0.0.1:7001")
        #expect(throws: LeaseTable.Refusal.endpointTaken("tcp://127.0.0.1:7001")) {
            try table.register(squat, owner: "key:frontend-web", now: 1, since: "t1")
        }
        // The same owner may move an instance onto its own other instance's endpoint (a restart).
        _ = try table.register(LeaseTableTests.request("identity-2", service: "identity", rpc: "tcp://127.0.0.1:7000"),
                               owner: "key:identity", now: 2, since: "t2")
    }

    /// Issue 14, finding 2: hostile registrations cannot grow the table without bound.
    @Test func oneOwnerHoldsAtMostItsShare() throws {
        var table = LeaseTable()
        for index in 0..<LeaseTable.perOwnerCapacity {
            _ = try table.register(LeaseTableTests.request("x-\(index)", rpc: "tcp://127.0.0.1:\(index)", events: nil), owner: nil, now: 0, since: "t")
        }
        #expect(throws: LeaseTable.Refusal.full) {
            try table.register(LeaseTableTests.request("x-more", rpc: "tcp://127.0.0.1:1", events: nil), owner: nil, now: 0, since: "t")
        }
        _ = try table.register(LeaseTableTests.request("catalog-1"), owner: "key:catalog", now: 0, since: "t")
        #expect(table.count == LeaseTable.perOwnerCapacity + 1, "another owner still registers")
        // A renewal of an existing instance is never refused for being full.
        _ = try table.register(LeaseTableTests.request("x-0", rpc: "tcp://127.0.0.1:0", events: nil), owner: nil, now: 1, since: "t")
    }

    @Test func unknownInstancesAreReportedAsSuch() {
        var table = LeaseTable()
        #expect(throws: LeaseTable.Refusal.unknown) { try table.heartbeat(instance: "ghost", owner: "key:x", now: 0) }
        #expect((try? table.deregister(instance: "ghost", owner: "key:x")) == [])
    }

    @Test(arguments: [("identity", "identity", true), ("identity_b", "identity", true), ("identity_", "identity", false), ("identity.b", "identity", false),
                      ("identityx", "identity", false), ("frontend-web", "identity", false), ("notify-worker", "notify", false),
                      ("registry", "registry", true), ("", "", false)])
    func keyNamesServeTheirOwnServiceOnly(key: String, service: String, allowed: Bool) {
        #expect(ServiceKeyNames.may(key, serve: service) == allowed)
    }
}
