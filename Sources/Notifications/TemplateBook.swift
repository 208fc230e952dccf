import Foundation
import Store
import Support

/// Which template: a kind, in a channel, in a language.
public struct TemplateKey: Hashable, Sendable {
    public var kind: NotificationKind
    public var channel: Medium
    public var language: Language
}

/// A parsed template version, ready to render.
struct CompiledTemplate: Sendable {
    var version: Int
    /// Set by `resolve`: the language of the template found (after fallbacks).
    var language: Language = .fallback
    var subject: TemplateText?
    var body: TemplateText
}

/// A rendered notification text.
struct RenderedText: Sendable, Equatable {
    var version: Int
    var language: Language
    var subject: String?
    var body: String
}

/// The current version of every template, in memory (the apply path renders thousands per
/// second), backed by the `templates` table. A channel without its own template uses the
/// kind's inbox template in the same language, then the Indonesian one.
final class TemplateBook: Sendable {
    private let current = Mutexed<[TemplateKey: CompiledTemplate]>([:])

    /// Writes version 1 of every default template that has no version yet.
    static func seed(_ db: Database, now: Double) throws {
        for kind in NotificationKind.allCases {
            for language in Language.allCases {
                let text = DefaultTemplates.text(kind, language)
                try db.run("""
                    INSERT INTO templates (kind, channel, language, version, subject, body, updated_by, updated_at)
                    SELECT ?, 'inbox', ?, 1, ?, ?, 'default', ?
                    WHERE NOT EXISTS (SELECT 1 FROM templates WHERE kind = ? AND channel = 'inbox' AND language = ?)
                    """, [.text(kind.rawValue), .text(language.rawValue), .text(text.subject), .text(text.body), .real(now),
                          .text(kind.rawValue), .text(language.rawValue)])
            }
        }
    }

    /// Loads the highest version of every template.
    func load(_ db: Database) throws {
        let rows = try db.query("""
            SELECT t.kind, t.channel, t.language, t.version, t.subject, t.body FROM templates t
            WHERE t.version = (SELECT MAX(version) FROM templates u WHERE u.kind = t.kind AND u.channel = t.channel AND u.language = t.language)
            """)
        var table: [TemplateKey: CompiledTemplate] = [:]
        for row in rows {
            guard let kind = row.string("kind").flatMap(NotificationKind.init(rawValue:)),
                  let channel = row.string("channel").flatMap(Medium.init(rawValue:)),
                  let language = row.string("language").flatMap(Language.init(rawValue:)),
                  let body = try? TemplateText(row.string("body") ?? "") else { continue }
            table[TemplateKey(kind: kind, channel: channel, language: language)] = CompiledTemplate(
                version: row.int("version") ?? 1, subject: row.string("subject").flatMap { try? TemplateText($0) }, body: body)
        }
        current.set(table)
    }

    /// Makes `template` the current version of `key` (after its row committed).
    func install(_ key: TemplateKey, _ template: CompiledTemplate) {
        current.update { $0[key] = template }
    }

    /// The template to use, with the fallbacks.
    func resolve(_ kind: NotificationKind, channel: Medium, language: Language) -> CompiledTemplate? {
        let table = current.get()
        let candidates = [TemplateKey(kind: kind, channel: channel, language: language),
                          TemplateKey(kind: kind, channel: .inbox, language: language),
                          TemplateKey(kind: kind, channel: .inbox, language: .fallback)]
        for key in candidates {
            if var template = table[key] {
                template.language = key.language
                return template
            }
        }
        return nil
    }

    /// Renders `intent` for one channel and language: state codes become labels in that language.
    func render(_ intent: Intent, channel: Medium, language: Language) -> RenderedText? {
        guard let template = resolve(intent.kind, channel: channel, language: language) else { return nil }
        var values = intent.values
        if let state = values["state_code"] { values["state"] = StateLabels.label(state, template.language) }
        if let state = values["from_state_code"] { values["from_state"] = StateLabels.label(state, template.language) }
        return RenderedText(version: template.version, language: template.language,
                            subject: template.subject.map { $0.render(values).trimmingCharacters(in: .whitespaces) },
                            body: template.body.render(values).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
