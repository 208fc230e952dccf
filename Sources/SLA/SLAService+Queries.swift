import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

extension SLAService {
    static let breachPages = Paging.Sizes(standard: 50, maximum: 500)

    func registerQueries() {
        let host = host, calendars = calendars
        host.methods.on("sla.status", roles: Role.signedIn) { (request: SLAAPI.StatusRequest, context: RequestContext) -> SLAAPI.Status in
            let claims = try host.auth.claims(context)
            guard let record = try await host.store.read({ try ClockRecord.load($0, request.tracking_number) }) else {
                throw RPCError(.notFound, "nomor \(request.tracking_number) tidak dikenal oleh pemantau SLA")
            }
            let allowed = claims.role == .citizen ? claims.sub == record.citizen
                : AccessScope(claims).canRead(agency: record.agency, region: record.region)
            guard allowed else { throw RPCError(.permissionDenied, "di luar cakupan Anda (outside your scope)") }
            let calendar = calendars.calendar(for: record.region)
            let tracker = record.tracker
            let now = host.clock.now()
            return SLAAPI.Status(
                tracking_number: record.trackingNumber, service: record.service, region: record.region, agency: record.agency,
                state: tracker.state, deadline: tracker.clock.deadline(calendar: calendar).map(Timestamp.format),
                budget_used: (tracker.budgetUsed(at: now, calendar: calendar) * 1000).rounded() / 1000,
                paused: tracker.clock.phase == .paused, breached_at: tracker.breachedAt.map(Timestamp.format),
                finished_at: tracker.isFinished ? Timestamp.format(tracker.clock.since) : nil,
                outcome: tracker.isFinished ? (tracker.clock.consumed > tracker.clock.budget ? "missed" : "met") : nil)
        }

        host.methods.on("sla.breaches", roles: Role.staff) { (request: SLAAPI.BreachesRequest, context: RequestContext) -> SLAAPI.Breaches in
            let claims = try host.auth.claims(context)
            let paging = try request.paging(Self.breachPages)
            let filter = try SLAScope.filter(ReportFilter(), for: claims)
            let (condition, parameters) = filter.sql()
            let open = "FROM clocks WHERE finished_at IS NULL AND breached_at IS NOT NULL AND \(condition)"
            let (total, rows) = try await host.store.read { db in
                (try db.queryOne("SELECT COUNT(*) AS n \(open)", parameters.map { .text($0) })?.int("n") ?? 0,
                 try db.query("SELECT * \(open) ORDER BY breached_at LIMIT ? OFFSET ?", parameters.map { .text($0) } + paging.sqlLimitOffset))
            }
            let now = host.clock.now()
            let breaches = try rows.map { row -> SLAAPI.Breach in
                let record = try ClockRecord(row: row)
                let calendar = calendars.calendar(for: record.region)
                let over = record.tracker.clock.used(at: now, calendar: calendar) - record.tracker.clock.budget
                return SLAAPI.Breach(tracking_number: record.trackingNumber, service: record.service, region: record.region,
                                     agency: record.agency, claimed_by: record.claimedBy,
                                     breached_at: Timestamp.format(record.tracker.breachedAt ?? now),
                                     overdue_working_hours: (Double(max(0, over)) / 36).rounded() / 100)
            }
            return SLAAPI.Breaches(breaches: breaches, page: paging.page, page_size: paging.size, total: total)
        }
    }
}
