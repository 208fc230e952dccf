import Bus
import Foundation
import Store
import Support
import TestKit
import Testing
import ZMQ

// Publisher and subscriber over real sockets and real SQLite files.

@Suite struct EventTests {
    @Test func twoHundredEventsArriveInOrderExactlyOnce() async throws {
        let pipeline = try await Pipeline.start()
        let (storeA, storeB, subscriber) = (pipeline.storeA, pipeline.storeB, pipeline.subscriber)

        try await publish(storeA, 1...1)
        #expect(try await waitApplied(storeB, 1) == 1)
        // The rest from concurrent writers (grouped commits), some several to a transaction.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for block in 0..<20 {
                group.addTask { try await publish(storeA, (2 + block * 10)...(11 + block * 10 - (block == 19 ? 1 : 0)), perWrite: block % 3 + 1) }
            }
            try await group.waitForAll()
        }
        let last = try await storeA.read { try Outbox.lastSequence($0) }
        #expect(last == 200)
        #expect(try await waitApplied(storeB, 200) == 200)
        // Let a heartbeat go by: nothing more may be applied.
        try await Task.sleep(for: .milliseconds(1_100))
        let seqs = try await appliedSeqs(storeB)
        #expect(seqs == Array(1...200))
        let numbers = try await storeB.read { db in try db.query("SELECT n FROM applied").compactMap { $0.int("n") } }
        #expect(Set(numbers) == Set(1...200))
        #expect(try await subscriber.cursor(stream) == 200)

        await pipeline.stop()
    }

    @Test func aNewSubscriberCatchesUpOnEverythingPublishedWhileStopped() async throws {
        let folder = temporaryFolder()
        let storeA = try Store(path: folder + "/a.db", migrations: [])
        let side = try await PublishingSide.start(store: storeA)
        let pathB = folder + "/b.db"
        var storeB = try consumerStore(pathB)
        let firstClient = RPCClient()
        let first = makeSubscriber(storeB, firstClient)
        try await first.start()
        try await first.follow(side.source)
        try await publish(storeA, 1...5)
        #expect(try await waitApplied(storeB, 5) == 5)
        await first.stop()
        await firstClient.shutdown()

        try await publish(storeA, 6...1_005, perWrite: 100)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await appliedCount(storeB) == 5, "a stopped subscriber applies nothing")
        storeB.close()

        // A new process: the same database file, a new subscriber.
        storeB = try consumerStore(pathB)
        let client = RPCClient()
        let second = makeSubscriber(storeB, client)
        try await second.start()
        #expect(try await second.cursor(stream) == 5, "the cursor survived")
        try await second.follow(side.source)
        #expect(try await waitApplied(storeB, 1_005) == 1_005)
        try await Task.sleep(for: .milliseconds(200))
        let seqs = try await appliedSeqs(storeB)
        #expect(seqs.count == 1_005)
        #expect(Set(seqs).count == seqs.count, "no duplicate seq")
        #expect(seqs == Array(1...1_005))
        #expect(try await second.cursor(stream) == 1_005)
        let stored = try await storeB.read { db in
            try db.queryOne("SELECT seq FROM bus_cursors WHERE consumer = 'tester' AND stream = ?", [.text(stream)])?.int64("seq")
        }
        #expect(stored == 1_005)

        await second.stop()
        await client.shutdown()
        await side.stop()
    }

    @Test func eventsCommittedWhileThePublisherWasDownArriveByReplay() async throws {
        let folder = temporaryFolder()
        let pathA = folder + "/a.db"
        var storeA = try Store(path: pathA, migrations: [])
        var side = try await PublishingSide.start(store: storeA)
        let source = side.source
        let storeB = try consumerStore(folder + "/b.db")
        let client = RPCClient()
        let subscriber = makeSubscriber(storeB, client)
        try await subscriber.start()
        try await subscriber.follow(source)
        try await publish(storeA, 1...3)
        #expect(try await waitApplied(storeB, 3) == 3)

        // Crash between commit and publish: the service dies; its store commits events no publisher sends.
        await side.stop()
        storeA.close()
        storeA = try Store(path: pathA, migrations: [])
        try await publish(storeA, 4...53, perWrite: 7)
        let last = try await storeA.read { try Outbox.lastSequence($0) }
        #expect(last == 53)

        // The service comes back on the same endpoints. Its publisher does not re-send old rows:
        // the subscriber learns of them from the heartbeat and replays them with events.read.
        let restarted = ContinuousClock.now
        side = try await PublishingSide.start(store: storeA, rpc: source.rpc, events: source.events)
        #expect(try await waitApplied(storeB, 53) == 53)
        let elapsed = ContinuousClock.now - restarted
        #expect(elapsed < .seconds(20), "took \(elapsed)")
        #expect(try await appliedSeqs(storeB) == Array(1...53))
        #expect(try await subscriber.cursor(stream) == 53)

        // And live publishing resumes after the replay.
        try await publish(storeA, 54...60)
        #expect(try await waitApplied(storeB, 60) == 60)
        #expect(try await appliedSeqs(storeB) == Array(1...60))

        await subscriber.stop()
        await client.shutdown()
        await side.stop()
    }

    @Test func eventsCommittedBeforeThePublisherFirstStartsAreReplayed() async throws {
        let folder = temporaryFolder()
        let storeA = try Store(path: folder + "/a.db", migrations: [])
        try await Outbox.install(in: storeA)
        try await publish(storeA, 1...25, perWrite: 5)
        let side = try await PublishingSide.start(store: storeA)
        let storeB = try consumerStore(folder + "/b.db")
        let client = RPCClient()
        let subscriber = makeSubscriber(storeB, client)
        try await subscriber.start()
        try await subscriber.follow(side.source)
        #expect(try await waitApplied(storeB, 25, timeout: .seconds(3)) == 25)
        #expect(try await appliedSeqs(storeB) == Array(1...25))
        await subscriber.stop()
        await client.shutdown()
        await side.stop()
    }

    @Test func aFailingApplyIsRetriedAndTheOrderKept() async throws {
        struct Flaky: Error {}
        let calls = Mutexed<[Int64: Int]>([:])
        let pipeline = try await Pipeline.start { db, event in
            let call = calls.update { table -> Int in
                table[event.seq, default: 0] += 1
                return table[event.seq]!
            }
            if event.seq == 7 && call <= 2 { throw Flaky() }
            try recordApplied(db, event)
        }
        let (storeA, storeB, subscriber) = (pipeline.storeA, pipeline.storeB, pipeline.subscriber)
        try await publish(storeA, 1...20)
        #expect(try await waitApplied(storeB, 20) == 20)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await appliedSeqs(storeB) == Array(1...20))
        #expect(calls.get()[7] == 3, "failed twice, then applied")
        #expect(try await subscriber.cursor(stream) == 20)

        await pipeline.stop()
    }

    @Test func otherTopicsOnlyMoveTheCursor() async throws {
        let pipeline = try await Pipeline.start()
        let (storeA, storeB, subscriber) = (pipeline.storeA, pipeline.storeB, pipeline.subscriber)
        try await publish(storeA, 1...20) { $0 % 2 == 0 ? topic : "other.thing" }
        #expect(try await eventually { try await subscriber.cursor(stream) == 20 })
        #expect(try await appliedSeqs(storeB) == Array(stride(from: 2, through: 20, by: 2)))
        await pipeline.stop()
    }

    @Test
    func emptyTopicsReceiveEveryEventLive() async throws {
        let metrics = Metrics()
        let pipeline = try await Pipeline.start(topics: [], metrics: metrics)
        let (storeA, storeB) = (pipeline.storeA, pipeline.storeB)
        try await publish(storeA, 1...1)
        #expect(try await waitApplied(storeB, 1) == 1)
        for n in 2...20 {
            try await publish(storeA, n...n)
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await waitApplied(storeB, 20) == 20)
        #expect(try await appliedSeqs(storeB) == Array(1...20))
        // Connected and caught up, events 2…20 should come over PUB/SUB, not by replay.
        #expect(metrics.counter("events.replayed") <= 5, "replayed \(metrics.counter("events.replayed")) of 20")
        await pipeline.stop()
    }

    @Test func eventsReadServesTheOutbox() async throws {
        let folder = temporaryFolder()
        let storeA = try Store(path: folder + "/a.db", migrations: [])
        let side = try await PublishingSide.start(store: storeA)
        try await publish(storeA, 1...30, perWrite: 10)
        let client = RPCClient()
        func read(_ after: Int64, _ limit: Int?) async throws -> Outcome {
            try await client.send(to: side.source.rpc, method: "events.read", body: try JSON.encode(EventsReadRequest(after: after, limit: limit)))
        }
        let page = try EventsReadReply(bytes: try await read(10, 5).body)
        #expect(page.stream == stream && page.last_seq == 30)
        #expect(page.events.map(\.seq) == [11, 12, 13, 14, 15])
        #expect(page.events.allSatisfy { $0.topic == topic && $0.event.type == topic && $0.event.specversion == "1.0" })
        #expect(page.events.first?.event.data["n"]?.intValue == 11)
        #expect(page.events.first?.event.id == "pubtest-11")
        let tail = try EventsReadReply(bytes: try await read(30, nil).body)
        #expect(tail.events.isEmpty && tail.last_seq == 30)
        let capped = try EventsReadReply(bytes: try await read(0, 1_000_000).body)
        #expect(capped.events.count == 30)
        #expect(try await read(-1, 5).error?.code == .invalidArgument)
        await client.shutdown()
        await side.stop()
    }
}
