import Bus
import Foundation
import Store
import Support
import TestKit
import Testing
import ZMQ

// A publisher and a subscriber over real sockets and real SQLite files, shared by the event suites.

let stream = "pubtest"
let topic = "pubtest.created"

/// A publishing service: store A, its outbox published on PUB, `events.read` on its ROUTER.
struct PublishingSide {
    let store: Store
    let publisher: EventPublisher
    let server: RPCServer
    let source: EventSource

    /// Starts on ephemeral ports, or on the given endpoints (a restart), retrying while the old
    /// listeners are still being closed.
    static func start(store: Store, rpc: String = "tcp://127.0.0.1:*", events: String = "tcp://127.0.0.1:*") async throws -> PublishingSide {
        let publisher = EventPublisher(stream: stream, store: store)
        let methods = MethodTable()
        publisher.registerReplay(on: methods)
        let (logger, _) = testLogger("pubtest")
        let server = RPCServer(identity: ServiceIdentity(service: "pubtest", instance: "pubtest-1", version: "test"),
                               methods: methods, logger: logger)
        let rpcEndpoint = try await retryingBind { try await server.start(bind: rpc) }
        let eventsEndpoint = try await retryingBind { try await publisher.start(bind: events) }
        return PublishingSide(store: store, publisher: publisher, server: server,
                              source: EventSource(events: eventsEndpoint, rpc: rpcEndpoint))
    }

    func stop() async {
        await publisher.shutdown()
        await server.shutdown()
    }

    private static func retryingBind(_ bind: () async throws -> String) async throws -> String {
        var attempt = 0
        while true {
            do { return try await bind() } catch {
                attempt += 1
                if attempt > 60 { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

/// Appends events `numbers` to the outbox, `perWrite` per transaction.
func publish(_ store: Store, _ numbers: ClosedRange<Int>, perWrite: Int = 1, type: @escaping @Sendable (Int) -> String = { _ in topic }) async throws {
    var start = numbers.lowerBound
    while start <= numbers.upperBound {
        let chunk = Array(start...min(start + perWrite - 1, numbers.upperBound))
        try await store.write { db in
            for n in chunk { try Outbox.append(db, stream: stream, type: type(n), data: ["n": n], time: Date()) }
        }
        start += perWrite
    }
}

let consumerMigrations = [
    Migration(1, "applied", "CREATE TABLE applied (id INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL)"),
]

/// Records an applied event in the consumer's table (in the subscriber's transaction).
let recordApplied: EventSubscriber.Apply = { db, event in
    try db.run("INSERT INTO applied (stream, seq, n) VALUES (?, ?, ?)",
               [.text(event.stream), .integer(event.seq), .integer(Int64(event.event.data["n"]?.intValue ?? -1))])
}

/// Store B: the consumer's database.
func consumerStore(_ path: String) throws -> Store { try Store(path: path, migrations: consumerMigrations) }

func makeSubscriber(_ store: Store, _ client: RPCClient, topics: [String] = [topic], metrics: Metrics = Metrics(),
                    apply: @escaping EventSubscriber.Apply = recordApplied) -> EventSubscriber {
    let (logger, _) = testLogger("consumer")
    return EventSubscriber(consumer: "tester", store: store, client: client, topics: topics, logger: logger,
                           metrics: metrics, apply: apply)
}

/// A publisher (store A) and a subscriber (store B) following it, connected, for one test.
struct Pipeline {
    let storeA: Store
    let side: PublishingSide
    let storeB: Store
    let client: RPCClient
    let subscriber: EventSubscriber

    static func start(topics: [String] = [topic], metrics: Metrics = Metrics(),
                      apply: @escaping EventSubscriber.Apply = recordApplied) async throws -> Pipeline {
        let folder = temporaryFolder()
        let storeA = try Store(path: folder + "/a.db", migrations: [])
        let side = try await PublishingSide.start(store: storeA)
        let storeB = try consumerStore(folder + "/b.db")
        let client = RPCClient()
        let subscriber = makeSubscriber(storeB, client, topics: topics, metrics: metrics, apply: apply)
        try await subscriber.start()
        try await subscriber.follow(side.source)
        return Pipeline(storeA: storeA, side: side, storeB: storeB, client: client, subscriber: subscriber)
    }

    func stop() async {
        await subscriber.stop()
        await client.shutdown()
        await side.stop()
    }
}

/// The applied sequence numbers in the order they were applied.
func appliedSeqs(_ store: Store) async throws -> [Int64] {
    try await store.read { db in try db.query("SELECT seq FROM applied ORDER BY id").compactMap { $0.int64("seq") } }
}

func appliedCount(_ store: Store) async throws -> Int {
    try await store.read { db in try db.queryOne("SELECT COUNT(*) AS c FROM applied")?.int("c") ?? -1 }
}

/// Polls until at least `count` events are applied (up to 10 s); returns how many are.
func waitApplied(_ store: Store, _ count: Int, timeout: Duration = .seconds(20)) async throws -> Int {
    _ = try await eventually(timeout: timeout) { try await appliedCount(store) >= count }
    return try await appliedCount(store)
}
