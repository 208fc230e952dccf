import Bus
import Domain
import Foundation
import Store
import Support

/// Turns an event into inbox entries and delivery jobs inside the subscriber's transaction.
/// Exactly one row per (event, kind, recipient, channel): a replay hits the UNIQUE constraint
/// and adds nothing, so neither the inbox nor the delivery queue ever doubles.
struct NotificationWriter: Sendable {
    let rules: NotificationRules
    let templates: TemplateBook
    let defaultChannels: [Medium]
    let metrics: Metrics

    /// What one event produced.
    struct Applied: Sendable, Equatable {
        var inbox = 0
        var jobs = 0
    }

    /// Applies one delivered event. Data that breaks its contract throws `DecodingError`: the
    /// subscriber parks the event (`parked_events`), and the stream behind it goes on.
    @discardableResult
    func apply(_ db: Database, _ delivered: DeliveredEvent, now: Double) throws -> Applied {
        if delivered.topic == "identity.profile_updated" {
            // Not a notification: the person's channels and addresses, from their identity profile.
            try Preferences(try delivered.event.decodeData(IdentityEvents.ProfileUpdated.self)).save(db, now: now)
            return Applied()
        }
        var applied = Applied()
        for intent in try rules.intents(topic: delivered.topic, event: delivered.event) {
            let made = try write(db, intent, eventID: delivered.event.id, now: now)
            applied.inbox += made.inbox
            applied.jobs += made.jobs
        }
        return applied
    }

    func write(_ db: Database, _ intent: Intent, eventID: String, now: Double) throws -> Applied {
        var applied = Applied()
        let preferences: Preferences
        switch intent.recipient {
        case .person(let id):
            if let hint = intent.languageHint { try Preferences.hint(db, recipient: id, language: hint, now: now) }
            preferences = try Preferences.load(db, recipient: id, defaults: defaultChannels)
        case .group(let address):
            preferences = Preferences(recipient: address, channels: [.inbox], language: .fallback)
        }
        for channel in preferences.reachableChannels {
            guard let text = templates.render(intent, channel: channel, language: preferences.language) else {
                metrics.increment("notifications.template_missing")
                continue
            }
            let inserted = try db.run("""
                INSERT INTO notifications (event_id, kind, recipient, channel, language, template_version, subject, body,
                                           reference, address, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, [.text(eventID), .text(intent.kind.rawValue), .text(intent.recipient.address), .text(channel.rawValue),
                      .text(text.language.rawValue), .integer(Int64(text.version)), SQLValue(text.subject), .text(text.body),
                      SQLValue(intent.reference), channel == .inbox ? .null : SQLValue(preferences.address(for: channel)), .real(now)])
            guard inserted == 1 else { metrics.increment("notifications.duplicates_ignored"); continue }
            guard let route = channel.workerChannel else { applied.inbox += 1; continue }
            try db.run("INSERT INTO jobs (notification, route, lane, state, attempts, due_at) VALUES (?, ?, ?, 'pending', 0, ?)",
                       [.integer(db.lastInsertRowID), .text(route), .integer(Int64(intent.kind.lane.rank)), .real(now)])
            applied.jobs += 1
        }
        return applied
    }
}
