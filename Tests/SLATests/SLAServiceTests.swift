import Bus
import Domain
import Foundation
import SLA
import ServiceKit
import Support
import Testing
import TestKit

/// The sla service against a real registry and a real `applications` event stream (an outbox
/// publisher speaking the event protocol), with its test clock.
@Suite(.serialized) struct SLAServiceTests {
    struct Setup {
        let platform: TestPlatform
        let applications: ServiceHost
        let sla: ServiceHost
        let slaEndpoint: String
        let clock: TestClock
        let ops: String
    }

    /// Monday 5 May 2025, 08:00 WIB.
    static let monday = Date(timeIntervalSince1970: TimeInterval(CivilDate("2025-05-05")!.dayNumber * 86_400 + 3600))

    func start(dataFolder: String? = nil, clockStart: Date = monday) async throws -> Setup {
        let platform = try await TestPlatform.start()
        let applications = try await platform.host("applications", migrations: [])
        try await applications.start()
        let clock = TestClock(start: clockStart)
        let sla = try await platform.host("sla", migrations: SLAService.migrations, clock: clock, dataFolder: dataFolder)
        let service = try await SLAService(host: sla, testClock: clock, tickInterval: .milliseconds(20))
        try await service.start()
        return Setup(platform: platform, applications: applications, sla: sla, slaEndpoint: sla.boundEndpoints!.rpc,
                     clock: clock, ops: platform.token(sub: "ops-1", role: .ops))
    }

    func submit(_ setup: Setup, _ number: String, at: Date, days: Int = 1, expiry: ApplicationEvents.ExpiryAction? = nil,
                state: String = "submitted") async throws {
        let event = ApplicationEvents.Submitted(
            tracking_number: number, citizen: "c-1", service: "ktp-el", service_version: 1, region: "32.73", site: "mpp-32.73",
            agency: "disdukcapil", workflow: "adminduk", state: state, sla: SLA(value: days, unit: .workingDays),
            on_sla_expiry: expiry, submitted_at: Timestamp.format(at), language: "id")
        try await setup.applications.store.write { db in
            try Outbox.append(db, stream: "applications", type: "application.submitted", data: event, time: at, subject: number)
        }
    }

    func change(_ setup: Setup, _ number: String, from: String, to: String, at: Date, paused: Bool = false, terminal: Bool = false) async throws {
        let event = ApplicationEvents.StatusChanged(
            tracking_number: number, citizen: "c-1", service: "ktp-el", service_version: 1, region: "32.73", agency: "disdukcapil",
            from: from, to: to, action: "act", actor_role: "officer", actor: "o-1", claimed_by: "o-1", paused: paused,
            terminal: terminal, note: nil, time: Timestamp.format(at))
        try await setup.applications.store.write { db in
            try Outbox.append(db, stream: "applications", type: "application.status_changed", data: event, time: at, subject: number)
        }
    }

    /// The sla service's events so far, as (type, data).
    func facts(_ setup: Setup, _ number: String) async throws -> [(String, JSONValue)] {
        let reply = try await setup.sla.store.read { try Outbox.read($0, after: 0, limit: 10_000) }
        return try reply.compactMap { row in
            let event = try CloudEvent(bytes: row.event)
            return event.subject == number ? (row.topic, event.data) : nil
        }
    }

    func advance(_ setup: Setup, to date: Date) async throws {
        let rpc = RPCClient()
        defer { Task { await rpc.shutdown() } }
        let outcome = try await rpc.send(to: setup.slaEndpoint, method: "sla.test.clock",
                                         body: try JSON.encode(["set": Timestamp.format(date)]))
        #expect(!outcome.isError, "\(outcome.error.map { "\($0)" } ?? "")")
    }

    func count(_ facts: [(String, JSONValue)], _ type: String) -> Int { facts.filter { $0.0 == type }.count }

    @Test func leftAloneItIsWarnedBreachedAndEscalatedOnceEach() async throws {
        let setup = try await start()
        defer { Task { await setup.platform.stop() } }
        try await submit(setup, "3273-250505-AAAAAA", at: Self.monday)
        #expect(try await eventually { try await count(facts(setup, "3273-250505-AAAAAA"), "sla.deadline_set") == 1 })
        for hours in [3, 7, 8.5, 24, 48, 72, 96, 200] {
            try await advance(setup, to: Self.monday.addingTimeInterval(hours * 3600))
        }
        let all = try await facts(setup, "3273-250505-AAAAAA")
        #expect(count(all, "sla.warning") == 1)
        #expect(count(all, "sla.breached") == 1)
        #expect(count(all, "sla.escalated") == 2)
        let breached = all.first { $0.0 == "sla.breached" }!.1
        #expect(breached["at"]?.stringValue == "2025-05-05T09:00:00.000Z", "16:00 WIB, the true time")
    }

    @Test func pausedApplicationDoesNotBreachAndReportsCount() async throws {
        let setup = try await start()
        defer { Task { await setup.platform.stop() } }
        try await submit(setup, "3273-250505-BBBBBB", at: Self.monday)
        try await change(setup, "3273-250505-BBBBBB", from: "submitted", to: "revision_requested",
                         at: Self.monday.addingTimeInterval(3600), paused: true)
        #expect(try await eventually {
            try await setup.sla.store.read { try $0.queryOne("SELECT paused FROM clocks")?.int("paused") } == 1
        })
        try await advance(setup, to: Self.monday.addingTimeInterval(10 * 86_400))
        let all = try await facts(setup, "3273-250505-BBBBBB")
        #expect(count(all, "sla.breached") == 0)
        #expect(count(all, "sla.warning") == 0)

        try await change(setup, "3273-250505-BBBBBB", from: "revision_requested", to: "completed",
                         at: Self.monday.addingTimeInterval(10 * 86_400), terminal: true)
        #expect(try await eventually { try await count(facts(setup, "3273-250505-BBBBBB"), "sla.met") == 1 })
        let rpc = RPCClient()
        defer { Task { await rpc.shutdown() } }
        let outcome = try await rpc.send(to: setup.slaEndpoint, method: "sla.report", metadata: RequestMetadata(token: setup.ops),
                                         body: try JSON.encode(["from": "2025-05-01", "to": "2025-06-01", "format": "csv"]))
        let report = try JSON.decode(SLAAPI.Report.self, from: outcome.body)
        #expect(report.figures.received == 1 && report.figures.completed == 1 && report.figures.on_time_pct == 100)
        #expect(report.csv?.hasPrefix("received,") == true)
    }

    @Test func healthWorkerPermitIsIssuedAutomaticallyOnceAtExpiry() async throws {
        let setup = try await start()
        defer { Task { await setup.platform.stop() } }
        let rule = ApplicationEvents.ExpiryAction(from: ["checked", "technical_review"], action: "auto_approve")
        try await submit(setup, "3273-250505-CCCCCC", at: Self.monday, days: 5, expiry: rule)
        try await change(setup, "3273-250505-CCCCCC", from: "submitted", to: "checked", at: Self.monday.addingTimeInterval(600))
        #expect(try await eventually {
            try await setup.sla.store.read { try $0.queryOne("SELECT state FROM clocks")?.string("state") } == "checked"
        })
        // The deadline is Friday 16:00: still in time on Friday afternoon, breached (and issued) after.
        try await advance(setup, to: Self.monday.addingTimeInterval(4 * 86_400 + 7.5 * 3600))
        #expect(try await count(facts(setup, "3273-250505-CCCCCC"), "sla.breached") == 0)
        try await advance(setup, to: Self.monday.addingTimeInterval(10 * 86_400))
        let all = try await facts(setup, "3273-250505-CCCCCC")
        let expired = all.filter { $0.0 == "sla.expired" }
        #expect(expired.count == 1, "\(all.map(\.0))")
        #expect(expired.first?.1["action"]?.stringValue == "auto_approve")
    }

    @Test func afterADayDownEveryBreachIsReportedWithItsTrueTime() async throws {
        let folder = temporaryFolder("mpp-sla-restart")
        let first = try await start(dataFolder: folder)
        for index in 0..<5 {
            try await submit(first, "3273-250505-D0000\(index)", at: Self.monday.addingTimeInterval(Double(index) * 1800))
        }
        #expect(try await eventually {
            try await first.sla.store.read { try $0.queryOne("SELECT count(*) AS n FROM clocks")?.int("n") } == 5
        })
        await first.sla.shutdown()
        // Two (test-clock) days pass while sla is down: its clock is persisted, so set it in the store.
        let dayLater = Self.monday.addingTimeInterval(2 * 86_400)
        let restarted = try await first.platform.host("sla", migrations: SLAService.migrations, clock: first.clock, dataFolder: folder)
        _ = try await first.clock.persistForTests(dayLater, store: restarted.store)
        try await SLAService(host: restarted, testClock: first.clock, tickInterval: .milliseconds(20)).start()
        let setup = Setup(platform: first.platform, applications: first.applications, sla: restarted,
                          slaEndpoint: restarted.boundEndpoints!.rpc, clock: first.clock, ops: first.ops)
        defer { Task { await setup.platform.stop() } }
        for index in 0..<5 {
            let all = try await facts(setup, "3273-250505-D0000\(index)")
            #expect(count(all, "sla.breached") == 1, "application \(index)")
            // 8 working hours: Monday 16:00 for the first, then Tuesday 08:00 plus what was left over.
            let expected = Timestamp.format(Self.monday.addingTimeInterval(index == 0 ? 8 * 3600 : 86_400 + Double(index) * 1800))
            #expect(all.first { $0.0 == "sla.breached" }?.1["at"]?.stringValue == expected)
        }
    }
}
