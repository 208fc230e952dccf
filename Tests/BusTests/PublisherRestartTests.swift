import Bus
import Foundation
import Store
import Support
import TestKit
import Testing
import ZMQ

/// A publisher that dies and comes back on other ports with the same store: its subscribers
/// follow the new instance and get everything, once.
@Suite struct PublisherRestartTests {
    struct Running {
        let publisher: EventPublisher
        let server: RPCServer
        let source: EventSource
    }

    func startPublisher(_ store: Store) async throws -> Running {
        let publisher = EventPublisher(stream: "restart", store: store)
        let methods = MethodTable()
        publisher.registerReplay(on: methods)
        let (logger, _) = testLogger("publisher")
        let server = RPCServer(identity: ServiceIdentity(service: "p", instance: "p-\(UUID().uuidString.prefix(4))", version: "t"),
                               methods: methods, logger: logger)
        let rpc = try await server.start(bind: "tcp://127.0.0.1:*")
        let events = try await publisher.start(bind: "tcp://127.0.0.1:*")
        return Running(publisher: publisher, server: server, source: EventSource(events: events, rpc: rpc))
    }

    func append(_ store: Store, _ range: Range<Int>) async throws {
        try await store.write { db in
            for index in range { try Outbox.append(db, stream: "restart", type: "test.event", data: ["n": index], time: Date()) }
        }
    }

    @Test func subscriberFollowsTheNewInstance() async throws {
        let folder = temporaryFolder()
        let publisherStore = try Store(path: folder + "/publisher.db", migrations: [])
        let consumerStore = try Store(path: folder + "/consumer.db", migrations: [Migration(1, "seen", "CREATE TABLE seen (n INTEGER PRIMARY KEY)")])
        let (logger, _) = testLogger("consumer")
        let client = RPCClient()
        let subscriber = EventSubscriber(consumer: "c", store: consumerStore, client: client, topics: ["test."], logger: logger) { db, event in
            try db.run("INSERT INTO seen (n) VALUES (?)", [.integer(Int64(event.event.data["n"]?.intValue ?? -1))])
        }
        try await subscriber.start()
        let first = try await startPublisher(publisherStore)
        try await subscriber.follow(first.source)
        try await append(publisherStore, 0..<10)
        #expect(await waitFor { try await subscriber.cursor("restart") == 10 })

        // The first instance dies without a word (sockets closed, no more heartbeats) …
        await first.server.shutdown()
        await first.publisher.shutdown()
        try await append(publisherStore, 10..<20)  // committed while nobody publishes
        // … and comes back elsewhere.
        let second = try await startPublisher(publisherStore)
        try await subscriber.follow(second.source)
        try await append(publisherStore, 20..<30)
        #expect(await waitFor(seconds: 15) { try await subscriber.cursor("restart") == 30 })
        let seen = try await consumerStore.read { try $0.queryOne("SELECT count(*) AS n FROM seen")?.int("n") }
        #expect(seen == 30)
        await subscriber.stop()
        await second.server.shutdown()
        await second.publisher.shutdown()
        await client.shutdown()
    }

    func waitFor(seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
