import Applications
import Bus
import Foundation
import Identity
import Notifications
import NotifyWorker
import Registry
import ServiceKit
import Support
import Testing

/// The whole way with the real executables: catalog, identity, applications, notifications and
/// a notify worker as child processes, a registry and a local HTTP receiver (the SMS gateway)
/// in the test. A citizen applies for a KTP-el, officers take it through its workflow: each
/// status change is one inbox entry and one webhook delivery.
@Suite struct ApplicationJourneyTests {
    static let opsUser = "ops.notifikasi", opsPassword = "sandi-operator-notifikasi-panjang"

    @Test func eachStatusChangeOfARealApplicationIsOneInboxEntryAndOneWebhook() async throws {
        let folder = temporaryFolder("mpp-notifications-journey")
        let receiver = try HTTPReceiver()
        let registry = try await ServiceHost(configuration: try TestPlatform.configuration("registry", folder: folder + "/registry",
                                                                                          registry: "tcp://127.0.0.1:9"),
                                             migrations: [], publishesEvents: true, logSink: .memory())
        try await RegistryService(host: registry, sweepInterval: .milliseconds(50)).start()
        let endpoint = try registry.boundEndpoints.orFail("registry").rpc
        _ = try await IdentityBootstrap.createOperator(dataDirectory: folder + "/identity", username: Self.opsUser, name: "Operator Uji",
                                                      password: Self.opsPassword, force: false, parameters: .minimum)
        func environment(_ name: String, _ extra: [String: String] = [:]) -> [String: String] {
            ["MPP_DATA": folder + "/" + name, "MPP_KEYS": folder + "/keys", "MPP_REGISTRY": endpoint, "MPP_RPC_PORT": "0", "MPP_EVENTS_PORT": "0", "MPP_LEASE_MS": "1000",
             "MPP_DRAIN_SECONDS": "1", "MPP_LOG_LEVEL": "info"].merging(extra) { $1 }
        }
        let services: [(String, String, [String: String])] = [
            ("mpp-catalog", "catalog", [:]), ("mpp-identity", "identity", ["MPP_ARGON2": "minimum"]),
            ("mpp-applications", "applications", [:]), ("mpp-notifications", "notifications", [:])]
        let children = try services.map { try ChildProcess($0.0, environment: environment($0.1, $0.2), folder: folder) } + [
            try ChildProcess("mpp-notify-worker", environment: [
                "MPP_REGISTRY": endpoint, "MPP_WEBHOOK_URL": receiver.url, "MPP_WEBHOOK_SECRET": "gateway-secret-123456",
                "MPP_WORKER_CHANNELS": "webhook", "MPP_WORKER_POLL_MS": "20", "MPP_WORKER_NAME": "worker-journey"], folder: folder)]
        defer { for child in children { child.kill() }; receiver.stop() }
        let stack = ClientStack(registries: [endpoint], keys: nil, logger: Logger(service: "test", level: .error, sink: .memory()))
        @Sendable func call<Body: Encodable & Sendable, Result: Decodable & Sendable>(_ method: String, _ body: Body, token: String? = nil,
                                                                              attachments: [[UInt8]] = [], as: Result.Type = Result.self) async throws -> Result {
            try await stack.client.call(method, body, as: Result.self, options: CallOptions(
                token: token, idempotencyKey: UUID().uuidString, timeout: .seconds(20), attachments: attachments))
        }
        let up = await eventually(timeout: .seconds(120)) {
            let services = Set(((try? await stack.directory.list()) ?? []).map(\.service))
            return ["catalog", "identity", "applications", "notifications"].allSatisfy(services.contains) || children.contains { !$0.isRunning }
        }
        #expect(up && children.allSatisfy(\.isRunning), "\(children.map { "\($0.name):\n\($0.log.suffix(1_500))" }.joined(separator: "\n"))")

        // People: ops, an officer of Disdukcapil Kabupaten Sukabumi, a verified citizen.
        let ops: TokenPair = try await call("identity.login", LoginRequest(username: Self.opsUser, password: Self.opsPassword))
        let _: AccountView = try await call("identity.staff.create", CreateStaff(username: "petugas.notif", name: "Petugas", password: "sandi-petugas-panjang",
                                                                                 role: .officer, agency: "disdukcapil", region: "32.02"), token: ops.access_token)
        let officer: TokenPair = try await call("identity.login", LoginRequest(username: "petugas.notif", password: "sandi-petugas-panjang"))
        let _: AccountView = try await call("identity.staff.create", CreateStaff(username: "atasan.notif", name: "Atasan", password: "sandi-atasan-panjang",
                                                                                 role: .supervisor, agency: "disdukcapil", region: "32.02"), token: ops.access_token)
        let supervisor: TokenPair = try await call("identity.login", LoginRequest(username: "atasan.notif", password: "sandi-atasan-panjang"))
        let nik = "3202014507890001"
        let citizen: AccountView = try await call("identity.citizens.register", RegisterCitizen(
            nik: nik, name: "Siti Aminah", birth_date: "1989-07-05", phone: "081234560001", password: "rahasia-warga-123"))
        var session: TokenPair = try await call("identity.login", LoginRequest(nik: nik, password: "rahasia-warga-123"))
        let _: AccountView = try await call("identity.profile.update", ProfileUpdate(
            address: Address(street: "Jl. Siliwangi No. 7", rt: "002", rw: "005", village_code: "32.02.01.1001"), kk_number: "3202010101010001"),
            token: session.access_token)
        let _: AccountView = try await call("identity.citizens.verify", VerifyCitizen(sub: citizen.sub, method: "ktp_el"), token: officer.access_token)
        session = try await call("identity.login", LoginRequest(nik: nik, password: "rahasia-warga-123"))
        let token = session.access_token
        let serving = await eventually(timeout: .seconds(30)) {
            (try? await call("notifications.preferences.set", SetPreferences(channels: ["sms"], phone: "081234560001"), token: token,
                             as: Preferences.self)) != nil
        }
        #expect(serving, "notifications accepts identity's tokens")

        // The application and its workflow: submitted, then verify → process → approve → complete.
        let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n% journey\n".utf8)
        let application: ApplicationView = try await call("applications.submit", SubmitApplication(
            service: "ktp-el", region: "32.02", form: ["alasan": "rusak"], documents: ["kk": DocumentInput(attachment: 0, name: "kk.pdf")]),
            token: token, attachments: [pdf])
        let number = application.tracking_number
        for (action, actor) in [("verify", officer), ("process", officer), ("approve", supervisor), ("complete", officer)] {
            let output = action == "complete" ? "KTP-el 3202014507890001 dicetak" : nil
            let _: ApplicationView = try await call("applications.transition", TransitionRequest(tracking_number: number, action: action, output: output),
                                                    token: actor.access_token)
        }

        // Four status changes: four inbox entries and four webhook deliveries, one each.
        @Sendable func statusInbox() async throws -> [InboxItem] {
            let page: InboxPage = try await call("notifications.inbox", InboxRequest(page_size: 50), token: token)
            return page.items.filter { $0.kind == "application.status_changed" && $0.reference == number }
        }
        @Sendable func statusWebhooks() throws -> [WebhookChannel.Payload] {
            try receiver.requests.map { try JSON.decode(WebhookChannel.Payload.self, from: $0.body) }
                .filter { $0.event_type == "application.status_changed" && $0.reference == number }
        }
        #expect(try await eventually(timeout: .seconds(30)) { try await statusInbox().count == 4 && (try statusWebhooks()).count == 4 })
        try await Task.sleep(for: .milliseconds(500))
        let inbox = try await statusInbox(), webhooks = try statusWebhooks()
        #expect(inbox.count == 4 && webhooks.count == 4, "nothing doubled")
        #expect(Set(webhooks.map(\.id)).count == 4 && Set(webhooks.map(\.body)) == Set(inbox.map(\.body)))
        #expect(inbox.map(\.subject).compactMap { $0 } == ["Status \(number): Selesai", "Status \(number): Disetujui",
                                                           "Status \(number): Diproses", "Status \(number): Terverifikasi"])
        #expect(webhooks.allSatisfy { $0.to == "+6281234560001" && $0.channel == "sms" })
        let all: InboxPage = try await call("notifications.inbox", InboxRequest(page_size: 50), token: token)
        let kinds = all.items.filter { $0.reference == number }.map(\.kind)
        #expect(kinds.filter { $0 == "application.submitted" }.count == 1, "the receipt")
        #expect(kinds.filter { $0 == "survey.invitation" }.count == 1, "the survey invitation after completion")

        for child in children.reversed() {
            let status = await child.stop()
            if child.name.hasPrefix("mpp-notif") { #expect(status == 0, "\(child.name) stops cleanly") }
        }
        await stack.rpc.shutdown()
        await registry.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
