import Bus
import Domain
import Foundation
import Notifications
import ServiceKit
import Support
import Testing

/// Ops edit templates (checked, versioned, used at once); people choose channels and language.
@Suite struct TemplatesAndPreferencesTests {
    @Test func templatesAreCheckedVersionedAndUsed() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications()
        let client = platform.stack.rpc
        let ops = platform.token("ops-1", .ops)
        func upsert(_ body: String, subject: String? = "Status {{tracking_number}}", channel: String = "inbox", language: String = "id",
                    kind: String = "application.status_changed", token: String? = nil, key: String = UUID().uuidString) async throws -> Outcome {
            try await send(client, service.rpc, "notifications.templates.upsert",
                           UpsertTemplate(event_type: kind, channel: channel, language: language, subject: subject, body: body),
                           token: token ?? ops, key: key)
        }

        let unknown = try await upsert("Halo {{nama}}, {{tracking_number}} {{nik}}")
        #expect(unknown.error?.code == .invalidArgument)
        #expect(unknown.error?.fields["body"]?.hasPrefix("placeholder tidak dikenal: {{nama}}, {{nik}} (allowed: action, agency,") == true)
        let malformed = try await upsert("Status {{tracking_number", subject: "{{}}")
        #expect(malformed.error?.fields.keys.sorted() == ["body", "subject"])
        let wrongKey = try await upsert("x", channel: "fax", language: "fr", kind: "application.deleted")
        #expect(wrongKey.error?.fields.keys.sorted() == ["channel", "event_type", "language"])
        let empty = try await upsert("   ")
        #expect(empty.error?.fields["body"] == "wajib diisi (required)")
        let citizen = try await upsert("{{state}}", token: platform.token("c-1"))
        #expect(citizen.error?.code == .permissionDenied)
        let supervisor = try await send(client, service.rpc, "notifications.templates.list", ListTemplates(), token: platform.token("s", .supervisor))
        #expect(supervisor.error?.code == .permissionDenied)

        let saved = try await upsert("{{tracking_number}} sekarang {{state}} (dari {{from_state}}).", key: "tpl-1")
        let record = try JSON.decode(TemplateRecord.self, from: saved.body)
        #expect(record.version == 2 && record.updated_by == "ops-1" && record.placeholders == ["from_state", "state", "tracking_number"])
        let again = try await upsert("{{tracking_number}} sekarang {{state}} (dari {{from_state}}).", key: "tpl-1")
        #expect(try JSON.decode(TemplateRecord.self, from: again.body).version == 2, "a retry with the same key saves nothing new")
        let sms = try await upsert("MPP {{tracking_number}}: {{state}}", subject: nil, channel: "sms", language: "id", key: "tpl-2")
        #expect(try JSON.decode(TemplateRecord.self, from: sms.body).version == 1)

        let current: TemplateRecord = try await call(client, service.rpc, "notifications.templates.get",
                                                     GetTemplate(event_type: "application.status_changed", channel: "inbox", language: "id"), token: ops)
        #expect(current.version == 2 && current.versions == [1, 2])
        let first: TemplateRecord = try await call(client, service.rpc, "notifications.templates.get",
                                                   GetTemplate(event_type: "application.status_changed", channel: "inbox", language: "id", version: 1),
                                                   token: platform.token("m", .ministry))
        #expect(first.body.hasPrefix("Permohonan {{service}}") && first.updated_by == "default")
        let missing = try await send(client, service.rpc, "notifications.templates.get",
                                     GetTemplate(event_type: "application.status_changed", channel: "email", language: "en", version: nil), token: ops)
        #expect(missing.error?.code == .notFound)
        let all: TemplateList = try await call(client, service.rpc, "notifications.templates.list", ListTemplates(), token: ops)
        #expect(all.templates.count == NotificationKind.allCases.count * 2 + 1)
        let filtered: TemplateList = try await call(client, service.rpc, "notifications.templates.list",
                                                    ListTemplates(event_type: "application.status_changed", channel: nil, language: "id"), token: ops)
        #expect(filtered.templates.map(\.channel) == ["inbox", "sms"] && filtered.templates.map(\.version) == [2, 1])

        // New notifications use the new versions at once: the inbox its own, sms the sms one.
        let _: Preferences = try await call(client, service.rpc, "notifications.preferences.set",
                                            SetPreferences(channels: ["inbox", "sms"], phone: "+628111000111"), token: platform.token("c-1"), key: "p")
        try await platform.publish(platform.applications, "application.status_changed",
                                   [Events.statusChanged("MPP-T1", citizen: "c-1", from: "verified", to: "processing")])
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM notifications") == 2 })
        let texts = try await service.host.store.read { db in
            try db.query("SELECT channel, body, template_version FROM notifications ORDER BY channel").map {
                "\($0.string("channel") ?? "") v\($0.int("template_version") ?? 0): \($0.string("body") ?? "")"
            }
        }
        #expect(texts == ["inbox v2: MPP-T1 sekarang Diproses (dari Terverifikasi).", "sms v1: MPP MPP-T1: Diproses"])
        await service.stop()
        await platform.stop()
    }

    @Test func preferencesAreValidatedAndOwned() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications(settings: NotificationsSettings(defaultChannels: [.inbox, .log]))
        let client = platform.stack.rpc
        let citizen = platform.token("c-7")
        let defaults: Preferences = try await call(client, service.rpc, "notifications.preferences.get", GetPreferences(), token: citizen)
        #expect(defaults == Preferences(recipient: "c-7", channels: [.inbox, .log], language: .indonesian))

        let bad = try await send(client, service.rpc, "notifications.preferences.set",
                                 SetPreferences(channels: ["sms", "fax", "email"], language: "jv", email: "bukan-email"), token: citizen, key: "b")
        #expect(bad.error?.code == .invalidArgument)
        #expect(bad.error?.fields.keys.sorted() == ["channels[1]", "email", "language", "phone"])
        let badPhone = try await send(client, service.rpc, "notifications.preferences.set",
                                      SetPreferences(channels: ["whatsapp"], phone: "12"), token: citizen, key: "c")
        #expect(badPhone.error?.fields["phone"]?.contains("tidak sah") == true)
        let someoneElse = try await send(client, service.rpc, "notifications.preferences.set",
                                         SetPreferences(recipient: "c-8", channels: ["inbox"]), token: citizen, key: "d")
        #expect(someoneElse.error?.code == .permissionDenied)

        let chosen: Preferences = try await call(client, service.rpc, "notifications.preferences.set",
                                                 SetPreferences(channels: ["whatsapp", "email", "whatsapp"], language: "en",
                                                                phone: "081299998888", email: "warga@example.id"), token: citizen, key: "e")
        #expect(chosen.channels == [.whatsapp, .email] && chosen.reachableChannels == [.inbox, .whatsapp, .email])
        let byOps: Preferences = try await call(client, service.rpc, "notifications.preferences.set",
                                                SetPreferences(recipient: "officer-4", channels: ["email"], email: "petugas@example.id"),
                                                token: platform.token("ops", .ops), key: "f")
        #expect(byOps.recipient == "officer-4")
        let read: Preferences = try await call(client, service.rpc, "notifications.preferences.get", GetPreferences(recipient: "officer-4"),
                                               token: platform.token("ops", .ops))
        #expect(read.email == "petugas@example.id" && read.channels == [.email])
        let own: Preferences = try await call(client, service.rpc, "notifications.preferences.get", GetPreferences(), token: citizen)
        #expect(own == chosen)

        // The language an event reports is used only while the person chose none.
        try await platform.publish(platform.identity, "identity.citizen_registered", [["sub": "c-9", "district": "32.73.01", "language": "en"],
                                                                                     ["sub": "c-7", "district": "32.73.01", "language": "id"]])
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'identity.citizen_registered'") == 5 })
        let welcome = try await service.host.store.read { db in
            try db.query("SELECT recipient, channel, subject FROM notifications WHERE kind = 'identity.citizen_registered' ORDER BY recipient, channel")
                .map { "\($0.string("recipient") ?? "") \($0.string("channel") ?? "") \($0.string("subject") ?? "")" }
        }
        #expect(welcome == ["c-7 email Welcome to MPP Digital", "c-7 inbox Welcome to MPP Digital", "c-7 whatsapp Welcome to MPP Digital",
                            "c-9 inbox Welcome to MPP Digital", "c-9 log Welcome to MPP Digital"])
        await service.stop()
        await platform.stop()
    }

    /// Channels and addresses given once in the identity profile become the person's preferences.
    @Test func theIdentityProfileSetsHowAPersonIsReached() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications()
        try await platform.publish(platform.identity, "identity.profile_updated", [
            IdentityEvents.ProfileUpdated(sub: "c-21", phone: "081234567890", email: "siti@example.id", language: "en",
                                          channels: ["app", "whatsapp", "email"]),
        ])
        let client = platform.stack.rpc
        #expect(try await eventually {
            let read: Preferences = try await call(client, service.rpc, "notifications.preferences.get", GetPreferences(recipient: "c-21"),
                                                   token: platform.token("ops", .ops))
            return read.channels == [.inbox, .whatsapp, .email] && read.phone == "+6281234567890" && read.language == .english
        })
        await service.stop()
        await platform.stop()
    }
}
