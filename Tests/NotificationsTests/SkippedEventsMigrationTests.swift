import Bus
import Foundation
import Notifications
import Store
import Support
import Testing

/// Issue 20: notifications' own `skipped_events` became the bus's parked events. A store written
/// before keeps its set-aside events, now parked (without the event itself: a retry reads it again
/// from the publisher's outbox).
@Suite struct SkippedEventsMigrationTests {
    @Test func skippedEventsMoveToParkedEvents() async throws {
        let path = NSTemporaryDirectory() + "notifications-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = try Store(path: path, migrations: Array(NotificationsSchema.migrations.prefix(1)))
        try await old.write { db in
            for (id, topic) in [("applications-7", "application.status_changed"), ("sla/2-15", "sla.warning"), ("odd", "x.y")] {
                try db.run("INSERT INTO skipped_events (event_id, topic, reason, skipped_at) VALUES (?, ?, 'typeMismatch', 1767225600)",
                           [.text(id), .text(topic)])
            }
        }
        old.close()

        let store = try Store(path: path, migrations: NotificationsSchema.migrations)
        defer { store.close() }
        let parked = try await store.read { db in try ParkedEvents.list(db) }
        #expect(parked.map { "\($0.consumer) \($0.stream)#\($0.seq) \($0.topic)" }
                == ["notifications applications#7 application.status_changed", "notifications sla/2#15 sla.warning"])
        #expect(parked.allSatisfy { $0.error == "typeMismatch" && $0.event == nil && $0.parked_at == "2026-01-01T00:00:00.000Z" })
        let tables = try await store.read { db in try db.query("SELECT name FROM sqlite_master WHERE name = 'skipped_events'") }
        #expect(tables.isEmpty)
    }
}
