import Domain
import Foundation
import Store

/// Computes report figures from the store.
enum ReportQueries {
    static func figures(_ db: Database, filter: ReportFilter, from: Date, to: Date) throws -> ReportFigures {
        let (condition, parameters) = filter.sql()
        let scope = parameters.map { SQLValue.text($0) }
        let period: [SQLValue] = [.real(from.timeIntervalSince1970), .real(to.timeIntervalSince1970)]
        let received = try db.queryOne("SELECT count(*) AS n FROM clocks WHERE \(condition) AND submitted_at >= ? AND submitted_at < ?",
                                       scope + period)?.int("n") ?? 0
        let finishedRows = try db.query("""
            SELECT used_seconds, outcome, state FROM clocks
            WHERE \(condition) AND finished_at >= ? AND finished_at < ? AND state NOT IN ('cancelled')
            """, scope + period)
        let outcomes = finishedRows.map { (usedSeconds: $0.int("used_seconds") ?? 0, met: $0.string("outcome") == "met") }
        let completed = finishedRows.filter { $0.string("state") == "completed" }.count
        let backlog = try db.queryOne("SELECT count(*) AS n FROM clocks WHERE \(condition) AND submitted_at < ? AND (finished_at IS NULL OR finished_at >= ?)",
                                      scope + [.real(to.timeIntervalSince1970), .real(to.timeIntervalSince1970)])?.int("n") ?? 0
        let breached = try openBreached(db, condition: condition, scope: scope, at: to)
        let surveys = try db.query("SELECT scores FROM surveys WHERE \(condition) AND at >= ? AND at < ?", scope + period)
            .map { ($0.string("scores") ?? "").split(separator: ",").compactMap { Int($0) } }
        return ReportFigures(received: received, completed: completed, outcomes: outcomes, openBacklog: backlog,
                             openBreached: breached, surveys: surveys)
    }

    /// Applications breached before `at` and not finished by then.
    static func openBreached(_ db: Database, condition: String, scope: [SQLValue], at: Date) throws -> Int {
        try db.queryOne("""
            SELECT count(*) AS n FROM clocks WHERE \(condition) AND breached_at IS NOT NULL AND breached_at < ?
            AND (finished_at IS NULL OR finished_at >= ?)
            """, scope + [.real(at.timeIntervalSince1970), .real(at.timeIntervalSince1970)])?.int("n") ?? 0
    }

    /// The Monday 00:00 (WIB) to Monday interval of an ISO week such as "2026-W47".
    static func isoWeek(_ text: String) -> (from: Date, to: Date)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count <= 3, let year = Int(parts[0]), year > 0, parts[1].hasPrefix("W"),
              let week = Int(parts[1].dropFirst()),
              (1...53).contains(week), let january4 = CivilDate(year: year, month: 1, day: 4) else { return nil }
        let mondayOfWeek1 = january4.dayNumber - (january4.weekday + 6) % 7
        let monday = mondayOfWeek1 + (week - 1) * 7
        guard week < 53 || CivilDate(dayNumber: monday + 3).year == year else { return nil }
        let start = Date(timeIntervalSince1970: TimeInterval(monday * 86_400 - 7 * 3600))
        return (start, start.addingTimeInterval(7 * 86_400))
    }
}
