import Bus
import Foundation
import ServiceKit
import Store
import Support
import Testing
import TestKit

/// `host.subscribe` parks events whose data breaks their contract; the host reports them in
/// `sys.health` and `sys.metrics` and lets ops list and retry them (`sys.events.parked`,
/// `sys.events.retry`), on a real registry with two hosts.
@Suite struct ParkedEventsMethodTests {
    struct Order: Decodable { var order: String }

    struct Setup {
        let platform: TestPlatform
        let publisher: ServiceHost
        let consumer: ServiceHost
        let endpoint: String
        let rpc = RPCClient()
    }

    /// `shop` publishes `shop.ordered`; `ledger` records each order, reading `order` strictly
    /// until `lenient` is set (the "fixed" consumer).
    static func start(lenient: Mutexed<Bool>) async throws -> Setup {
        let platform = try await TestPlatform.start()
        let shop = try await platform.host("shop", migrations: [])
        try await shop.start()
        let ledger = try await platform.host("ledger", migrations: [Migration(1, "orders", "CREATE TABLE orders (id TEXT PRIMARY KEY)")])
        _ = try await ledger.subscribe(to: "shop", consumer: "ledger-orders", topics: ["shop."]) { db, delivered in
            let id = lenient.get() ? (delivered.event.data["order"].map { JSONWriter.write($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "?")
                : try delivered.event.decodeData(Order.self).order
            try db.run("INSERT OR IGNORE INTO orders (id) VALUES (?)", [.text(id)])
        }
        let endpoint = try await ledger.start().rpc
        return Setup(platform: platform, publisher: shop, consumer: ledger, endpoint: endpoint)
    }

    static func order(_ setup: Setup, _ data: JSONValue) async throws {
        try await setup.publisher.store.write { db in
            _ = try Outbox.append(db, stream: "shop", type: "shop.ordered", data: data, time: setup.publisher.clock.now())
        }
    }

    func call<Body: Encodable>(_ setup: Setup, _ method: String, _ body: Body, token: String?) async throws -> Outcome {
        try await setup.rpc.send(to: setup.endpoint, method: method, metadata: RequestMetadata(token: token, idempotencyKey: UUID().uuidString),
                                 body: try JSON.encode(body))
    }

    func health(_ setup: Setup) async throws -> Health {
        try JSON.decode(Health.self, from: try await call(setup, "sys.health", Empty(), token: nil).body)
    }

    @Test func parkedEventsAreReportedListedAndRetriedByOpsOnly() async throws {
        let lenient = Mutexed(false)
        let setup = try await Self.start(lenient: lenient)
        defer { Task { await setup.rpc.shutdown(); await setup.platform.stop() } }
        try await Self.order(setup, ["order": 17])  // a number where the contract says text
        try await Self.order(setup, ["order": "A-2"])
        let orders: @Sendable () async throws -> [String] = { try await setup.consumer.store.read { db in try db.query("SELECT id FROM orders ORDER BY id").compactMap { $0.string("id") } } }
        #expect(try await eventually { try await orders() == ["A-2"] }, "the order behind the broken one arrives")

        let warnings = try await health(setup).warnings ?? []
        #expect(warnings.contains { $0.contains("1 events parked") && $0.contains("mpp events parked --service ledger") }, "\(warnings)")
        let metrics = try JSON.decode(MetricsSnapshot.self, from: try await call(setup, "sys.metrics", Empty(), token: nil).body)
        #expect(metrics.counters["events.parked"] == 1 && metrics.counters["events.parked_waiting"] == 1)

        // Ops only.
        let list = ParkedEventsAPI.ListRequest()
        #expect(try await call(setup, "sys.events.parked", list, token: nil).error?.code == .unauthenticated)
        let officer = setup.platform.token(sub: "o-1", role: .officer)
        #expect(try await call(setup, "sys.events.parked", list, token: officer).error?.code == .permissionDenied)
        #expect(try await call(setup, "sys.events.retry", ParkedEventsAPI.RetryRequest(all: true), token: officer).error?.code == .permissionDenied)
        let ops = setup.platform.token(sub: "ops-1", role: .ops)
        #expect(try await call(setup, "sys.events.parked", ParkedEventsAPI.ListRequest(limit: 0), token: ops).error?.fields.keys.contains("limit") == true)

        let listed = try JSON.decode(ParkedEventsAPI.List.self, from: try await call(setup, "sys.events.parked", list, token: ops).body)
        #expect(listed.service == "ledger" && listed.total == 1)
        let parked = try #require(listed.parked.first)
        #expect(parked.consumer == "ledger-orders" && parked.stream == "shop" && parked.seq == 1 && parked.topic == "shop.ordered")
        #expect(parked.error.contains("order: tipe salah") && parked.event?["data"]?["order"] == 17)
        let none = try await call(setup, "sys.events.parked", ParkedEventsAPI.ListRequest(consumer: "other"), token: ops)
        #expect(try JSON.decode(ParkedEventsAPI.List.self, from: none.body).parked.isEmpty)

        // Neither ids nor all, or both: a field error.
        #expect(try await call(setup, "sys.events.retry", ParkedEventsAPI.RetryRequest(), token: ops).error?.code == .invalidArgument)
        #expect(try await call(setup, "sys.events.retry", ParkedEventsAPI.RetryRequest(ids: [1], all: true), token: ops).error?.code == .invalidArgument)

        // Not fixed yet: still parked, with the error again.
        let earlyReply = try await call(setup, "sys.events.retry", ParkedEventsAPI.RetryRequest(ids: [parked.id, 99]), token: ops)
        #expect(earlyReply.error == nil, "\(earlyReply.error.map { "\($0)" } ?? "")")
        let early = try JSON.decode(ParkedEventsAPI.Retried.self, from: earlyReply.body)
        #expect(early.results == [.init(id: parked.id, outcome: .parked, error: early.results.first?.error), .init(id: 99, outcome: .notFound)])
        #expect(early.applied == 0 && early.still_parked == 1)

        lenient.set(true)
        let retried = try JSON.decode(ParkedEventsAPI.Retried.self,
                                      from: try await call(setup, "sys.events.retry", ParkedEventsAPI.RetryRequest(all: true), token: ops).body)
        #expect(retried.results == [.init(id: parked.id, outcome: .applied)] && retried.applied == 1 && retried.still_parked == 0)
        #expect(try await orders() == ["17", "A-2"])
        #expect(try await health(setup).warnings == nil)
        #expect(setup.consumer.metrics.counter("events.parked_waiting") == 0 && setup.consumer.parked.total == 0)
    }
}
