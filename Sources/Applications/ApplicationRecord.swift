import Domain
import Foundation
import Store
import Support

/// One row of `applications`, as read inside a transaction.
struct ApplicationRecord: Sendable {
    var id: Int64
    var trackingNumber: String
    var citizen: String
    var service: String
    var serviceVersion: Int
    var agency: String
    var region: String
    var site: String?
    var state: String
    var version: Int
    var form: [String: JSONValue]
    var claimedBy: String?
    var output: String?
    var language: String?
    var dueAt: Double?
    var slaPaused: Bool
    var warnedAt: String?
    var breachedAt: String?
    var late: Bool
    var submittedAt: String
    var updatedAt: String

    init(_ row: Row) {
        id = row.int64("id") ?? 0
        trackingNumber = row.string("tracking_number") ?? ""
        citizen = row.string("citizen") ?? ""
        service = row.string("service") ?? ""
        serviceVersion = row.int("service_version") ?? 1
        agency = row.string("agency") ?? ""
        region = row.string("region") ?? ""
        site = row.string("site")
        state = row.string("state") ?? ""
        version = row.int("version") ?? 1
        form = (try? JSONParser.parse(Array((row.string("form") ?? "{}").utf8)))?.objectValue ?? [:]
        claimedBy = row.string("claimed_by")
        output = row.string("output")
        language = row.string("language")
        dueAt = row.double("due_at")
        slaPaused = row.bool("sla_paused") ?? false
        warnedAt = row.string("warned_at")
        breachedAt = row.string("breached_at")
        late = row.bool("late") ?? false
        submittedAt = row.string("submitted_at") ?? ""
        updatedAt = row.string("updated_at") ?? ""
    }

    /// A row just inserted (no need to read it back).
    init(id: Int64, trackingNumber: String, citizen: String, definition: ServiceDefinition, region: String, site: String?,
         state: String, form: [String: JSONValue], language: String?, time: String) {
        self.id = id
        self.trackingNumber = trackingNumber
        self.citizen = citizen
        service = definition.id
        serviceVersion = definition.version ?? 1
        agency = definition.agency
        self.region = region
        self.site = site
        self.state = state
        version = 1
        self.form = form
        self.language = language
        slaPaused = false
        late = false
        submittedAt = time
        updatedAt = time
    }

    var dueText: String? { dueAt.map { Timestamp.format(Date(timeIntervalSince1970: $0)) } }

    var sla: SLAView {
        SLAView(due_at: dueText, paused: slaPaused, late: late, warned_at: warnedAt, breached_at: breachedAt)
    }

    func summary(serviceName: String) -> ApplicationSummary {
        ApplicationSummary(tracking_number: trackingNumber, service: service, service_name: serviceName, region: region,
                           state: state, version: version, claimed_by: claimedBy, due_at: dueText, late: late,
                           submitted_at: submittedAt, updated_at: updatedAt)
    }
}

/// SQL of the applications store, each function inside the caller's transaction.
enum Records {
    static func application(_ db: Database, trackingNumber: String) throws -> ApplicationRecord? {
        try db.queryOne("SELECT * FROM applications WHERE tracking_number = ?", [.text(trackingNumber)]).map(ApplicationRecord.init)
    }

    /// The application a citizen filed under an idempotency key, with that request's fingerprint.
    static func application(_ db: Database, citizen: String, idempotencyKey: String) throws -> (ApplicationRecord, fingerprint: String?)? {
        try db.queryOne("SELECT * FROM applications WHERE citizen = ? AND idempotency_key = ?",
                        [.text(citizen), .text(idempotencyKey)]).map { (ApplicationRecord($0), $0.string("request_fingerprint")) }
    }

    static func history(_ db: Database, _ id: Int64) throws -> [HistoryEntry] {
        try db.query("SELECT * FROM history WHERE application_id = ? ORDER BY seq", [.integer(id)]).map { row in
            HistoryEntry(seq: row.int("seq") ?? 0, action: row.string("action") ?? "", from: row.string("from_state") ?? "",
                         to: row.string("to_state") ?? "", actor: row.string("actor") ?? "", actor_role: row.string("actor_role") ?? "",
                         actor_agency: row.string("actor_agency"), note: row.string("note"), output: row.string("output"),
                         time: row.string("time") ?? "", hash: row.string("hash") ?? "", prev_hash: row.string("prev_hash") ?? "")
        }
    }

    /// Seals `entry` onto the application's chain and stores it (`first`: a new application's
    /// first entry, no need to look for a previous one).
    @discardableResult
    static func appendHistory(_ db: Database, application: ApplicationRecord, entry: HistoryEntry, requestKey: String?,
                              first: Bool = false) throws -> HistoryEntry {
        let last = first ? nil : try db.queryOne("SELECT seq, hash FROM history WHERE application_id = ? ORDER BY seq DESC LIMIT 1",
                                                 [.integer(application.id)])
        var numbered = entry
        numbered.seq = (last?.int("seq") ?? 0) + 1
        let sealed = HistoryChain.sealed(numbered, trackingNumber: application.trackingNumber, previous: last?.string("hash"))
        try db.run("""
            INSERT INTO history (application_id, seq, action, from_state, to_state, actor, actor_role, actor_agency, note, output,
                                 time, request_key, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(application.id), SQLValue(sealed.seq), .text(sealed.action), .text(sealed.from), .text(sealed.to),
                  .text(sealed.actor), .text(sealed.actor_role), SQLValue(sealed.actor_agency), SQLValue(sealed.note),
                  SQLValue(sealed.output), .text(sealed.time), SQLValue(requestKey), .text(sealed.prev_hash), .text(sealed.hash)])
        return sealed
    }

    /// Whether `actor` already made the request `requestKey` on this application (a retry).
    static func hasRequest(_ db: Database, _ id: Int64, actor: String, requestKey: String?) throws -> Bool {
        guard let requestKey else { return false }
        return try db.queryOne("SELECT 1 FROM history WHERE application_id = ? AND actor = ? AND request_key = ?",
                               [.integer(id), .text(actor), .text(requestKey)]) != nil
    }

    static func documents(_ db: Database, _ application: ApplicationRecord) throws -> [DocumentRef] {
        try db.query("""
            SELECT d.requirement, d.vault_id, v.type, v.size, v.name FROM application_documents d
            JOIN vault_documents v ON v.citizen = ? AND v.vault_id = d.vault_id
            WHERE d.application_id = ? ORDER BY d.requirement
            """, [.text(application.citizen), .integer(application.id)]).map { row in
            DocumentRef(requirement: row.string("requirement") ?? "", vault_id: row.string("vault_id") ?? "",
                        type: row.string("type") ?? "", size: row.int("size") ?? 0, name: row.string("name"))
        }
    }

    static func hasSurvey(_ db: Database, _ id: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM surveys WHERE application_id = ?", [.integer(id)]) != nil
    }

    static func definition(_ db: Database, service: String, version: Int) throws -> ServiceDefinition? {
        guard let text = try db.queryOne("SELECT definition FROM service_versions WHERE service = ? AND version = ?",
                                         [.text(service), SQLValue(version)])?.string("definition") else { return nil }
        return try JSON.decode(ServiceDefinition.self, from: Array(text.utf8))
    }

    static func saveDefinition(_ db: Database, _ definition: ServiceDefinition) throws {
        let text = String(decoding: try JSON.encode(definition), as: UTF8.self)
        try db.run("INSERT OR IGNORE INTO service_versions (service, version, definition) VALUES (?, ?, ?)",
                   [.text(definition.id), SQLValue(definition.version ?? 1), .text(text)])
    }

    static func formText(_ form: [String: JSONValue]) -> String {
        String(decoding: JSONWriter.write(.object(form)), as: UTF8.self)
    }
}
