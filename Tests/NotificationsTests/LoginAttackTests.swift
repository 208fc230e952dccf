import Bus
import Domain
import Foundation
import Identity
import Notifications
import Registry
import ServiceKit
import Store
import Support
import Testing

/// Identity and notifications in this process, over real sockets, found through a real registry:
/// someone keeps trying a citizen's password, identity publishes
/// `identity.login_attack_suspected` once per window, and notifications puts one entry in the
/// citizen's inbox (and an SMS job, the channel the citizen chose in their profile).
@Suite struct LoginAttackTests {
    /// What identity needs of the catalog here: every region code exists.
    struct StubRegion: Codable, Sendable {
        var code: String
        var name = "Kota Bandung"
        var level = "district"
    }

    struct Request: Codable, Sendable { var code: String }

    @Test func aBurstOfWrongPasswordsIsOneInboxEntryAndOneSMS() async throws {
        let folder = temporaryFolder("mpp-login-attack")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keys = ["MPP_KEYS": folder + "/keys"]
        let registry = try await ServiceHost(configuration: try TestPlatform.configuration("registry", folder: folder + "/registry",
                                                                                          registry: "tcp://127.0.0.1:9"),
                                             migrations: [], publishesEvents: true, logSink: .memory())
        try await RegistryService(host: registry, sweepInterval: .milliseconds(50)).start()
        let endpoint = try registry.boundEndpoints.orFail("registry").rpc
        func host(_ service: String, _ migrations: [Migration]) async throws -> ServiceHost {
            try await ServiceHost(configuration: try TestPlatform.configuration(service, folder: folder + "/" + service, registry: endpoint,
                                                                               extra: keys),
                                  migrations: migrations, publishesEvents: true, logSink: .memory())
        }
        let catalog = try await host("catalog", [])
        catalog.methods.on("catalog.regions.get") { (request: Request, _: RequestContext) in StubRegion(code: request.code) }
        try await catalog.start()

        var settings = IdentitySettings()
        settings.passwordParameters = .minimum
        settings.login.account.freeFailures = 100  // no delays to wait through: this test is about the alert
        let identityHost = try await host("identity", IdentitySchema.migrations)
        _ = try await IdentityService(host: identityHost, settings: settings)
        let identity = try await identityHost.start().rpc

        let notificationsHost = try await host("notifications", NotificationsService.migrations)
        try await NotificationsService(host: notificationsHost).start()
        let notifications = try notificationsHost.boundEndpoints.orFail("notifications").rpc
        let client = RPCClient()
        defer {
            Task {
                await client.shutdown()
                for host in [notificationsHost, identityHost, catalog, registry] { await host.shutdown() }
            }
        }

        // A citizen who wants SMS as well as the inbox.
        let nik = "3273011501900001", password = "kata-sandi-warga"
        let citizen: AccountView = try await call(client, identity, "identity.citizens.register", RegisterCitizen(
            nik: nik, name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890", password: password), key: "register")
        let token = try await call(client, identity, "identity.login", LoginRequest(nik: nik, password: password), as: TokenPair.self).access_token
        let _: AccountView = try await call(client, identity, "identity.profile.update", ProfileUpdate(preferred_channels: ["app", "sms"]),
                                            token: token, key: "channels")

        // Someone else, twelve wrong passwords: one burst.
        for _ in 0..<12 {
            let outcome = try await send(client, identity, "identity.login", LoginRequest(nik: nik, password: "tebakan-penyerang"))
            #expect(outcome.error?.code == .unauthenticated)
        }
        let kind = IdentityEvents.LoginAttackSuspected.type
        @Sendable func attackEntries() async throws -> [InboxItem] {
            let page: InboxPage = try await call(client, notifications, "notifications.inbox", InboxRequest(page_size: 50), token: token)
            return page.items.filter { $0.kind == kind }
        }
        let told = try await eventually { ((try? await attackEntries()) ?? []).count == 1 }
        #expect(told, "the owner's inbox has the alert")
        let entry = try #require(try await attackEntries().first)
        #expect(entry.recipient == citizen.sub)
        #expect(entry.subject == "Ada yang mencoba masuk ke akun Anda")
        #expect(entry.body.contains("10 kali percobaan masuk"))
        #expect(entry.body.contains("WIB"))
        #expect(entry.body.contains("KTP-el"))
        #expect(!entry.body.contains("tebakan-penyerang"))

        let sms = try await eventually {
            let count = try? await notificationsHost.store.read { db in
                try db.queryOne("SELECT COUNT(*) AS n FROM notifications n JOIN jobs j ON j.notification = n.id WHERE n.kind = ? AND n.channel = 'sms' AND n.address = '+6281234567890'",
                                [.text(kind)])?.int("n")
            }
            return count == 1
        }
        #expect(sms, "one SMS job, through the channel the citizen chose")

        // Still the same window: more failures tell nobody again.
        for _ in 0..<5 { _ = try await send(client, identity, "identity.login", LoginRequest(nik: nik, password: "tebakan-lain")) }
        let published = try await identityHost.store.read { db in
            try db.queryOne("SELECT COUNT(*) AS n FROM bus_outbox WHERE topic = ?", [.text(kind)])?.int("n")
        }
        #expect(published == 1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await attackEntries().count == 1)
    }
}
