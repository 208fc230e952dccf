import Domain
import Foundation
import Store
import Support

/// One application's row in the `clocks` table: who and where, plus its tracker.
struct ClockRecord: Sendable {
    var trackingNumber: String
    var citizen: String
    var service: String
    var region: String
    var site: String?
    var agency: String
    var claimedBy: String?
    var tracker: SLATracker

    static func load(_ db: Database, _ trackingNumber: String) throws -> ClockRecord? {
        guard let row = try db.queryOne("SELECT * FROM clocks WHERE tracking_number = ?", [.text(trackingNumber)]) else { return nil }
        return try ClockRecord(row: row)
    }

    init(trackingNumber: String, citizen: String, service: String, region: String, site: String?, agency: String,
         claimedBy: String?, tracker: SLATracker) {
        self.trackingNumber = trackingNumber
        self.citizen = citizen
        self.service = service
        self.region = region
        self.site = site
        self.agency = agency
        self.claimedBy = claimedBy
        self.tracker = tracker
    }

    init(row: Row) throws {
        trackingNumber = row.string("tracking_number") ?? ""
        citizen = row.string("citizen") ?? ""
        service = row.string("service") ?? ""
        region = row.string("region") ?? ""
        site = row.string("site")
        agency = row.string("agency") ?? ""
        claimedBy = row.string("claimed_by")
        tracker = try JSON.decode(SLATracker.self, from: row.blob("tracker") ?? [])
    }

    /// Writes the row, with the derived columns reports and the deadline index use.
    func save(_ db: Database, calendar: BusinessCalendar, now: Date) throws {
        let clock = tracker.clock
        let finished = clock.phase == .stopped ? clock.since.timeIntervalSince1970 : nil
        let outcome: String? = clock.phase == .stopped ? (clock.consumed > clock.budget ? "missed" : "met") : nil
        try db.run("""
            INSERT INTO clocks (tracking_number, citizen, service, region, site, agency, claimed_by, state, submitted_at,
                finished_at, outcome, breached_at, deadline, paused, used_seconds, budget, tracker, next_wake)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tracking_number) DO UPDATE SET claimed_by = excluded.claimed_by, state = excluded.state,
                finished_at = excluded.finished_at, outcome = excluded.outcome, breached_at = excluded.breached_at,
                deadline = excluded.deadline, paused = excluded.paused, used_seconds = excluded.used_seconds,
                tracker = excluded.tracker, next_wake = excluded.next_wake
            """, [
            .text(trackingNumber), .text(citizen), .text(service), .text(region), SQLValue(site), .text(agency), SQLValue(claimedBy),
            .text(tracker.state), .real(tracker.submittedAt.timeIntervalSince1970), finished.map { .real($0) } ?? .null,
            SQLValue(outcome), tracker.breachedAt.map { .real($0.timeIntervalSince1970) } ?? .null,
            tracker.lastDeadline.map { .real($0.timeIntervalSince1970) } ?? .null, .integer(clock.phase == .paused ? 1 : 0),
            .integer(Int64(clock.used(at: now, calendar: calendar))), .integer(Int64(clock.budget)),
            .blob(try JSON.encode(tracker)), tracker.nextWake(calendar: calendar).map { .real($0.timeIntervalSince1970) } ?? .null,
        ])
    }
}
