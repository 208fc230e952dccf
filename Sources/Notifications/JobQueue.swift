import Bus
import Foundation
import Store
import Support

/// The delivery queue in the store: claims with leases, reports, retries, dead letters.
/// Every function runs inside one write transaction.
struct JobQueue: Sendable {
    let policy: DeliveryPolicy
    let limits: ChannelRateLimits
    let stream: String

    /// Leases up to `request.max` due jobs: transactional before bulk, oldest first, within the
    /// channels' rate limits. A job whose lease ran out is reclaimed (its attempt recorded as
    /// `lease_expired`) or, with its attempts used up, dead-lettered.
    func claim(_ db: Database, _ request: ClaimJobs, channels: [String], now: Date, traceID: String?) throws -> [ClaimedJob] {
        let time = now.timeIntervalSince1970
        var allowances = limits.allowances(channels)
        var candidates: [ClaimCandidate] = []
        var known: [Int64: (attempts: Int, base: Int, token: String?)] = [:]
        for lane in Set(request.lanes ?? Lane.allCases).sorted() {
            for channel in channels {
                let room = min(request.max - candidates.count, allowances[channel] ?? 0)
                guard room > 0 else { continue }
                let rows = try db.query("""
                    SELECT notification, due_at, attempts, attempt_base, lease_token FROM jobs
                    WHERE state = 'pending' AND route = ? AND lane = ? AND due_at <= ? ORDER BY due_at, notification LIMIT ?
                    """, [.text(channel), .integer(Int64(lane.rank)), .real(time), .integer(Int64(room))])
                for row in rows {
                    let job = row.int64("notification") ?? 0
                    candidates.append(ClaimCandidate(job: job, lane: lane, channel: channel, due: row.double("due_at") ?? time))
                    known[job] = (row.int("attempts") ?? 0, row.int("attempt_base") ?? 0, row.string("lease_token"))
                }
                allowances[channel, default: 0] -= rows.count
            }
        }
        let selected = ClaimSelection.select(candidates, allowances: limits.allowances(channels), max: request.max)
        var claimed: [ClaimedJob] = []
        var spent: [String: Int] = [:]
        let leaseUntil = time + Double(request.lease_ms) / 1000
        for candidate in selected {
            var attempts = known[candidate.job]?.attempts ?? 0
            if known[candidate.job]?.token != nil {
                try finishAttempt(db, candidate.job, attempt: attempts, outcome: "lease_expired",
                                  detail: "lease ran out without a report", now: time)
                let counted = attempts - (known[candidate.job]?.base ?? 0)
                if case .deadLetter(let reason) = policy.afterLeaseExpired(attempts: counted, now: time) {
                    try deadLetter(db, candidate.job, reason: reason, now: now, traceID: traceID)
                    continue
                }
            }
            attempts += 1
            let token = Self.newLeaseToken()
            try db.run("""
                UPDATE jobs SET attempts = ?, lease_token = ?, lease_owner = ?, lease_until = ?, due_at = ? WHERE notification = ?
                """, [.integer(Int64(attempts)), .text(token), .text(request.worker), .real(leaseUntil), .real(leaseUntil),
                      .integer(candidate.job)])
            try db.run("""
                INSERT INTO attempts (notification, attempt, worker, lease_token, claimed_at, lease_until) VALUES (?, ?, ?, ?, ?, ?)
                """, [.integer(candidate.job), .integer(Int64(attempts)), .text(request.worker), .text(token), .real(time),
                      .real(leaseUntil)])
            guard let row = try db.queryOne("SELECT * FROM notifications WHERE id = ?", [.integer(candidate.job)]) else { continue }
            claimed.append(ClaimedJob(
                job: candidate.job, lease: token, attempt: attempts, lane: candidate.lane, channel: candidate.channel,
                medium: row.string("channel") ?? "", to: row.string("address") ?? "", recipient: row.string("recipient") ?? "",
                language: row.string("language") ?? "id", subject: row.string("subject"), body: row.string("body") ?? "",
                event_type: row.string("kind") ?? "", event_id: row.string("event_id") ?? "", reference: row.string("reference"),
                created_at: Timestamp.format(Date(timeIntervalSince1970: row.double("created_at") ?? time)),
                lease_until: Timestamp.format(Date(timeIntervalSince1970: leaseUntil))))
            spent[candidate.channel, default: 0] += 1
        }
        limits.spend(spent)
        return claimed
    }

    /// Whether any job a claim could take is due (a cheap read before taking the writer).
    func hasDue(_ db: Database, _ request: ClaimJobs, channels: [String], now: Date) throws -> Bool {
        for lane in request.lanes ?? Lane.allCases {
            for channel in channels {
                if try db.queryOne("SELECT 1 AS due FROM jobs WHERE state = 'pending' AND route = ? AND lane = ? AND due_at <= ? LIMIT 1",
                                   [.text(channel), .integer(Int64(lane.rank)), .real(now.timeIntervalSince1970)]) != nil { return true }
            }
        }
        return false
    }

    /// Records a worker's report and moves the job on: delivered, back to the queue with
    /// backoff, or to the dead letters.
    func complete(_ db: Database, _ report: CompleteJob, now: Date, traceID: String?) throws -> JobState {
        let time = now.timeIntervalSince1970
        guard let job = try db.queryOne("SELECT state, attempts, attempt_base, lease_token FROM jobs WHERE notification = ?",
                                        [.integer(report.job)]) else {
            throw RPCError(.notFound, "tugas \(report.job) tidak ada (no such job)")
        }
        let attempts = job.int("attempts") ?? 0
        let state = job.string("state") ?? "pending"
        guard state == "pending" else {
            // Already settled (e.g. a late report from a lost lease delivered it): keep this
            // attempt's own outcome in the history, change nothing else.
            if let lease = report.lease {
                try db.run("UPDATE attempts SET finished_at = ?, outcome = ?, detail = ? WHERE notification = ? AND lease_token = ? AND outcome IS NULL",
                           [.real(time), .text(report.outcome.rawValue), SQLValue(report.detail), .integer(report.job), .text(lease)])
            }
            return JobState(job: report.job, state: state, attempts: attempts)
        }
        let current = job.string("lease_token")
        let attempt: Int
        if let lease = report.lease, lease != current {
            // The lease was lost (expired and claimed again). A delivery that happened anyway
            // still counts; a failure under a lost lease is the new holder's business.
            guard report.outcome == .delivered,
                  let row = try db.queryOne("SELECT attempt FROM attempts WHERE notification = ? AND lease_token = ?",
                                            [.integer(report.job), .text(lease)]) else {
                throw RPCError(.failedPrecondition, "sewa tugas \(report.job) sudah berakhir (lease lost: it expired and was claimed again)")
            }
            attempt = row.int("attempt") ?? attempts
        } else {
            guard current != nil else {
                throw RPCError(.failedPrecondition, "tugas \(report.job) tidak sedang disewa (job is not leased)")
            }
            attempt = attempts
        }
        try finishAttempt(db, report.job, attempt: attempt, outcome: report.outcome.rawValue, detail: report.detail, now: time,
                          overwrite: report.lease != nil && report.lease != current)
        switch policy.afterOutcome(report.outcome, attempts: attempts - (job.int("attempt_base") ?? 0), detail: report.detail, now: time) {
        case .delivered:
            try db.run("""
                UPDATE jobs SET state = 'delivered', finished_at = ?, last_detail = ?, lease_token = NULL, lease_until = NULL
                WHERE notification = ?
                """, [.real(time), SQLValue(report.detail), .integer(report.job)])
            try publish(db, "notification.delivered", report.job, attempts: attempts, reason: nil, now: now, traceID: traceID)
            return JobState(job: report.job, state: "delivered", attempts: attempts)
        case .retry(let at):
            try db.run("""
                UPDATE jobs SET due_at = ?, last_detail = ?, lease_token = NULL, lease_owner = NULL, lease_until = NULL
                WHERE notification = ?
                """, [.real(at), SQLValue(report.detail), .integer(report.job)])
            return JobState(job: report.job, state: "queued", attempts: attempts,
                            next_attempt_at: Timestamp.format(Date(timeIntervalSince1970: at)))
        case .deadLetter(let reason):
            try deadLetter(db, report.job, reason: reason, now: now, traceID: traceID)
            return JobState(job: report.job, state: "failed", attempts: attempts)
        }
    }

    /// Puts dead letters back in the queue with a fresh retry allowance (ops, after fixing the cause).
    func requeue(_ db: Database, _ ids: [Int64], now: Date) throws -> Int {
        var count = 0
        for id in ids {
            count += try db.run("""
                UPDATE jobs SET state = 'pending', attempt_base = attempts, due_at = ?, failure_reason = NULL, finished_at = NULL,
                    lease_token = NULL, lease_owner = NULL, lease_until = NULL
                WHERE notification = ? AND state = 'failed'
                """, [.real(now.timeIntervalSince1970), .integer(id)])
        }
        return count
    }

    /// Records how an attempt ended; `overwrite` lets a late delivery replace `lease_expired`.
    private func finishAttempt(_ db: Database, _ job: Int64, attempt: Int, outcome: String, detail: String?, now: Double,
                               overwrite: Bool = false) throws {
        try db.run("UPDATE attempts SET finished_at = ?, outcome = ?, detail = ? WHERE notification = ? AND attempt = ?"
                   + (overwrite ? "" : " AND outcome IS NULL"),
                   [.real(now), .text(outcome), SQLValue(detail.map { String($0.prefix(1_000)) }), .integer(job), .integer(Int64(attempt))])
    }

    private func deadLetter(_ db: Database, _ job: Int64, reason: String, now: Date, traceID: String?) throws {
        let attempts = try db.queryOne("SELECT attempts FROM jobs WHERE notification = ?", [.integer(job)])?.int("attempts") ?? 0
        try db.run("""
            UPDATE jobs SET state = 'failed', failure_reason = ?, finished_at = ?, lease_token = NULL, lease_until = NULL
            WHERE notification = ?
            """, [.text(String(reason.prefix(1_000))), .real(now.timeIntervalSince1970), .integer(job)])
        try publish(db, "notification.failed", job, attempts: attempts, reason: reason, now: now, traceID: traceID)
    }

    private func publish(_ db: Database, _ type: String, _ job: Int64, attempts: Int, reason: String?, now: Date, traceID: String?) throws {
        guard let row = try db.queryOne("SELECT event_id, kind, recipient, channel, reference FROM notifications WHERE id = ?",
                                        [.integer(job)]) else { return }
        let data = DeliveryEvent(id: job, event_id: row.string("event_id") ?? "", kind: row.string("kind") ?? "",
                                 recipient: row.string("recipient") ?? "", channel: row.string("channel") ?? "",
                                 attempts: attempts, reference: row.string("reference"), reason: reason)
        try Outbox.append(db, stream: stream, type: type, data: data, time: now, traceID: traceID, subject: String(job))
    }

    static func newLeaseToken() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 36) + String(UInt64.random(in: 1...UInt64.max), radix: 36)
    }
}
