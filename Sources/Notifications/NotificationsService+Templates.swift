import Bus
import Foundation
import ServiceKit
import Store
import Support

/// Templates for ops: list, get (any version), upsert (a new version, placeholders checked).
extension NotificationsService {
    static let templateReaders: Set<Role> = [.ops, .mppAdmin, .ministry]

    func registerTemplates() {
        host.methods.on("notifications.templates.list", .query, roles: Self.templateReaders) { [self] (request: ListTemplates, _: RequestContext) -> TemplateList in
            let paging = try request.paging(.templates)
            return try await host.store.read { db in
                let rows = try db.query("""
                    SELECT * FROM templates t WHERE t.version = (SELECT MAX(version) FROM templates u
                        WHERE u.kind = t.kind AND u.channel = t.channel AND u.language = t.language)
                    AND (? IS NULL OR t.kind = ?) AND (? IS NULL OR t.channel = ?) AND (? IS NULL OR t.language = ?)
                    ORDER BY t.kind, t.channel, t.language
                    """, [SQLValue(request.event_type), SQLValue(request.event_type), SQLValue(request.channel), SQLValue(request.channel),
                          SQLValue(request.language), SQLValue(request.language)])
                return TemplateList(templates: paging.slice(rows).map { Self.record($0, versions: nil) }, page: paging.page,
                                    page_size: paging.size, total: rows.count)
            }
        }

        host.methods.on("notifications.templates.get", .query, roles: Self.templateReaders) { [self] (request: GetTemplate, _: RequestContext) -> TemplateRecord in
            let key = try Self.templateKey(request.event_type, request.channel, request.language)
            return try await host.store.read { db in
                let params: [SQLValue] = [.text(key.kind.rawValue), .text(key.channel.rawValue), .text(key.language.rawValue)]
                let versions = try db.query("SELECT version FROM templates WHERE kind = ? AND channel = ? AND language = ? ORDER BY version",
                                            params).compactMap { $0.int("version") }
                guard let version = request.version ?? versions.last, versions.contains(version),
                      let row = try db.queryOne("SELECT * FROM templates WHERE kind = ? AND channel = ? AND language = ? AND version = ?",
                                                params + [.integer(Int64(version))]) else {
                    throw RPCError(.notFound, "templat tidak ada (no such template or version)")
                }
                return Self.record(row, versions: versions)
            }
        }

        host.methods.on("notifications.templates.upsert", .command, roles: [.ops]) { [self] (request: UpsertTemplate, context: RequestContext) -> TemplateRecord in
            let claims = try host.auth.claims(context)
            let key = try Self.templateKey(request.event_type, request.channel, request.language)
            let (subject, body) = try Self.checked(request, kind: key.kind)
            let now = now.timeIntervalSince1970
            let record = try await host.store.write { db -> TemplateRecord in
                let params: [SQLValue] = [.text(key.kind.rawValue), .text(key.channel.rawValue), .text(key.language.rawValue)]
                let version = (try db.queryOne("SELECT COALESCE(MAX(version), 0) + 1 AS v FROM templates WHERE kind = ? AND channel = ? AND language = ?",
                                               params)?.int("v")) ?? 1
                try db.run("INSERT INTO templates (kind, channel, language, version, subject, body, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           params + [.integer(Int64(version)), SQLValue(request.subject), .text(request.body), .text(claims.sub), .real(now)])
                let row = try db.queryOne("SELECT * FROM templates WHERE kind = ? AND channel = ? AND language = ? AND version = ?",
                                          params + [.integer(Int64(version))])
                return Self.record(try row.orThrow(), versions: nil)
            }
            templates.install(key, CompiledTemplate(version: record.version, subject: subject, body: body))
            context.logger.info("template saved", ["event_type": .string(record.event_type), "channel": .string(record.channel),
                                                   "language": .string(record.language), "version": .number(Double(record.version))])
            return record
        }
    }

    static func templateKey(_ kind: String, _ channel: String, _ language: String) throws -> TemplateKey {
        var problems: [String: String] = [:]
        let parsedKind = NotificationKind(rawValue: kind)
        if parsedKind == nil {
            problems["event_type"] = "tidak dikenal; salah satu dari " + NotificationKind.allCases.map(\.rawValue).joined(separator: ", ")
        }
        let parsedChannel = Medium(rawValue: channel)
        if parsedChannel == nil { problems["channel"] = "tidak dikenal; salah satu dari " + Medium.allCases.map(\.rawValue).joined(separator: ", ") }
        let parsedLanguage = Language(rawValue: language)
        if parsedLanguage == nil { problems["language"] = "harus id atau en (must be id or en)" }
        guard let parsedKind, let parsedChannel, let parsedLanguage, problems.isEmpty else { throw RPCError.invalid(problems) }
        return TemplateKey(kind: parsedKind, channel: parsedChannel, language: parsedLanguage)
    }

    /// Parses subject and body and checks their placeholders against the kind's.
    static func checked(_ request: UpsertTemplate, kind: NotificationKind) throws -> (TemplateText?, TemplateText) {
        var problems: [String: String] = [:]
        func parse(_ field: String, _ text: String, limit: Int, multiline: Bool) -> TemplateText? {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { problems[field] = "wajib diisi (required)"; return nil }
            if let problem = TextCheck.problem(text, maxLength: limit, multiline: multiline) { problems[field] = problem; return nil }
            do {
                let parsed = try TemplateText(text)
                let unknown = parsed.unknownPlaceholders(allowed: kind.placeholders)
                guard unknown.isEmpty else {
                    problems[field] = "placeholder tidak dikenal: " + unknown.map { "{{\($0)}}" }.joined(separator: ", ")
                        + " (allowed: " + kind.placeholders.sorted().joined(separator: ", ") + ")"
                    return nil
                }
                return parsed
            } catch {
                problems[field] = "\(error)"
                return nil
            }
        }
        let subject = request.subject.flatMap { parse("subject", $0, limit: 200, multiline: false) }
        let body = parse("body", request.body, limit: 4_000, multiline: true)
        guard let body, problems.isEmpty else { throw RPCError.invalid(problems) }
        return (subject, body)
    }

    static func record(_ row: Row, versions: [Int]?) -> TemplateRecord {
        let body = row.string("body") ?? ""
        let subject = row.string("subject")
        let names = ((try? TemplateText(subject ?? ""))?.placeholders ?? []) + ((try? TemplateText(body))?.placeholders ?? [])
        return TemplateRecord(event_type: row.string("kind") ?? "", channel: row.string("channel") ?? "", language: row.string("language") ?? "",
                              version: row.int("version") ?? 0, subject: subject, body: body, placeholders: Array(Set(names)).sorted(),
                              updated_by: row.string("updated_by"), updated_at: timestamp(row.double("updated_at")) ?? "", versions: versions)
    }
}

extension Optional {
    /// The value, or `internal` (for rows that must exist because this transaction wrote them).
    func orThrow() throws -> Wrapped {
        guard let self else { throw RPCError(.internal, "baris yang baru ditulis tidak ditemukan (row just written is missing)") }
        return self
    }
}
