import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

extension SLAService {
    func registerCalendars() {
        let host = host, calendars = calendars
        host.methods.on("sla.calendars.get") { [self] (request: SLAAPI.CalendarRequest, context: RequestContext) -> SLAAPI.Calendar in
            _ = try host.auth.claims(context)
            return try await calendarView(year: request.year, region: request.region)
        }

        host.methods.on("sla.calendars.update", .command) { [self] (update: SLAAPI.CalendarUpdate, context: RequestContext) -> SLAAPI.Calendar in
            try host.auth.require(context, [.ops])
            try Self.validate(update)
            let now = host.clock.now()
            try await host.store.write { db in
                for entry in update.add ?? [] {
                    try db.run("INSERT OR REPLACE INTO holidays (date, region, kind, name) VALUES (?, ?, ?, ?)",
                               [.text(entry.date), .text(entry.region ?? ""), .text(entry.kind ?? "libur_daerah"), .text(entry.name ?? "")])
                }
                for entry in update.remove ?? [] {
                    try db.run("DELETE FROM holidays WHERE date = ? AND region = ?", [.text(entry.date), .text(entry.region ?? "")])
                }
                for entry in update.hours ?? [] {
                    let hours = OpeningHours(entry.hours)!
                    try db.run("INSERT OR REPLACE INTO region_hours (region, opens, closes) VALUES (?, ?, ?)",
                               [.text(entry.region), .integer(Int64(hours.opens)), .integer(Int64(hours.closes))])
                }
                try db.run("INSERT INTO calendar_versions (version, changed_at, note) SELECT COALESCE(MAX(version), 0) + 1, ?, ? FROM calendar_versions",
                           [.real(now.timeIntervalSince1970), .text(update.note)])
                try calendars.load(db)
            }
            try await recomputeOpenClocks()
            return try await calendarView(year: nil, region: nil)
        }

        host.methods.on("sla.test.clock", .command) { [self] (request: SLAAPI.TestClockRequest, _: RequestContext) -> SLAAPI.TestClockReply in
            guard let testClock else {
                throw RPCError(.failedPrecondition, "jam uji tidak aktif: jalankan dengan MPP_SLA_TEST_CLOCK=on (test clock not enabled)")
            }
            var target = host.clock.now()
            if let set = request.set {
                guard let date = Timestamp.parse(set) else { throw RPCError.invalid(["set": "harus RFC 3339"]) }
                target = date
            }
            if let seconds = request.advance_seconds {
                guard seconds >= 0, seconds <= 400 * 86_400 else { throw RPCError.invalid(["advance_seconds": "harus 0–34560000"]) }
                target = target.addingTimeInterval(seconds)
            }
            let now = try await testClock.set(target, store: host.store)
            let fired = try await tick()
            return SLAAPI.TestClockReply(now: Timestamp.format(now), fired: fired)
        }
    }

    /// The holidays (national, plus a region's own) and coverage.
    func calendarView(year: Int?, region: String?) async throws -> SLAAPI.Calendar {
        let yearText = year.map(String.init)
        let rows = try await host.store.read { db in
            try db.query("SELECT date, region, kind, name FROM holidays WHERE (? IS NULL OR substr(date, 1, 4) = ?) AND (region = '' OR region = ?) ORDER BY date",
                         [SQLValue(yearText), SQLValue(yearText), .text(region ?? "")])
        }
        return SLAAPI.Calendar(
            version: calendars.version, years: calendars.coveredYears.sorted(),
            holidays: rows.map { SLAAPI.HolidayEntry(date: $0.string("date") ?? "", region: $0.string("region").flatMap { $0.isEmpty ? nil : $0 },
                                                     kind: $0.string("kind"), name: $0.string("name")) },
            warnings: calendars.coverageWarnings(now: host.clock.now()))
    }

    /// After a calendar change every open clock's deadline is recomputed (and re-announced when it moved).
    func recomputeOpenClocks() async throws {
        let calendars = calendars, facts = FactWriter(stream: host.configuration.stream, clock: host.clock), now = host.clock.now()
        var after = ""
        while true {
            let cursor = after
            let last = try await host.store.write { db -> String? in
                let rows = try db.query("SELECT * FROM clocks WHERE finished_at IS NULL AND tracking_number > ? ORDER BY tracking_number LIMIT 500",
                                        [.text(cursor)])
                for row in rows {
                    var record = try ClockRecord(row: row)
                    let calendar = calendars.calendar(for: record.region)
                    let outputs = record.tracker.handle(.tick(now), calendar: calendar)
                    try record.save(db, calendar: calendar, now: now)
                    try facts.write(outputs, for: record, calendar: calendar, db, traceID: nil)
                }
                return rows.count == 500 ? rows.last?.string("tracking_number") : nil
            }
            guard let last else { return }
            after = last
        }
    }

    static func validate(_ update: SLAAPI.CalendarUpdate) throws {
        var problems: [String: String] = [:]
        for (index, entry) in (update.add ?? []).enumerated() {
            if CivilDate(entry.date) == nil { problems["add[\(index)].date"] = "harus YYYY-MM-DD" }
            if let region = entry.region, !region.isEmpty, RegionCode(region)?.level != .regency {
                problems["add[\(index)].region"] = "harus kode kab/kota NN.NN"
            }
            if (entry.name ?? "").isEmpty { problems["add[\(index)].name"] = "wajib diisi" }
        }
        for (index, entry) in (update.remove ?? []).enumerated() where CivilDate(entry.date) == nil {
            problems["remove[\(index)].date"] = "harus YYYY-MM-DD"
        }
        for (index, entry) in (update.hours ?? []).enumerated() {
            if OpeningHours(entry.hours) == nil { problems["hours[\(index)].hours"] = "harus HH:MM-HH:MM" }
            if RegionCode(entry.region)?.level != .regency { problems["hours[\(index)].region"] = "harus kode kab/kota NN.NN" }
        }
        if update.note.trimmingCharacters(in: .whitespaces).isEmpty { problems["note"] = "wajib diisi: alasan perubahan" }
        if !problems.isEmpty { throw RPCError.invalid(problems) }
    }
}
