import Domain
import Foundation
import Store
import Support

/// The business calendars of every kab/kota: national holidays and cuti bersama (shipped data,
/// versioned, updatable by ops), regional holidays, opening hours, and the province's time zone
/// (`IndonesianTimeZone(province:)`).
/// Builds one `BusinessCalendar` per region on demand and caches it until the next version.
public final class CalendarBook: Sendable {
    private struct Snapshot: Sendable {
        var version = 0
        var national: [CivilDate] = []
        var regional: [String: [CivilDate]] = [:]
        var hours: [String: OpeningHours] = [:]
        var years: Set<Int> = []
        var cache: [String: BusinessCalendar] = [:]
    }

    private let snapshot = Mutexed(Snapshot())

    public init() {}

    /// The calendar of a kab/kota (`NN.NN`) or any code inside it.
    public func calendar(for region: String) -> BusinessCalendar {
        let regency = String(region.prefix(5))
        return snapshot.update { state in
            if let cached = state.cache[regency] { return cached }
            let zone = IndonesianTimeZone(province: regency) ?? .wib
            let calendar = BusinessCalendar(timeZone: zone, hours: state.hours[regency] ?? OpeningHours(),
                                            holidays: state.national + (state.regional[regency] ?? []), coveredYears: state.years)
            state.cache[regency] = calendar
            return calendar
        }
    }

    public var version: Int { snapshot.get().version }
    public var coveredYears: Set<Int> { snapshot.get().years }

    /// Ops warning from October when next year's national holidays are missing.
    public func coverageWarnings(now: Date) -> [String] {
        let today = IndonesianTimeZone.wib.date(of: now)
        let years = coveredYears
        var warnings: [String] = []
        if !years.contains(today.year) { warnings.append("kalender \(today.year) belum ada (holidays for \(today.year) missing)") }
        if today.month >= 10 && !years.contains(today.year + 1) {
            warnings.append("kalender \(today.year + 1) belum ada: tambahkan libur nasional dan cuti bersama (holidays for \(today.year + 1) missing)")
        }
        return warnings
    }

    /// Seeds the shipped holidays on first start (idempotent).
    static func seed(_ db: Database, now: Date) throws {
        guard (try db.queryOne("SELECT count(*) AS n FROM calendar_versions")?.int("n") ?? 0) == 0 else { return }
        guard let folder = Bundle.module.url(forResource: "Calendars", withExtension: nil) else {
            throw RPCErrorMessage("shipped calendars missing from the bundle")
        }
        func records(_ file: String) throws -> [CSVReader.Record] {
            try CSVReader.records(Array(try Data(contentsOf: folder.appendingPathComponent(file))))
        }
        for row in try records("holidays.csv") {
            guard let date = row["date"], CivilDate(date) != nil, let kind = row["kind"], let name = row["name"] else { continue }
            try db.run("INSERT OR IGNORE INTO holidays (date, region, kind, name) VALUES (?, '', ?, ?)", [.text(date), .text(kind), .text(name)])
        }
        try db.run("INSERT INTO calendar_versions (version, changed_at, note) VALUES (1, ?, 'shipped holidays 2024–2026 (SKB 3 Menteri)')",
                   [.real(now.timeIntervalSince1970)])
    }

    /// Reloads everything from the store.
    func load(_ db: Database) throws {
        var next = Snapshot()
        next.version = try db.queryOne("SELECT COALESCE(MAX(version), 0) AS v FROM calendar_versions")?.int("v") ?? 0
        for row in try db.query("SELECT date, region FROM holidays") {
            guard let date = CivilDate(row.string("date") ?? "") else { continue }
            let region = row.string("region") ?? ""
            if region.isEmpty {
                next.national.append(date)
                next.years.insert(date.year)
            } else {
                next.regional[region, default: []].append(date)
            }
        }
        for row in try db.query("SELECT region, opens, closes FROM region_hours") {
            if let region = row.string("region"), let opens = row.int("opens"), let closes = row.int("closes"), opens < closes {
                next.hours[region] = OpeningHours(opens: opens, closes: closes)
            }
        }
        snapshot.set(next)
    }
}

/// A message-only error for startup problems.
struct RPCErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

