import Domain
import Foundation
import Sodium
import Store
import Support

/// A document ready to be attached to an application: a new upload (stored in the vault in the
/// same transaction as the application) or one already in the citizen's vault.
struct PreparedDocument: Sendable {
    var vaultID: String
    var kind: DocumentKind
    /// The bytes of a new upload; nil for a vault reference.
    var upload: [UInt8]?
    var name: String?
    var size: Int

    func reference(_ requirement: String) -> DocumentRef {
        DocumentRef(requirement: requirement, vault_id: vaultID, type: kind.rawValue, size: size, name: name)
    }
}

/// What the vault knows about one of its documents.
struct StoredDocument: Sendable {
    var kind: DocumentKind
    var size: Int
    var name: String?
}

/// Works out the documents of a submission or resubmission, naming every problem by
/// `documents.<requirement>`: uploads are checked by content (`DocumentCheck`), vault references
/// must be the citizen's own documents of an accepted kind, required documents must be there.
struct DocumentPlan {
    let requirements: [Requirement]
    let check: DocumentCheck

    /// - Parameters:
    ///   - vault: the citizen's vault documents named by the inputs.
    ///   - present: requirements already answered (a resubmission keeps its earlier documents).
    func resolve(_ inputs: [String: DocumentInput], attachments: [[UInt8]], vault: [String: StoredDocument],
                 present: Set<String> = []) -> (documents: [String: PreparedDocument], errors: [String: String]) {
        var documents: [String: PreparedDocument] = [:]
        var errors: [String: String] = [:]
        let byKey = Dictionary(requirements.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for (key, input) in inputs {
            let field = "documents.\(key)"
            guard let requirement = byKey[key] else {
                errors[field] = "persyaratan tidak dikenal; yang ada: " + requirements.map(\.key).joined(separator: ", ") + " (unknown requirement)"
                continue
            }
            switch prepare(input, requirement, attachments: attachments, vault: vault) {
            case .success(let document): documents[key] = document
            case .failure(let refusal): errors[field] = refusal.reason
            }
        }
        for requirement in requirements where requirement.required && inputs[requirement.key] == nil && !present.contains(requirement.key) {
            errors["documents.\(requirement.key)"] = "wajib dilampirkan: \(requirement.label) (required document)"
        }
        return (documents, errors)
    }

    private func prepare(_ input: DocumentInput, _ requirement: Requirement, attachments: [[UInt8]],
                         vault: [String: StoredDocument]) -> Result<PreparedDocument, DocumentCheck.Refusal> {
        if let name = input.name, let problem = TextCheck.problem(name, maxLength: 255) { return .failure(.init("name: " + problem)) }
        switch (input.attachment, input.vault_id) {
        case (let index?, nil):
            guard attachments.indices.contains(index) else {
                return .failure(.init("lampiran \(index) tidak ada: permintaan membawa \(attachments.count) lampiran (no such attachment)"))
            }
            let bytes = attachments[index]
            return check.check(bytes, declaredType: input.type, fileName: input.name, accepted: requirement.types).map { kind in
                PreparedDocument(vaultID: Vault.id(of: bytes), kind: kind, upload: bytes, name: input.name, size: bytes.count)
            }
        case (nil, let id?):
            guard let stored = vault[id] else { return .failure(.init("dokumen \(id) tidak ada di arsip Anda (not in your vault)")) }
            guard check.accepts(stored.kind, requirement.types) else { return .failure(check.notAccepted(requirement.types)) }
            return .success(PreparedDocument(vaultID: id, kind: stored.kind, upload: nil, name: stored.name, size: stored.size))
        default:
            return .failure(.init("isi tepat satu dari attachment atau vault_id (give attachment or vault_id)"))
        }
    }
}

/// The citizen's document vault: every document stored once per citizen, named by the SHA-256
/// of its content, kept in the store (blobs) and written in the same transaction as the
/// application that brought it.
enum Vault {
    static func id(of bytes: [UInt8]) -> String { SHA256.hex(SHA256.hash(bytes)) }

    /// Stores an upload (nothing happens if the citizen already has this content).
    static func store(_ db: Database, citizen: String, _ document: PreparedDocument, time: String) throws {
        guard let bytes = document.upload else { return }
        try db.run("""
            INSERT OR IGNORE INTO vault_documents (citizen, vault_id, type, size, name, content, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(citizen), .text(document.vaultID), .text(document.kind.rawValue), SQLValue(bytes.count),
                  SQLValue(document.name), .blob(bytes), .text(time)])
    }

    /// The citizen's documents among `ids`.
    static func documents(_ db: Database, citizen: String, ids: [String]) throws -> [String: StoredDocument] {
        var found: [String: StoredDocument] = [:]
        for id in Set(ids) {
            let row = try db.queryOne("SELECT type, size, name FROM vault_documents WHERE citizen = ? AND vault_id = ?", [.text(citizen), .text(id)])
            if let row, let kind = row.string("type").flatMap(DocumentKind.init(rawValue:)) {
                found[id] = StoredDocument(kind: kind, size: row.int("size") ?? 0, name: row.string("name"))
            }
        }
        return found
    }

    /// Links requirement → document for an application (replacing an earlier one).
    static func attach(_ db: Database, applicationID: Int64, citizen: String, documents: [String: PreparedDocument], time: String) throws {
        for (requirement, document) in documents.sorted(by: { $0.key < $1.key }) {
            try store(db, citizen: citizen, document, time: time)
            try db.run("INSERT OR REPLACE INTO application_documents (application_id, requirement, vault_id) VALUES (?, ?, ?)",
                       [.integer(applicationID), .text(requirement), .text(document.vaultID)])
        }
    }

    static func list(_ db: Database, citizen: String) throws -> [VaultDocument] {
        let uses = try db.query("""
            SELECT d.vault_id, a.tracking_number, d.requirement FROM application_documents d
            JOIN applications a ON a.id = d.application_id WHERE a.citizen = ? ORDER BY a.id
            """, [.text(citizen)])
        var usedIn: [String: [String]] = [:]
        for use in uses {
            usedIn[use.string("vault_id") ?? "", default: []].append("\(use.string("tracking_number") ?? "")/\(use.string("requirement") ?? "")")
        }
        return try db.query("SELECT vault_id, type, size, name, created_at FROM vault_documents WHERE citizen = ? ORDER BY created_at, vault_id",
                            [.text(citizen)]).map { row in
            let id = row.string("vault_id") ?? ""
            return VaultDocument(vault_id: id, type: row.string("type") ?? "", size: row.int("size") ?? 0, name: row.string("name"),
                                 created_at: row.string("created_at") ?? "", used_in: usedIn[id] ?? [])
        }
    }

    /// The bytes and kind of one of the citizen's documents.
    static func content(_ db: Database, citizen: String, id: String) throws -> (bytes: [UInt8], type: String, name: String?)? {
        try db.queryOne("SELECT content, type, name FROM vault_documents WHERE citizen = ? AND vault_id = ?", [.text(citizen), .text(id)])
            .map { ($0.blob("content") ?? [], $0.string("type") ?? "", $0.string("name")) }
    }
}
