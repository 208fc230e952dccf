import Domain
import Foundation
import Store
import Support

/// Reading and writing services and workflows in the store. Every change is a new version row;
/// `services` holds the current version's search columns, `services_fts` its words.
enum ServiceRecords {
    // MARK: services

    static func currentVersion(_ db: Database, id: String) throws -> Int? {
        try db.queryOne("SELECT version FROM services WHERE id = ?", [.text(id)])?.int("version")
    }

    /// A version of a service (the current one when `version` is nil).
    static func service(_ db: Database, id: String, version: Int? = nil) throws -> ServiceDefinition? {
        try serviceJSON(db, id: id, version: version).map { try JSON.decode(ServiceDefinition.self, from: Array($0.utf8)) }
    }

    /// The stored JSON of a version of a service (the current one when `version` is nil).
    static func serviceJSON(_ db: Database, id: String, version: Int? = nil) throws -> String? {
        try db.queryOne("""
            SELECT definition FROM service_versions
            WHERE id = ?1 AND version = COALESCE(?2, (SELECT version FROM services WHERE id = ?1))
            """, [.text(id), version.map { .integer(Int64($0)) } ?? .null])?.string("definition")
    }

    /// Versions of a service, oldest first.
    static func versions(_ db: Database, id: String) throws -> [ServiceVersionInfo] {
        try db.query("SELECT version, changed_by, created_at FROM service_versions WHERE id = ? ORDER BY version", [.text(id)]).map {
            ServiceVersionInfo(version: $0.int("version") ?? 0, changed_by: $0.string("changed_by") ?? "", created_at: $0.string("created_at") ?? "")
        }
    }

    /// Ids of the services following `workflow`.
    static func services(following workflow: String, _ db: Database) throws -> [String] {
        try db.query("SELECT id FROM services WHERE workflow = ? ORDER BY id", [.text(workflow)]).compactMap { $0.string("id") }
    }

    /// Stores `definition` (its `version`, `updated_at`, `changed_by` already set) as the current version.
    static func save(_ db: Database, _ definition: ServiceDefinition) throws {
        let version = Int64(definition.version ?? 1)
        try db.run("INSERT INTO service_versions (id, version, definition, changed_by, created_at) VALUES (?, ?, ?, ?, ?)",
                   [.text(definition.id), .integer(version), .text(String(decoding: try JSON.encode(definition), as: UTF8.self)),
                    .text(definition.changed_by ?? ""), .text(definition.updated_at ?? "")])
        let columns: [SQLValue] = [
            .integer(version), .text(definition.name), .text(definition.name_en), .text(definition.agency),
            .text(list(definition.also_involves)), SQLValue(definition.group), .text(list(definition.channels.map(\.rawValue))),
            .text(definition.workflow.id), .integer(Int64(definition.fee_idr)), .integer(Int64(definition.sla.value)),
            .text(definition.sla.unit.rawValue), SQLValue(definition.active), .text(definition.id),
        ]
        if try db.run("""
            UPDATE services SET version = ?, name = ?, name_en = ?, agency = ?, also_involves = ?, group_id = ?, channels = ?,
                workflow = ?, fee_idr = ?, sla_value = ?, sla_unit = ?, active = ? WHERE id = ?
            """, columns) == 0 {
            try db.run("""
                INSERT INTO services (version, name, name_en, agency, also_involves, group_id, channels, workflow, fee_idr,
                    sla_value, sla_unit, active, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, columns)
        }
        guard let rowid = try db.queryOne("SELECT rowid FROM services WHERE id = ?", [.text(definition.id)])?.int64("rowid") else { return }
        try db.run("DELETE FROM services_fts WHERE rowid = ?", [.integer(rowid)])
        let words = searchWords(definition)
        try db.run("INSERT INTO services_fts (rowid, name, name_en, keywords, output, details) VALUES (?, ?, ?, ?, ?, ?)",
                   [.integer(rowid), .text(words.name), .text(words.nameEN), .text(words.keywords), .text(words.output), .text(words.details)])
    }

    /// What search indexes of a service, folded like queries are.
    static func searchWords(_ service: ServiceDefinition) -> (name: String, nameEN: String, keywords: String, output: String, details: String) {
        let details = [service.description, service.description_en, service.group].compactMap { $0 }
            + service.requirements.map(\.label) + service.also_involves + [service.agency]
        return (TextFolding.fold(service.name), TextFolding.fold(service.name_en),
                TextFolding.fold(service.keywords.joined(separator: " ; ")), TextFolding.fold(service.output ?? ""),
                TextFolding.fold(details.joined(separator: " ; ")))
    }

    /// `,a,b,` so `instr(list, ',a,')` tests membership.
    static func list(_ items: [String]) -> String { "," + items.joined(separator: ",") + "," }

    // MARK: workflows

    /// A version of a workflow (the current one when `version` is nil).
    static func workflow(_ db: Database, id: String, version: Int? = nil) throws -> WorkflowDefinition? {
        let row = try db.queryOne("""
            SELECT definition FROM workflow_versions
            WHERE id = ?1 AND version = COALESCE(?2, (SELECT version FROM workflows WHERE id = ?1))
            """, [.text(id), version.map { .integer(Int64($0)) } ?? .null])
        guard let text = row?.string("definition") else { return nil }
        return try JSON.decode(WorkflowDefinition.self, from: Array(text.utf8))
    }

    static func workflowSummaries(_ db: Database) throws -> [WorkflowDefinition] {
        try db.query("""
            SELECT v.definition FROM workflows w JOIN workflow_versions v ON v.id = w.id AND v.version = w.version ORDER BY w.id
            """).compactMap { row in row.string("definition").flatMap { try? JSON.decode(WorkflowDefinition.self, from: Array($0.utf8)) } }
    }

    /// Stores `workflow` as a new version when it differs from the current one; returns the stored
    /// definition (with its version) and whether it changed.
    static func save(_ db: Database, workflow: WorkflowDefinition, changedBy: String, at time: String) throws -> (WorkflowDefinition, Bool) {
        var workflow = workflow
        workflow.version = nil
        if var current = try self.workflow(db, id: workflow.id) {
            let version = current.version
            current.version = nil
            if current == workflow { return (workflow.withVersion(version), false) }
        }
        let next = (try db.queryOne("SELECT version FROM workflows WHERE id = ?", [.text(workflow.id)])?.int("version") ?? 0) + 1
        workflow.version = next
        try db.run("INSERT INTO workflow_versions (id, version, definition, changed_by, created_at) VALUES (?, ?, ?, ?, ?)",
                   [.text(workflow.id), .integer(Int64(next)), .text(String(decoding: try JSON.encode(workflow), as: UTF8.self)),
                    .text(changedBy), .text(time)])
        try db.run("INSERT INTO workflows (id, version) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET version = ?2",
                   [.text(workflow.id), .integer(Int64(next))])
        return (workflow, true)
    }

    // MARK: agencies

    static func agencyIDs(_ db: Database) throws -> Set<String> {
        Set(try db.query("SELECT id FROM agencies").compactMap { $0.string("id") })
    }
}

extension WorkflowDefinition {
    func withVersion(_ version: Int?) -> WorkflowDefinition {
        var copy = self
        copy.version = version
        return copy
    }
}

/// One entry of `catalog.services.versions`.
public struct ServiceVersionInfo: Codable, Sendable, Equatable {
    public var version: Int
    public var changed_by: String
    public var created_at: String
}
