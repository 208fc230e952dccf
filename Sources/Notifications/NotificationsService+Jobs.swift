import Bus
import Foundation
import ServiceKit
import Store
import Support

/// The workers' side (claim, complete) and the ops' side (status, dead letters) of delivery.
extension NotificationsService {
    func registerJobs() {
        host.methods.on("notifications.jobs.claim", .command) { [self] (request: ClaimJobs, context: RequestContext) -> ClaimedJobs in
            try requireWorker(context)
            let channels = try validated(request)
            let queue = queue, now = now, trace = context.traceID
            // Polling workers mostly find nothing: look on a reader first, take the writer only for work.
            guard try await host.store.read({ try queue.hasDue($0, request, channels: channels, now: now) }) else { return ClaimedJobs(jobs: []) }
            let jobs = try await host.store.write { try queue.claim($0, request, channels: channels, now: now, traceID: trace) }
            if !jobs.isEmpty { host.metrics.increment("notifications.jobs_claimed", by: jobs.count) }
            return ClaimedJobs(jobs: jobs)
        }

        host.methods.on("notifications.jobs.complete", .command) { [self] (request: CompleteJob, context: RequestContext) -> JobState in
            try requireWorker(context)
            if let detail = request.detail, let problem = TextCheck.problem(detail, maxLength: 2_000, multiline: true) {
                throw RPCError.invalid(["detail": problem])
            }
            let queue = queue, now = now, trace = context.traceID
            let state = try await host.store.write { try queue.complete($0, request, now: now, traceID: trace) }
            host.metrics.increment("notifications.jobs_\(state.state)")
            return state
        }

        host.methods.on("notifications.jobs.complete_many", .command) { [self] (request: CompleteJobs, context: RequestContext) -> CompletedJobs in
            try requireWorker(context)
            var problems: [String: String] = [:]
            if !(1...1_000).contains(request.reports.count) { problems["reports"] = "1–1000 laporan (reports)" }
            for (index, report) in request.reports.enumerated() {
                if let detail = report.detail, let problem = TextCheck.problem(detail, maxLength: 2_000, multiline: true) {
                    problems["reports[\(index)].detail"] = problem
                }
            }
            if !problems.isEmpty { throw RPCError.invalid(problems) }
            let queue = queue, now = now, trace = context.traceID
            let results = try await host.store.write { db in
                try request.reports.map { report -> ReportResult in
                    do {
                        return ReportResult(job: report.job, state: try queue.complete(db, report, now: now, traceID: trace))
                    } catch let refusal as RPCError {  // refused before anything was written for this report
                        return ReportResult(job: report.job, error: refusal)
                    }
                }
            }
            for result in results { host.metrics.increment("notifications.jobs_\(result.state?.state ?? "refused")") }
            return CompletedJobs(results: results)
        }

        host.methods.on("notifications.status", .query, roles: Role.signedIn) { [self] (request: StatusRequest, context: RequestContext) -> NotificationStatus in
            let claims = try claims(context)
            let status = try await host.store.read { try Self.status($0, request.id) }
            guard let status, claims.role == .ops || Recipient.inboxAddresses(claims).contains(status.recipient) else {
                throw RPCError(.notFound, "pemberitahuan \(request.id) tidak ada (no such notification)")
            }
            return status
        }

        host.methods.on("notifications.dead_letters.list", .query, roles: [.ops]) { [self] (request: ListDeadLetters, _: RequestContext) -> DeadLetters in
            let paging = try request.paging(.deadLetters)
            return try await host.store.read { db in
                let total = try db.queryOne("SELECT COUNT(*) AS n FROM jobs WHERE state = 'failed'")?.int("n") ?? 0
                let rows = try db.query("""
                    SELECT j.notification, j.attempts, j.failure_reason, j.finished_at, n.event_id, n.kind, n.recipient, n.channel
                    FROM jobs j JOIN notifications n ON n.id = j.notification WHERE j.state = 'failed'
                    ORDER BY j.finished_at DESC, j.notification DESC LIMIT ? OFFSET ?
                    """, paging.sqlLimitOffset)
                return DeadLetters(items: rows.map { row in
                    DeadLetter(id: row.int64("notification") ?? 0, event_id: row.string("event_id") ?? "", kind: row.string("kind") ?? "",
                               recipient: row.string("recipient") ?? "", channel: row.string("channel") ?? "", attempts: row.int("attempts") ?? 0,
                               reason: row.string("failure_reason") ?? "", failed_at: timestamp(row.double("finished_at")) ?? "")
                }, page: paging.page, page_size: paging.size, total: total)
            }
        }

        host.methods.on("notifications.dead_letters.retry", .command, roles: [.ops]) { [self] (request: RetryDeadLetters, _: RequestContext) -> Requeued in
            guard (1...1_000).contains(request.ids.count) else { throw RPCError.invalid(["ids": "1–1000 id"]) }
            let queue = queue, now = now
            return Requeued(requeued: try await host.store.write { try queue.requeue($0, request.ids, now: now) })
        }
    }

    /// Checks a claim; returns the worker channels it covers.
    func validated(_ request: ClaimJobs) throws -> [String] {
        var problems: [String: String] = [:]
        if let problem = TextCheck.nameProblem(request.worker, maxLength: 128) { problems["worker"] = problem }
        if !(1...1_000).contains(request.max) { problems["max"] = "harus 1–1000 (must be 1–1000)" }
        if !settings.policy.acceptsLease(milliseconds: request.lease_ms) {
            let range = settings.policy.leaseRange
            problems["lease_ms"] = "harus \(range.lowerBound)–\(range.upperBound) (must be \(range.lowerBound)–\(range.upperBound))"
        }
        if let lanes = request.lanes, lanes.isEmpty { problems["lanes"] = "tidak boleh kosong (must not be empty)" }
        let channels = request.channels ?? WorkerChannel.all
        if channels.isEmpty { problems["channels"] = "tidak boleh kosong (must not be empty)" }
        for (index, channel) in channels.enumerated() where !WorkerChannel.all.contains(channel) {
            problems["channels[\(index)]"] = "tidak dikenal; salah satu dari " + WorkerChannel.all.joined(separator: ", ")
        }
        if !problems.isEmpty { throw RPCError.invalid(problems) }
        var unique: [String] = []
        for channel in channels where !unique.contains(channel) { unique.append(channel) }
        return unique
    }

    /// A notification with its whole delivery history.
    static func status(_ db: Database, _ id: Int64) throws -> NotificationStatus? {
        guard let row = try db.queryOne("""
            SELECT n.*, j.route, j.lane, j.state, j.attempts, j.due_at, j.lease_token, j.finished_at, j.failure_reason
            FROM notifications n LEFT JOIN jobs j ON j.notification = n.id WHERE n.id = ?
            """, [.integer(id)]) else { return nil }
        let history = try db.query("SELECT * FROM attempts WHERE notification = ? ORDER BY attempt", [.integer(id)]).map { attempt in
            DeliveryAttempt(attempt: attempt.int("attempt") ?? 0, worker: attempt.string("worker") ?? "",
                            claimed_at: timestamp(attempt.double("claimed_at")) ?? "", lease_until: timestamp(attempt.double("lease_until")) ?? "",
                            finished_at: timestamp(attempt.double("finished_at")), outcome: attempt.string("outcome"), detail: attempt.string("detail"))
        }
        let jobState = row.string("state")
        let state: String = switch jobState {
        case nil: "in_inbox"
        case "pending": row.string("lease_token") == nil ? "queued" : "leased"
        default: jobState ?? "unknown"
        }
        return NotificationStatus(
            id: id, event_id: row.string("event_id") ?? "", kind: row.string("kind") ?? "", recipient: row.string("recipient") ?? "",
            channel: row.string("channel") ?? "", language: row.string("language") ?? "", template_version: row.int("template_version") ?? 0,
            reference: row.string("reference"), state: state, lane: row.int("lane").flatMap(Lane.init(rank:)), route: row.string("route"),
            attempts: row.int("attempts") ?? 0, created_at: timestamp(row.double("created_at")) ?? "", read_at: timestamp(row.double("read_at")),
            due_at: jobState == "pending" ? timestamp(row.double("due_at")) : nil, finished_at: timestamp(row.double("finished_at")),
            failure_reason: row.string("failure_reason"), history: history)
    }
}
