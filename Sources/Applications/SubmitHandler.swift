import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// `applications.submit`: checks everything first (service offered in the kab/kota, verified
/// identity where required, the form — pre-filled from the profile — and the documents, every
/// problem named at once), then writes the application, its new vault documents, the first
/// history entry and `application.submitted` in one transaction. The idempotency key is also a
/// UNIQUE column per citizen, so a retry after a lost reply finds the same application.
extension ApplicationsService {
    func registerSubmit() {
        host.methods.on("applications.submit", .commandHandlingRetries, roles: [.citizen]) { [self] (request: SubmitApplication, context: RequestContext) in
            try await submit(request, context)
        }
    }

    func submit(_ request: SubmitApplication, _ context: RequestContext) async throws -> ApplicationView {
        let claims = try host.auth.claims(context)
        let key = try Self.requestKey(context)
        let actor = Actor(claims)
        let facts: SubmissionFacts, prefilled: [String]
        do {
            (facts, prefilled) = try await prepare(request, context, claims: claims, key: key)
        } catch {
            // A retry whose first attempt was accepted gets that application, even if the same
            // request would not pass today (the catalog changed meanwhile, the token expired…).
            let earlier = try await host.store.read { [self] db in
                try existing(db, citizen: claims.sub, key: key, fingerprint: context.requestFingerprint, actor: actor)
            }
            if let earlier { return earlier }
            throw error
        }
        let definition = facts.definition
        let filled = prefilled
        // Numbered and encoded here: the store's single writer only checks and stores.
        let draft = try Submission(facts, traceID: context.traceID)
        let written = try await host.store.write { [self] db -> Written in
            if let earlier = try existing(db, citizen: claims.sub, key: key, fingerprint: context.requestFingerprint, actor: actor) {
                return .earlier(earlier)
            }
            let (record, entry) = try insert(db, facts, draft)
            return .inserted(record, entry)
        }
        switch written {
        case .earlier(let view):
            return view
        case .inserted(let record, let entry):
            // The reply is put together after the commit: the store's writer has better things to do.
            savedDefinitions.update { _ = $0.insert(CatalogLink.key(definition)) }
            let documents = facts.documents.sorted { $0.key < $1.key }.map { $0.value.reference($0.key) }
            return compose(record, definition, for: actor, documents: documents, history: [entry], surveyed: false, prefilled: filled)
        }
    }

    /// What the submission's transaction did.
    private enum Written: Sendable {
        case earlier(ApplicationView)
        case inserted(ApplicationRecord, HistoryEntry)
    }

    /// Everything checked about a submission (every problem at once), and the pre-filled fields.
    private func prepare(_ request: SubmitApplication, _ context: RequestContext, claims: AccessClaims,
                         key: String) async throws -> (SubmissionFacts, [String]) {
        guard let region = RegionCode(request.region), region.level == .regency else {
            throw RPCError.invalid(["region": "harus kode kab/kota NN.NN, contoh 32.73 (must be a regency/city code)"])
        }
        let (definition, site) = try await offered(request.service, region: region.value, claims: claims)
        var values = request.form ?? [:]
        var prefilled: [String] = []
        var language: String?
        if ProfilePrefill.isNeeded(definition.form, values: values) {
            let account = try await host.client.call("identity.me", Empty(), as: JSONValue.self,
                                                     options: CallOptions(token: context.token, traceID: context.traceID))
            (values, prefilled) = ProfilePrefill.fill(definition.form, values: values, account: account)
            language = account["profile"]?["preferred_language"]?.stringValue
        }
        let form = try await check(values, definition)
        let documents = try await resolveDocuments(request.documents ?? [:], definition, claims.sub, context.attachments)
        try Self.refuseIfInvalid(form: form.errors, documents: documents.errors)
        let facts = SubmissionFacts(definition: definition, region: region, site: site, citizen: claims.sub, key: key,
                                    fingerprint: context.requestFingerprint, form: form.normalized, formText: Records.formText(form.normalized), documents: documents.documents,
                                    language: language, time: host.clock.now(),
                                    saveDefinition: !savedDefinitions.update { $0.contains(CatalogLink.key(definition)) })
        return (facts, prefilled)
    }

    /// The application an earlier attempt with this key created, if any; refused when the key was
    /// first used for a different request.
    private func existing(_ db: Database, citizen: String, key: String, fingerprint: String?, actor: Actor) throws -> ApplicationView? {
        guard let (record, stored) = try Records.application(db, citizen: citizen, idempotencyKey: key) else { return nil }
        if let stored, let fingerprint, stored != fingerprint {
            throw RPCError.invalid(["idempotency_key": "sudah dipakai untuk permintaan lain (reused for a different request)"])
        }
        return try view(db, record, try definition(db, record), for: actor)
    }

    /// The current definition of a service the citizen may apply for in `region`, and its site there.
    private func offered(_ service: String, region: String, claims: AccessClaims) async throws -> (ServiceDefinition, String?) {
        if let problem = TextCheck.nameProblem(service, maxLength: 64) { throw RPCError.invalid(["service": problem]) }
        let definition = try await catalog.definition(service)
        guard definition.active else {
            throw RPCError(.failedPrecondition, "layanan \(service) sudah tidak dilayani (retired)")
        }
        let availability = try await catalog.availability(service, region: region)
        guard availability.offered else {
            throw RPCError(.failedPrecondition, "layanan \(service) tidak tersedia di kab/kota \(region) (not offered there)",
                           details: ["service": .string(service), "region": .string(region)])
        }
        if definition.requires_verified_identity && claims.verified != true {
            throw RPCError(.failedPrecondition,
                           "layanan ini memerlukan identitas terverifikasi: verifikasi di loket MPP atau dengan IKD (verified identity required)",
                           details: ["reason": "identity_not_verified"])
        }
        return (definition, availability.site)
    }

    /// Checks form values with the service's validator; region fields must name existing regions.
    func check(_ values: [String: JSONValue], _ definition: ServiceDefinition) async throws -> FormValidator.Outcome {
        let codes = definition.form.filter { $0.type == .region }.compactMap { values[$0.key]?.stringValue.flatMap(RegionCode.init) }
        let known = codes.isEmpty ? [:] : try await catalog.existingRegions(codes)
        return definition.formValidator(regionExists: { known[$0.value] ?? true }).check(values)
    }

    /// Checks the documents of a (re)submission; vault references are looked up first.
    func resolveDocuments(_ inputs: [String: DocumentInput], _ definition: ServiceDefinition, _ citizen: String,
                          _ attachments: [[UInt8]], present: Set<String> = []) async throws -> (documents: [String: PreparedDocument], errors: [String: String]) {
        let ids = inputs.values.compactMap(\.vault_id)
        let stored = ids.isEmpty ? [:] : try await host.store.read { db in try Vault.documents(db, citizen: citizen, ids: ids) }
        return DocumentPlan(requirements: definition.requirements, check: documentCheck)
            .resolve(inputs, attachments: attachments, vault: stored, present: present)
    }

    /// One `invalid_argument` naming every bad form field (`form.KEY`) and document (`documents.KEY`).
    static func refuseIfInvalid(form: [String: String], documents: [String: String]) throws {
        var fields = documents
        for (key, reason) in form { fields["form.\(key)"] = reason }
        guard fields.isEmpty else {
            throw RPCError.invalid(fields, message: "permohonan belum lengkap atau tidak sah: \(fields.count) masalah (\(fields.count) problems)")
        }
    }

    /// Everything checked about a submission, ready to write.
    struct SubmissionFacts: Sendable {
        var definition: ServiceDefinition
        var region: RegionCode
        var site: String?
        var citizen: String
        var key: String
        /// The request's fingerprint, kept with the application to tell a retry from a reused key.
        var fingerprint: String?
        var form: [String: JSONValue]
        var formText: String
        var documents: [String: PreparedDocument]
        var language: String?
        var time: Date
        /// Whether the definition may not be in the store yet.
        var saveDefinition: Bool
    }

    /// A new application's tracking number and `application.submitted` event, made before the
    /// write transaction.
    struct Submission: Sendable {
        var number: String
        var event: PreparedEvent

        init(_ facts: SubmissionFacts, traceID: String?) throws {
            let definition = facts.definition, timeText = Timestamp.format(facts.time)
            self.number = TrackingNumber(region: facts.region, date: FilingDate.local(facts.time, region: facts.region.value)).description
            let expiry = definition.workflow.on_sla_expiry.map { ApplicationEvents.ExpiryAction(from: $0.from, action: $0.action) }
            event = try PreparedEvent(type: "application.submitted", data: ApplicationEvents.Submitted(
                tracking_number: self.number, citizen: facts.citizen, service: definition.id, service_version: definition.version ?? 1,
                region: facts.region.value, site: facts.site, agency: definition.agency, workflow: definition.workflow.id,
                state: definition.workflow.initialState, sla: definition.sla, on_sla_expiry: expiry, submitted_at: timeText,
                language: facts.language), time: facts.time, traceID: traceID, subject: self.number)
        }
    }

    /// Writes a new application: row, agencies, documents, first history entry, event.
    private func insert(_ db: Database, _ facts: SubmissionFacts, _ prepared: Submission) throws -> (ApplicationRecord, HistoryEntry) {
        let definition = facts.definition, timeText = Timestamp.format(facts.time)
        if facts.saveDefinition { try Records.saveDefinition(db, definition) }
        var submission = prepared
        while try Records.application(db, trackingNumber: submission.number) != nil {  // taken already: rare
            submission = try Submission(facts, traceID: prepared.event.traceID)
        }
        let number = submission.number
        let state = definition.workflow.initialState
        try db.run("""
            INSERT INTO applications (tracking_number, citizen, idempotency_key, request_fingerprint, service, service_version, agency,
                                      region, site, state, terminal, form, language, submitted_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
            """, [.text(number), .text(facts.citizen), .text(facts.key), SQLValue(facts.fingerprint), .text(definition.id),
                  SQLValue(definition.version ?? 1), .text(definition.agency), .text(facts.region.value), SQLValue(facts.site), .text(state),
                  .text(facts.formText), SQLValue(facts.language), .text(timeText), .text(timeText)])
        let id = db.lastInsertRowID
        for agency in Set([definition.agency] + definition.also_involves) {
            try db.run("INSERT INTO application_agencies (agency, region, application_id) VALUES (?, ?, ?)",
                       [.text(agency), .text(facts.region.value), .integer(id)])
        }
        try Vault.attach(db, applicationID: id, citizen: facts.citizen, documents: facts.documents, time: timeText)
        let record = ApplicationRecord(id: id, trackingNumber: number, citizen: facts.citizen, definition: definition, region: facts.region.value,
                                       site: facts.site, state: state, form: facts.form, language: facts.language, time: timeText)
        let entry = try Records.appendHistory(db, application: record, entry: HistoryEntry(
            seq: 0, action: "submit", from: "", to: state, actor: facts.citizen, actor_role: "citizen", actor_agency: nil,
            note: nil, output: nil, time: timeText), requestKey: facts.key, first: true)
        try Outbox.append(db, stream: stream, submission.event)
        return (record, entry)
    }
}
