import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

extension SLAService {
    func registerCalendars() {
        let host = host, calendars = calendars
        host.methods.on("sla.calendars.get", roles: Role.signedIn) { [self] (request: SLAAPI.CalendarRequest, _: RequestContext) -> SLAAPI.Calendar in
            var problems: [String: String] = [:]
            if let year = request.year, !Self.calendarYears.contains(year) {
                problems["year"] = "di luar rentang \(Self.calendarYears.lowerBound)–\(Self.calendarYears.upperBound) (out of range)"
            }
            if let region = request.region, RegionCode(region)?.level != .regency { problems["region"] = "harus kode kab/kota NN.NN" }
            if !problems.isEmpty { throw RPCError.invalid(problems) }
            return try await calendarView(year: request.year, region: request.region.flatMap { RegionCode($0)?.value })
        }

        host.methods.on("sla.calendars.update", .command, roles: [.ops]) { [self] (update: SLAAPI.CalendarUpdate, _: RequestContext) -> SLAAPI.Calendar in
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

    /// Years a calendar can be asked for.
    static let calendarYears = 1970...2100

    static func validate(_ update: SLAAPI.CalendarUpdate) throws {
        var problems: [String: String] = [:]
        if (update.add?.count ?? 0) + (update.remove?.count ?? 0) + (update.hours?.count ?? 0) > 2_000 {
            problems["add"] = "paling banyak 2000 perubahan sekaligus (at most 2000 changes at once)"
        }
        for (index, entry) in (update.add ?? []).enumerated() {
            if CivilDate(entry.date) == nil { problems["add[\(index)].date"] = "harus YYYY-MM-DD" }
            if let region = entry.region, !region.isEmpty, RegionCode(region).map({ $0.level == .regency && $0.value == region }) != true {
                problems["add[\(index)].region"] = "harus kode kab/kota NN.NN"
            }
            if (entry.name ?? "").isEmpty { problems["add[\(index)].name"] = "wajib diisi" }
            if let name = entry.name, let problem = TextCheck.problem(name, maxLength: 200) { problems["add[\(index)].name"] = problem }
            if let kind = entry.kind, let problem = TextCheck.nameProblem(kind, maxLength: 64) { problems["add[\(index)].kind"] = problem }
        }
        for (index, entry) in (update.remove ?? []).enumerated() where CivilDate(entry.date) == nil {
            problems["remove[\(index)].date"] = "harus YYYY-MM-DD"
        }
        for (index, entry) in (update.hours ?? []).enumerated() {
            if OpeningHours(entry.hours) == nil { problems["hours[\(index)].hours"] = "harus HH:MM-HH:MM" }
            if RegionCode(entry.region)?.level != .regency { problems["hours[\(index)].region"] = "harus kode kab/kota NN.NN" }
        }
        if update.note.trimmingCharacters(in: .whitespaces).isEmpty { problems["note"] = "wajib diisi: alasan perubahan" }
        if let problem = TextCheck.problem(update.note, maxLength: 1_000, multiline: true) { problems["note"] = problem }
        if !problems.isEmpty { throw RPCError.invalid(problems) }
    }
}
