import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// The read side: `applications.get`, `.track` (public), `.mine`, `.queue`, `.documents.get`,
/// `.vault.list`, `.audit.verify`.
extension ApplicationsService {
    func registerQueries() {
        let methods = host.methods
        methods.on("applications.get", roles: Role.signedIn) { [self] (request: TrackingRef, context: RequestContext) in
            let claims = try host.auth.claims(context)
            return try await host.store.read { [self] db in
                let (record, definition) = try readable(db, request.tracking_number, claims)
                return try view(db, record, definition, for: Actor(claims))
            }
        }
        methods.on("applications.track") { [self] (request: TrackingRef, _: RequestContext) in
            let number = try Self.parseTracking(request.tracking_number)
            return try await host.store.read { [self] db in
                guard let record = try Records.application(db, trackingNumber: number) else {
                    throw RPCError(.notFound, "nomor \(number) tidak ditemukan (not found)")
                }
                let definition = try definition(db, record)
                return TrackView(tracking_number: record.trackingNumber, service: record.service, service_name: definition.name,
                                 status: record.state, terminal: definition.workflow.isTerminal(record.state),
                                 submitted_on: FilingDate.local(record.submittedAt, region: record.region), last_update: record.updatedAt)
            }
        }
        methods.on("applications.mine", roles: [.citizen]) { [self] (request: MineRequest, context: RequestContext) in
            let claims = try host.auth.claims(context)
            let paging = try request.paging(settings.pages)
            var condition = "citizen = ?"
            var parameters: [SQLValue] = [.text(claims.sub)]
            if let status = request.status { condition += " AND state = ?"; parameters.append(.text(status)) }
            return try await summaries(from: "applications", where: condition, parameters, order: "id DESC", paging)
        }
        methods.on("applications.queue", roles: Self.queueRoles) { [self] (request: QueueRequest, context: RequestContext) in
            try await queue(request, context)
        }
        methods.on("applications.documents.get", roles: Role.signedIn) { [self] (request: DocumentRequest, context: RequestContext) in
            let claims = try host.auth.claims(context)
            return try await host.store.read { [self] db in
                let (record, _) = try readable(db, request.tracking_number, claims)
                guard let reference = try Records.documents(db, record).first(where: { $0.requirement == request.requirement }),
                      let content = try Vault.content(db, citizen: record.citizen, id: reference.vault_id) else {
                    throw RPCError(.notFound, "dokumen \(request.requirement) tidak ada pada permohonan ini (no such document)")
                }
                return Attached(reference, attachments: [content.bytes])
            }
        }
        methods.on("applications.vault.list", roles: [.citizen]) { [self] (request: ListVault, context: RequestContext) in
            let claims = try host.auth.claims(context)
            let paging = try request.paging(settings.pages)
            let documents = try await host.store.read { db in try Vault.list(db, citizen: claims.sub) }
            return VaultList(documents: Array(paging.slice(documents)), page: paging.page, page_size: paging.size, total: documents.count)
        }
        methods.on("applications.audit.verify", roles: Role.signedIn) { [self] (request: AuditRequest, context: RequestContext) in
            try await audit(request, context)
        }
    }

    /// Open applications of the officer's agency in their kab/kota, most urgent SLA first
    /// (no deadline yet or paused: last). An MPP admin sees every agency of the kab/kota.
    func queue(_ request: QueueRequest, _ context: RequestContext) async throws -> ApplicationPage {
        let claims = try host.auth.claims(context)
        let paging = try request.paging(settings.pages)
        guard let region = claims.region, !region.isEmpty else {
            throw RPCError(.permissionDenied, "token tanpa wilayah tidak punya antrean (no region in token)")
        }
        var source: String
        var condition: String
        var parameters: [SQLValue]
        if claims.role == .mppAdmin {
            source = "applications a"
            condition = "(a.region = ? OR a.region LIKE ?)"
            parameters = [.text(region), .text(region + ".%")]
        } else {
            guard let agency = claims.agency else { throw RPCError(.permissionDenied, "token petugas tanpa instansi (no agency in token)") }
            source = "application_agencies g JOIN applications a ON a.id = g.application_id"
            condition = "g.agency = ? AND (g.region = ? OR g.region LIKE ?)"
            parameters = [.text(agency), .text(region), .text(region + ".%")]
        }
        if let status = request.status {
            condition += " AND a.state = ?"
            parameters.append(.text(status))
        } else {
            condition += " AND a.terminal = 0"
        }
        if let service = request.service { condition += " AND a.service = ?"; parameters.append(.text(service)) }
        if request.claimed_by_me == true { condition += " AND a.claimed_by = ?"; parameters.append(.text(claims.sub)) }
        if request.unclaimed == true { condition += " AND a.claimed_by IS NULL" }
        return try await summaries(from: source, where: condition, parameters, order: "a.due_at IS NULL, a.due_at, a.id", paging,
                                   columns: "a.*")
    }

    /// Who has a queue: counter staff and the MPP's admin.
    static let queueRoles: Set<Role> = [.officer, .supervisor, .mppAdmin]

    /// One page of applications matching `condition`, and how many match in all.
    private func summaries(from source: String, where condition: String, _ parameters: [SQLValue], order: String, _ paging: Paging,
                           columns: String = "*") async throws -> ApplicationPage {
        try await host.store.read { [self] db in
            let total = try db.queryOne("SELECT COUNT(*) AS n FROM \(source) WHERE \(condition)", parameters)?.int("n") ?? 0
            let rows = try db.query("SELECT \(columns) FROM \(source) WHERE \(condition) ORDER BY \(order) LIMIT ? OFFSET ?",
                                    parameters + paging.sqlLimitOffset).map(ApplicationRecord.init)
            let items = try rows.map { record in record.summary(serviceName: try definition(db, record).name) }
            return ApplicationPage(items: items, page: paging.page, page_size: paging.size, total: total)
        }
    }

    /// Re-computes the history hash chains: of one application (anyone who may read it) or of
    /// every application (ops and ministry; an MPP admin: those of their kab/kota).
    func audit(_ request: AuditRequest, _ context: RequestContext) async throws -> AuditReport {
        let claims = try host.auth.claims(context)
        return try await host.store.read { [self] db in
            var records: [ApplicationRecord]
            if let number = request.tracking_number {
                records = [try readable(db, number, claims).0]
            } else {
                guard [.ops, .ministry, .mppAdmin].contains(claims.role) else {
                    throw RPCError(.permissionDenied, "audit seluruh permohonan hanya untuk ops, kementerian, admin MPP (whole audit: ops, ministry, mpp_admin)")
                }
                records = try db.query("SELECT * FROM applications ORDER BY id").map(ApplicationRecord.init)
                if claims.role == .mppAdmin { records = records.filter { AccessScope(claims).covers(region: $0.region) } }
            }
            var problems: [HistoryChain.Break] = []
            var entries = 0
            for record in records {
                let history = try Records.history(db, record.id)
                entries += history.count
                problems += HistoryChain.verify(history, trackingNumber: record.trackingNumber, currentState: record.state)
            }
            return AuditReport(ok: problems.isEmpty, applications: records.count, entries: entries, problems: problems)
        }
    }
}
