import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// `applications.transition`, `applications.claim`, `applications.unclaim`.
///
/// Optimistic concurrency: the caller acts on the version it saw (`expected_version`, else the
/// version read when the request arrived); the workflow is re-run on the current row inside the
/// write transaction, so of two concurrent actions exactly one wins and the other gets
/// `aborted` with the current state. A retried request (same idempotency key, found in the
/// history) returns the application without acting again.
extension ApplicationsService {
    func registerTransitions() {
        host.methods.on("applications.transition", .command, roles: Role.signedIn) { [self] (request: TransitionRequest, context: RequestContext) in
            try await transition(request, context)
        }
        host.methods.on("applications.claim", .command, roles: Self.claimRoles) { [self] (request: ClaimRequest, context: RequestContext) in
            try await claim(request, context, release: false)
        }
        host.methods.on("applications.unclaim", .command, roles: Self.claimRoles) { [self] (request: ClaimRequest, context: RequestContext) in
            try await claim(request, context, release: true)
        }
    }

    func transition(_ request: TransitionRequest, _ context: RequestContext) async throws -> ApplicationView {
        let claims = try host.auth.claims(context)
        let key = try Self.requestKey(context)
        let actor = Actor(claims)
        try Self.checkLengths(request)
        let (snapshot, definition) = try await host.store.read { [self] db in try readable(db, request.tracking_number, claims) }
        let revision = try await revision(request, snapshot, definition, context)
        let expected = request.expected_version ?? snapshot.version
        let time = host.clock.now()
        return try await host.store.write { [self] db in
            guard let record = try Records.application(db, trackingNumber: snapshot.trackingNumber) else {
                throw RPCError(.notFound, "permohonan tidak ditemukan (not found)")
            }
            if try Records.hasRequest(db, record.id, actor: actor.id, requestKey: key) {
                return try view(db, record, definition, for: actor)
            }
            var flow = workflow(record, definition)
            let effect = try flow.run(.act(action: request.action, by: actor, note: request.note, output: request.output,
                                           expectedVersion: expected))
            guard case .transitioned(let change) = effect else { throw RPCError(.internal, "no transition") }
            let updated = try recordTransition(db, record, change, revision: revision, requestKey: key, time: time, traceID: context.traceID)
            return try view(db, updated, definition, for: actor)
        }
    }

    static let maxNote = 2_000, maxOutput = 500

    /// The action is named; note and output are of a sensible length.
    static func checkLengths(_ request: TransitionRequest) throws {
        var problems: [String: String] = [:]
        if request.action.isEmpty { problems["action"] = "wajib diisi (required)" }
        if let problem = TextCheck.nameProblem(request.action, maxLength: 64), !request.action.isEmpty { problems["action"] = problem }
        if let note = request.note, let problem = TextCheck.problem(note, maxLength: maxNote, multiline: true) { problems["note"] = problem }
        if let output = request.output, let problem = TextCheck.problem(output, maxLength: maxOutput) { problems["output"] = problem }
        guard problems.isEmpty else { throw RPCError.invalid(problems) }
    }

    /// A resubmission's corrected form and documents, checked like a submission; nil for other actions.
    private func revision(_ request: TransitionRequest, _ record: ApplicationRecord, _ definition: ServiceDefinition,
                          _ context: RequestContext) async throws -> Revision? {
        guard request.form != nil || request.documents != nil else { return nil }
        guard definition.workflow.actions.contains(where: { $0.action == request.action && $0.role == "citizen" }) else {
            throw RPCError.invalid(["form": "perbaikan data hanya bersama aksi pemohon seperti resubmit (only with resubmit)"])
        }
        var values = record.form
        for (key, value) in request.form ?? [:] { values[key] = value }
        let form = try await check(values, definition)
        let present = Set(try await host.store.read { db in try Records.documents(db, record) }.map(\.requirement))
        let documents = try await resolveDocuments(request.documents ?? [:], definition, record.citizen, context.attachments, present: present)
        try Self.refuseIfInvalid(form: form.errors, documents: documents.errors)
        return Revision(form: form.normalized, documents: documents.documents)
    }

    struct Revision: Sendable {
        var form: [String: JSONValue]
        var documents: [String: PreparedDocument]
    }

    /// Writes a transition: the row (version + 1, guarded by the old version), the hash-chained
    /// history entry and `application.status_changed`, all in the caller's transaction.
    func recordTransition(_ db: Database, _ record: ApplicationRecord, _ change: ApplicationWorkflow.Transition, revision: Revision? = nil,
                requestKey: String?, time: Date, traceID: String?) throws -> ApplicationRecord {
        let timeText = Timestamp.format(time)
        let form = revision.map { Records.formText($0.form) }
        let changed = try db.run("""
            UPDATE applications SET state = ?, terminal = ?, version = version + 1, output = COALESCE(?, output),
                   form = COALESCE(?, form), updated_at = ? WHERE id = ? AND version = ?
            """, [.text(change.to), SQLValue(change.terminal), SQLValue(change.output), SQLValue(form), .text(timeText),
                  .integer(record.id), SQLValue(record.version)])
        guard changed == 1 else { throw RPCError(.aborted, "permohonan sudah berubah (changed meanwhile)") }
        if let revision {
            try Vault.attach(db, applicationID: record.id, citizen: record.citizen, documents: revision.documents, time: timeText)
        }
        try Records.appendHistory(db, application: record, entry: HistoryEntry(
            seq: 0, action: change.action, from: change.from, to: change.to, actor: change.actor.id, actor_role: change.actor.role,
            actor_agency: change.actor.agency, note: change.note, output: change.output, time: timeText), requestKey: requestKey)
        try Outbox.append(db, stream: stream, type: "application.status_changed", data: ApplicationEvents.StatusChanged(
            tracking_number: record.trackingNumber, citizen: record.citizen, service: record.service,
            service_version: record.serviceVersion, region: record.region, agency: record.agency, from: change.from, to: change.to,
            action: change.action, actor_role: change.actor.role, actor: change.actor.id, claimed_by: record.claimedBy,
            paused: change.paused, terminal: change.terminal, note: change.note, time: timeText),
            time: time, traceID: traceID, subject: record.trackingNumber)
        guard let updated = try Records.application(db, trackingNumber: record.trackingNumber) else { throw RPCError(.internal, "row lost") }
        return updated
    }

    /// Who may claim an application for themselves.
    static let claimRoles: Set<Role> = [.officer, .supervisor]

    func claim(_ request: ClaimRequest, _ context: RequestContext, release: Bool) async throws -> ApplicationView {
        let claims = try host.auth.claims(context)
        let actor = Actor(claims)
        let (snapshot, definition) = try await host.store.read { [self] db in try readable(db, request.tracking_number, claims) }
        let time = Timestamp.format(host.clock.now())
        return try await host.store.write { [self] db in
            guard let record = try Records.application(db, trackingNumber: snapshot.trackingNumber) else {
                throw RPCError(.notFound, "permohonan tidak ditemukan (not found)")
            }
            var flow = workflow(record, definition)
            let effect = try flow.run(release ? .unclaim(by: actor) : .claim(by: actor, force: request.force == true))
            guard case .claimChanged(let holder) = effect else { return try view(db, record, definition, for: actor) }
            try db.run("UPDATE applications SET claimed_by = ?, claimed_at = ? WHERE id = ?",
                       [SQLValue(holder), holder == nil ? .null : .text(time), .integer(record.id)])
            guard let updated = try Records.application(db, trackingNumber: record.trackingNumber) else { throw RPCError(.internal, "row lost") }
            return try view(db, updated, definition, for: actor)
        }
    }
}
