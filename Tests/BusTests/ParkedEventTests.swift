import Bus
import Foundation
import Store
import Support
import TestKit
import Testing

/// The one rule for events that cannot be applied (issue 20): an event whose data breaks its
/// contract is parked in the transaction that moves the cursor, the stream goes on, and ops apply
/// it again after a fix; everything else is retried (`EventTests.aFailingApplyIsRetriedAndTheOrderKept`).
@Suite struct ParkedEventTests {
    /// The contract of the test events: `n` is an integer.
    struct Numbered: Decodable { var n: Int }

    /// Records the event first, then reads its data: a parked event must leave no half-applied row.
    static let strict: EventSubscriber.Apply = { db, event in
        try recordApplied(db, event)
        let number = try event.event.decodeData(Numbered.self).n
        if number < 0 { throw EventContractViolation("n harus ≥ 0 (must not be negative), got \(number)") }
    }

    /// Appends one event with arbitrary data.
    static func publishRaw(_ store: Store, _ data: JSONValue) async throws {
        try await store.write { db in _ = try Outbox.append(db, stream: stream, type: topic, data: data, time: Date()) }
    }

    static func parkedRows(_ store: Store) async throws -> [ParkedEvent] {
        try await store.read { db in try ParkedEvents.list(db) }
    }

    @Test func anEventBreakingItsContractIsParkedAndTheStreamGoesOn() async throws {
        let metrics = Metrics()
        let pipeline = try await Pipeline.start(metrics: metrics, apply: Self.strict)
        let (storeA, storeB, subscriber) = (pipeline.storeA, pipeline.storeB, pipeline.subscriber)
        try await publish(storeA, 1...3)
        try await Self.publishRaw(storeA, ["n": "empat"])  // seq 4: text where the contract has a number
        try await publish(storeA, 5...6)
        try await Self.publishRaw(storeA, ["n": -7])  // seq 7: refused by the apply function itself
        try await publish(storeA, 8...10)
        #expect(try await eventually { try await subscriber.cursor(stream) == 10 }, "the stream did not stop")
        #expect(try await appliedSeqs(storeB) == [1, 2, 3, 5, 6, 8, 9, 10], "in order, nothing half-applied of 4 and 7")

        let parked = try await Self.parkedRows(storeB)
        #expect(parked.map(\.seq) == [4, 7])
        #expect(parked.allSatisfy { $0.consumer == "tester" && $0.stream == stream && $0.topic == topic && $0.retries == 0 })
        #expect(parked[0].error.contains("n: tipe salah"), "\(parked[0].error)")
        #expect(parked[1].error.contains("must not be negative"))
        #expect(parked[0].event?["data"]?["n"] == "empat" && parked[0].event?["id"] == "pubtest-4", "the event as delivered")
        #expect(Timestamp.parse(parked[0].parked_at) != nil)
        #expect(metrics.counter("events.parked") == 2 && metrics.counter("events.parked_waiting") == 2)
        #expect(metrics.counter("events.applied") == 8)
        #expect(subscriber.parkedCount == 2)
        await pipeline.stop()
    }

    @Test func aRetryAppliesTheEventOnceTheConsumerReadsIt() async throws {
        let upgraded = Mutexed(false)
        let metrics = Metrics()
        // Before the "upgrade" the consumer reads `n` strictly; after it, also as text.
        let pipeline = try await Pipeline.start(metrics: metrics) { db, event in
            if upgraded.get(), let text = event.event.data["n"]?.stringValue {
                guard text == "dua" else { throw EventContractViolation("unknown number \(text)") }
                try db.run("INSERT INTO applied (stream, seq, n) VALUES (?, ?, 2)", [.text(event.stream), .integer(event.seq)])
                return
            }
            try Self.strict(db, event)
        }
        let (storeA, storeB, subscriber) = (pipeline.storeA, pipeline.storeB, pipeline.subscriber)
        try await publish(storeA, 1...1)
        try await Self.publishRaw(storeA, ["n": "dua"])
        try await Self.publishRaw(storeA, ["n": "tiga"])
        try await publish(storeA, 4...4)
        #expect(try await eventually { try await subscriber.cursor(stream) == 4 })
        let parked = try await Self.parkedRows(storeB)
        #expect(parked.map(\.seq) == [2, 3])

        // Still broken: stays parked with the new error, counted as a retry.
        let early = await subscriber.retryParked([parked[0]])
        #expect(early.map(\.outcome) == [.parked])
        #expect(try await Self.parkedRows(storeB).first?.retries == 1)

        upgraded.set(true)
        let results = await subscriber.retryParked(try await Self.parkedRows(storeB))
        #expect(results.map(\.outcome) == [.applied, .parked])
        #expect(results[1].error?.contains("unknown number tiga") == true)
        #expect(try await appliedSeqs(storeB) == [1, 4, 2], "applied once, after the events behind it")
        let left = try await Self.parkedRows(storeB)
        #expect(left.map(\.seq) == [3] && left[0].retries == 1 && left[0].retried_at != nil)
        #expect(subscriber.parkedCount == 1 && metrics.counter("events.parked_waiting") == 1)
        // Applied already: retrying the same row again finds nothing.
        #expect(await subscriber.retryParked(parked).map(\.outcome) == [.notFound, .parked])
        #expect(try await appliedSeqs(storeB) == [1, 4, 2])
        await pipeline.stop()
    }

    @Test func aRetryReadsTheEventAsThePublishersOutboxHoldsItNow() async throws {
        let pipeline = try await Pipeline.start(apply: Self.strict)
        let (storeA, storeB, subscriber) = (pipeline.storeA, pipeline.storeB, pipeline.subscriber)
        try await Self.publishRaw(storeA, ["n": "lima"])
        try await publish(storeA, 2...2)
        #expect(try await eventually { try await subscriber.cursor(stream) == 2 })
        let parked = try await Self.parkedRows(storeB)
        try #require(parked.count == 1)

        // Ops correct the publisher's outbox row; the parked copy still has the old data.
        let corrected = CloudEvent(id: "pubtest-1", source: "mpp/pubtest", type: topic, time: Date(), traceID: nil, subject: nil, data: ["n": 5])
        try await storeA.write { db in
            try db.run("UPDATE bus_outbox SET event = ? WHERE seq = 1", [.blob(JSONWriter.write(corrected.json))])
        }
        #expect(await subscriber.retryParked(parked).map(\.outcome) == [.applied])
        let numbers = try await storeB.read { db in try db.query("SELECT n FROM applied ORDER BY id").compactMap { $0.int("n") } }
        #expect(numbers == [2, 5])
        #expect(try await Self.parkedRows(storeB).isEmpty)
        await pipeline.stop()
    }

    @Test func theReasonNamesTheField() throws {
        struct Contract: Decodable { var tracking_number: String }
        let error = try #require(throws: DecodingError.self) {
            try JSON.decode(Contract.self, from: Array(#"{"tracking_number": 3273}"#.utf8))
        }
        #expect(EventContractViolation.isViolation(error) && EventContractViolation.isViolation(EventContractViolation("x")))
        #expect(!EventContractViolation.isViolation(RPCError(.unavailable, "store busy")))
        let reason = EventContractViolation.reason(error)
        #expect(reason.hasPrefix("tracking_number: tipe salah, diharapkan string"), "\(reason)")
    }
}
