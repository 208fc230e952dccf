import Bus
import Domain
import Foundation
import SLA
import Store
import Support
import Testing
import TestKit

/// Issue 20's SLA bugs, reproduced on the real event stream: an `application.submitted` that
/// breaks its contract must not stop the clocks of the applications behind it, and the sla
/// service's events carry its clock's time (the test clock here), not the machine's.
extension SLAServiceTests {
    /// The event as an operator wrote it: everything right but a numeric `tracking_number`.
    func submitBroken(_ setup: Setup, at: Date) async throws {
        let data: JSONValue = [
            "tracking_number": 3_273_250_505, "citizen": "c-1", "service": "ktp-el", "service_version": 1, "region": "32.73",
            "site": "mpp-32.73", "agency": "disdukcapil", "workflow": "adminduk", "state": "submitted",
            "sla": ["value": 1, "unit": "working_days"], "submitted_at": .string(Timestamp.format(at)), "language": "id",
        ]
        try await setup.applications.store.write { db in
            try Outbox.append(db, stream: "applications", type: "application.submitted", data: data, time: at)
        }
    }

    @Test func anUndecodableApplicationIsParkedAndTheNextOneStillGetsItsClock() async throws {
        let setup = try await start()
        defer { Task { await setup.platform.stop() } }
        try await submitBroken(setup, at: Self.monday)
        try await submit(setup, "3273-250505-DDDDDD", at: Self.monday)
        #expect(try await eventually { try await count(facts(setup, "3273-250505-DDDDDD"), "sla.deadline_set") == 1 },
                "the application behind the broken event got no SLA clock")
        let parked = try await setup.sla.store.read { db in
            try db.query("SELECT consumer, stream, seq, topic, error, event FROM parked_events")
        }
        try #require(parked.count == 1)
        #expect(parked[0].string("consumer") == "sla-clocks" && parked[0].string("stream") == "applications")
        #expect(parked[0].int64("seq") == 1 && parked[0].string("topic") == "application.submitted")
        #expect(parked[0].string("error")?.contains("tracking_number") == true, "\(parked[0].string("error") ?? "")")
        let event = try CloudEvent(bytes: try #require(parked[0].blob("event")))
        #expect(event.data["tracking_number"]?.intValue == 3_273_250_505, "the event as delivered is kept")
        #expect(try await setup.sla.store.read { try $0.queryOne("SELECT COUNT(*) AS n FROM clocks")?.int("n") } == 1)
        #expect(setup.sla.metrics.counter("events.parked") == 1)
    }

    @Test func slaEventsAreStampedWithTheServiceClock() async throws {
        let setup = try await start()
        defer { Task { await setup.platform.stop() } }
        try await submit(setup, "3273-250505-EEEEEE", at: Self.monday)
        #expect(try await eventually { try await count(facts(setup, "3273-250505-EEEEEE"), "sla.deadline_set") == 1 })
        try await advance(setup, to: Self.monday.addingTimeInterval(30 * 3600))
        #expect(try await eventually { try await count(facts(setup, "3273-250505-EEEEEE"), "sla.breached") == 1 })
        let times = try await setup.sla.store.read { db in
            try Outbox.read(db, after: 0, limit: 100).map { (try CloudEvent(bytes: $0.event)).time }
        }
        #expect(!times.isEmpty)
        let window = Self.monday...Self.monday.addingTimeInterval(30 * 3600)
        for time in times {
            #expect(Timestamp.parse(time).map(window.contains) == true, "event time \(time) is not the test clock's")
        }
    }
}
