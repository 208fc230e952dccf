import Bus
import Foundation
import Notifications
import ServiceKit
import Store
import Support
import Testing

/// Events in, inbox entries out: exactly once per (event, recipient, channel), replays included.
@Suite struct InboxTests {
    @Test func statusChangesReachTheInboxOnceEvenWhenEverythingIsReplayed() async throws {
        let platform = try await TestPlatform.start()
        let folder = temporaryFolder("mpp-notifications-replay")
        let service = try await platform.notifications(folder: folder)
        let client = platform.stack.rpc
        let citizen = platform.token("c-1")
        let saved: Preferences = try await call(client, service.rpc, "notifications.preferences.set",
                                                SetPreferences(channels: ["sms"], phone: "0812-1111-2222"), token: citizen, key: "p1")
        #expect(saved.channels == [.sms] && saved.phone == "+6281211112222" && saved.language == .indonesian)

        let steps = [("submitted", "verified"), ("verified", "processing"), ("processing", "approved"), ("approved", "completed")]
        try await platform.publish(platform.applications, "application.status_changed",
                                   steps.map { Events.statusChanged("MPP-A1", citizen: "c-1", from: $0.0, to: $0.1) })
        try await platform.publish(platform.applications, "application.status_changed", [Events.statusChanged("MPP-B2", citizen: "c-2")])
        // 4 status entries + the survey invitation for c-1, 1 for c-2; one sms job per c-1 entry.
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM notifications WHERE channel = 'inbox'") == 6 })
        #expect(try await service.count("SELECT COUNT(*) AS n FROM jobs") == 5)
        #expect(try await service.count("SELECT COUNT(*) AS n FROM jobs WHERE lane = 1") == 1, "the survey invitation is bulk")

        let page: InboxPage = try await call(client, service.rpc, "notifications.inbox", InboxRequest(), token: citizen)
        #expect(page.total == 5 && page.unread == 5)
        try #require(page.items.count == 5)
        #expect(page.items.map(\.kind) == ["survey.invitation", "application.status_changed", "application.status_changed",
                                           "application.status_changed", "application.status_changed"], "newest first")
        #expect(page.items[1].subject == "Status MPP-A1: Selesai" && page.items[1].reference == "MPP-A1")
        #expect(page.items[4].body == "Permohonan ktp-el nomor MPP-A1 kini berstatus: Terverifikasi.")

        // Reading: only one's own entries; unread counts follow.
        let other: MarkedRead = try await call(client, service.rpc, "notifications.read", MarkRead(ids: page.items.map(\.id)),
                                               token: platform.token("c-2"), key: "r0")
        #expect(other.updated == 0 && other.unread == 1)
        let read: MarkedRead = try await call(client, service.rpc, "notifications.read", MarkRead(ids: [page.items[0].id, page.items[1].id, 999_999]),
                                              token: citizen, key: "r1")
        #expect(read.updated == 2 && read.unread == 3)
        let unread: InboxPage = try await call(client, service.rpc, "notifications.inbox", InboxRequest(unread: true, page: 1, page_size: 2), token: citizen)
        #expect(unread.total == 3 && unread.items.count == 2 && unread.items.allSatisfy { $0.read_at == nil })
        let second: InboxPage = try await call(client, service.rpc, "notifications.inbox", InboxRequest(unread: true, page: 2, page_size: 2), token: citizen)
        #expect(second.items.count == 1)
        let count: UnreadCount = try await call(client, service.rpc, "notifications.unread", Empty(), token: citizen)
        #expect(count.unread == 3)

        // Replay everything: cursors back to zero, service restarted on the same store.
        await service.host.shutdown()
        let store = try Store(path: folder + "/notifications.db", migrations: NotificationsService.migrations)
        try await store.write { db in try db.run("UPDATE bus_cursors SET seq = 0") }
        store.close()
        let restarted = try await platform.notifications(folder: folder)
        let replayed = try await eventually {
            try await restarted.count("SELECT COALESCE(SUM(seq), 0) AS n FROM bus_cursors WHERE consumer = 'notifications' AND stream = 'applications'") == 5
        }
        #expect(replayed)
        #expect(restarted.host.metrics.counter("notifications.duplicates_ignored") == 11, "6 inbox + 5 sms rows met the UNIQUE constraint")
        #expect(try await restarted.count("SELECT COUNT(*) AS n FROM notifications") == 11)
        #expect(try await restarted.count("SELECT COUNT(*) AS n FROM jobs") == 5)
        let after: InboxPage = try await call(client, restarted.rpc, "notifications.inbox", InboxRequest(), token: citizen)
        #expect(after.total == 5 && after.unread == 3, "read marks survive; nothing doubled")

        await restarted.stop()
        await platform.stop()
    }

    @Test func inboxNeedsAValidToken() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications()
        let client = platform.stack.rpc
        let none = try await send(client, service.rpc, "notifications.inbox", InboxRequest())
        #expect(none.error?.code == .unauthenticated)
        let forged = try await send(client, service.rpc, "notifications.inbox", InboxRequest(), token: "abc.def")
        #expect(forged.error?.code == .unauthenticated)
        let badPage = try await send(client, service.rpc, "notifications.inbox", InboxRequest(page: 0, page_size: 500), token: platform.token("c"))
        #expect(badPage.error?.code == .invalidArgument && badPage.error?.fields.keys.sorted() == ["page", "page_size"])
        let badBody = try await client.send(to: service.rpc, method: "notifications.read", metadata: RequestMetadata(token: platform.token("c")),
                                            body: Array(#"{"ids": "all"}"#.utf8))
        #expect(badBody.error?.code == .invalidArgument && badBody.error?.fields["ids"] != nil)
        await service.stop()
        await platform.stop()
    }

    @Test func staffLearnOfWarningsBreachesAndEscalations() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications()
        let client = platform.stack.rpc
        let _: Preferences = try await call(client, service.rpc, "notifications.preferences.set",
                                            SetPreferences(channels: ["inbox"], language: "en"), token: platform.token("c-3"), key: "p")
        try await platform.publish(platform.sla, "sla.warning", [Events.fact("MPP-S1", citizen: "c-3")])
        try await platform.publish(platform.sla, "sla.breached", [Events.fact("MPP-S1", citizen: "c-3")])
        try await platform.publish(platform.sla, "sla.escalated", [Events.fact("MPP-S1", citizen: "c-3", rung: 1, role: "mpp_admin")])
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM notifications") == 6 })

        func inbox(_ token: String) async throws -> [InboxItem] {
            let page: InboxPage = try await call(client, service.rpc, "notifications.inbox", InboxRequest(), token: token)
            return page.items
        }
        let officer = try await inbox(platform.token("officer-1", .officer, agency: "disdukcapil", region: "32.73"))
        #expect(officer.map(\.kind) == ["sla.breached", "sla.warning"] && officer.allSatisfy { $0.recipient == "officer-1" })
        let supervisor = try await inbox(platform.token("spv-9", .supervisor, agency: "disdukcapil", region: "32.73"))
        #expect(supervisor.map(\.kind) == ["sla.breached", "sla.warning"])
        #expect(supervisor.allSatisfy { $0.recipient == "role:supervisor/agency:disdukcapil/region:32.73" })
        try #require(supervisor.count == 2)
        #expect(supervisor[1].body == "Permohonan MPP-S1 (ktp-el) telah memakai 110% waktu layanan. Batas waktu: 5 Jan 2026 16.00 WIB.")
        #expect(try await inbox(platform.token("spv-x", .supervisor, agency: "dinkes", region: "32.73")).isEmpty, "another agency")
        #expect(try await inbox(platform.token("spv-y", .supervisor, agency: "disdukcapil", region: "32.01")).isEmpty, "another region")
        let admin = try await inbox(platform.token("adm", .mppAdmin, region: "32.73"))
        #expect(admin.map(\.kind) == ["sla.escalated"] && admin[0].subject == "Eskalasi SLA tingkat 1: MPP-S1")
        let citizen = try await inbox(platform.token("c-3"))
        #expect(citizen.map(\.kind) == ["sla.breached.citizen"] && citizen[0].subject == "We are sorry for the delay", "in the language they chose")

        // A shared group entry read by one supervisor is read for the team.
        let _: MarkedRead = try await call(client, service.rpc, "notifications.read", MarkRead(ids: supervisor.map(\.id)),
                                           token: platform.token("spv-9", .supervisor, agency: "disdukcapil", region: "32.73"), key: "k")
        let colleague: UnreadCount = try await call(client, service.rpc, "notifications.unread", Empty(),
                                                    token: platform.token("spv-10", .supervisor, agency: "disdukcapil", region: "32.73"))
        #expect(colleague.unread == 0)
        await service.stop()
        await platform.stop()
    }

    @Test func badEventsAreSetAsideWithoutStoppingTheStream() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications()
        try await platform.publish(platform.applications, "application.status_changed", [["tracking_number": "MPP-X"]])
        try await platform.publish(platform.applications, "application.status_changed", [Events.statusChanged("MPP-Y", citizen: "c-5")])
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM notifications WHERE reference = 'MPP-Y'") == 1 })
        #expect(try await service.count(
            "SELECT COUNT(*) AS n FROM parked_events WHERE consumer = 'notifications' AND stream = 'applications' AND seq = 1") == 1)
        await service.stop()
        await platform.stop()
    }
}
