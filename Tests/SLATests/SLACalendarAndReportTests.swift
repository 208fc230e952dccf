import Bus
import Domain
import Foundation
import SLA
import ServiceKit
import Support
import Testing
import TestKit

@Suite struct CalendarCoverageTests {
    @Test func nextYearMissingWarnsFromOctober() throws {
        let book = CalendarBook()
        // The shipped data covers 2024–2026 once loaded; an empty book covers nothing.
        let september = Timestamp.parse("2026-09-15T03:00:00Z")!, october = Timestamp.parse("2026-10-01T03:00:00Z")!
        #expect(book.coverageWarnings(now: september).count == 1, "this year missing")
        #expect(book.coverageWarnings(now: october).count == 2, "this year and next year missing")
    }
}

@Suite struct WeeklyEvaluationTests {
    @Test func flagsOfAWeek() {
        let dead = ReportFigures(received: 0, completed: 0, outcomes: [], openBacklog: 0, openBreached: 0, surveys: [])
        #expect(SLAService.flags(dead, breachedAtStart: 0) == ["tidak_beroperasi"])
        let slow = ReportFigures(received: 10, completed: 4, outcomes: [(3600, true), (9 * 3600, false), (9 * 3600, false), (2 * 3600, true)],
                                 openBacklog: 6, openBreached: 3, surveys: [[2, 2, 2, 2, 2, 2, 2, 2, 2]])
        #expect(SLAService.flags(slow, breachedAtStart: 1) == ["on_time_below_80", "skm_grade_c_or_d", "breach_backlog_growing"])
        #expect(slow.on_time_pct == 50 && slow.skm_grade == "D" && slow.median_working_hours == 2)
        let good = ReportFigures(received: 5, completed: 5, outcomes: Array(repeating: (3600, true), count: 5), openBacklog: 0,
                                 openBreached: 0, surveys: [Array(repeating: 4, count: 9)])
        #expect(SLAService.flags(good, breachedAtStart: 0).isEmpty)
    }

    @Test func isoWeeks() throws {
        let week = try #require(SLAService.week("2026-W48"))
        #expect(Timestamp.format(week.from) == "2026-11-22T17:00:00.000Z", "Monday 23 November 00:00 WIB")
        #expect(week.to.timeIntervalSince(week.from) == 7 * 86_400)
        #expect(Timestamp.format(try #require(SLAService.week("2026-W01")).from) == "2025-12-28T17:00:00.000Z")
        #expect(SLAService.week("2026-W54") == nil && SLAService.week("2026-48") == nil && SLAService.week("2025-W53") == nil)
        #expect(SLAService.week("2026-W53") != nil, "2026 has 53 ISO weeks")
    }
}

/// A calendar change by ops moves open deadlines and says so.
@Suite struct CalendarUpdateTests {
    @Test func aNewRegionalHolidayMovesOpenDeadlines() async throws {
        let platform = try await TestPlatform.start()
        defer { Task { await platform.stop() } }
        let applications = try await platform.host("applications", migrations: [])
        try await applications.start()
        let monday = Timestamp.parse("2025-05-05T01:00:00Z")!  // 08:00 WIB
        let clock = TestClock(start: monday)
        let sla = try await platform.host("sla", migrations: SLAService.migrations, clock: clock)
        try await SLAService(host: sla, testClock: clock, tickInterval: .milliseconds(20)).start()
        let event = ApplicationEvents.Submitted(
            tracking_number: "3273-250505-EEEEEE", citizen: "c", service: "ktp-el", service_version: 1, region: "32.73", site: nil,
            agency: "disdukcapil", workflow: "adminduk", state: "submitted", sla: SLA(value: 1, unit: .workingDays),
            on_sla_expiry: nil, submitted_at: Timestamp.format(monday), language: nil)
        try await applications.store.write { db in
            try Outbox.append(db, stream: "applications", type: "application.submitted", data: event, time: monday)
        }
        let deadline = { @Sendable () async throws -> String? in
            try await sla.store.read { try $0.queryOne("SELECT deadline FROM clocks")?.double("deadline") }.map { Timestamp.format(Date(timeIntervalSince1970: $0)) }
        }
        #expect(try await eventually { try await deadline() == "2025-05-05T09:00:00.000Z" })

        let rpc = RPCClient()
        defer { Task { await rpc.shutdown() } }
        let update = try await rpc.send(to: sla.boundEndpoints!.rpc, method: "sla.calendars.update",
                                        metadata: RequestMetadata(token: platform.token(sub: "ops", role: .ops), idempotencyKey: "cal-1"),
                                        body: try JSON.encode(SLAAPI.CalendarUpdate(add: [SLAAPI.HolidayEntry(date: "2025-05-05", region: "32.73", kind: "libur_daerah", name: "Hari Jadi Kota Bandung")],
                                                                                    remove: nil, hours: nil, note: "Perwal")))
        #expect(!update.isError, "\(update.error.map { "\($0)" } ?? "")")
        #expect(try await deadline() == "2025-05-06T09:00:00.000Z", "Monday is now a holiday in Bandung: Tuesday 16:00")
        let announced = try await sla.store.read { try $0.query("SELECT topic FROM bus_outbox WHERE topic = 'sla.deadline_set'").count }
        #expect(announced == 2)

        let refused = try await rpc.send(to: sla.boundEndpoints!.rpc, method: "sla.calendars.update",
                                         metadata: RequestMetadata(token: platform.token(sub: "o", role: .officer, agency: "disdukcapil", region: "32.73")),
                                         body: Array(#"{"note": "x"}"#.utf8))
        #expect(refused.error?.code == .permissionDenied)
        let invalid = try await rpc.send(to: sla.boundEndpoints!.rpc, method: "sla.calendars.update",
                                         metadata: RequestMetadata(token: platform.token(sub: "ops", role: .ops)),
                                         body: Array(#"{"add": [{"date": "2025-02-30", "region": "32", "name": ""}], "note": " "}"#.utf8))
        #expect(Set(invalid.error?.fields.keys.map { $0 } ?? []) == ["add[0].date", "add[0].region", "add[0].name", "note"])
    }
}
