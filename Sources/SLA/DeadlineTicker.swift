import Domain
import Foundation
import Store
import Support

/// Fires what is due: reads the clocks whose next wake-up has passed from the deadline index
/// (never a scan of all open clocks), lets each catch up to now, and commits the facts with
/// the clocks. After downtime the first tick finds every missed deadline with its true time.
struct DeadlineTicker: Sendable {
    let store: Store
    let calendars: CalendarBook
    let facts: FactWriter
    let batch: Int

    /// Processes everything due at `now`; returns how many clocks were handled.
    @discardableResult
    func tick(now: Date) async throws -> Int {
        var handled = 0
        // Most ticks find nothing: ask a reader first, so an idle tick costs an index seek, not a commit.
        let anyDue = try await store.read { db in
            try db.queryOne("SELECT 1 AS due FROM clocks WHERE next_wake IS NOT NULL AND next_wake <= ? LIMIT 1",
                            [.real(now.timeIntervalSince1970)]) != nil
        }
        guard anyDue else { return 0 }
        while true {
            let calendars = calendars, facts = facts, batch = batch
            let count = try await store.write { db -> Int in
                let rows = try db.query("SELECT * FROM clocks WHERE next_wake IS NOT NULL AND next_wake <= ? ORDER BY next_wake LIMIT ?",
                                        [.real(now.timeIntervalSince1970), .integer(Int64(batch))])
                for row in rows {
                    var record = try ClockRecord(row: row)
                    let calendar = calendars.calendar(for: record.region)
                    let outputs = record.tracker.handle(.tick(now), calendar: calendar)
                    try record.save(db, calendar: calendar, now: now)
                    try facts.write(outputs, for: record, calendar: calendar, db, traceID: nil)
                    if let wake = record.tracker.nextWake(calendar: calendar), wake <= now {
                        // Nothing left to fire now: look again shortly rather than spin.
                        try db.run("UPDATE clocks SET next_wake = ? WHERE tracking_number = ?",
                                   [.real(now.timeIntervalSince1970 + 0.01), .text(record.trackingNumber)])
                    }
                }
                return rows.count
            }
            handled += count
            if count < batch { return handled }
        }
    }
}
