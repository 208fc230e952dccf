import Bus
import Foundation
import Notifications
import NotifyWorker
import ServiceKit
import Support
import Testing

/// End to end with the real `mpp-notifications` and `mpp-notify-worker` executables, a real
/// local HTTP receiver, and events published through the real event protocol.
@Suite(.serialized) struct ProcessTests {
    static let secret = "webhook-secret-for-tests"

    /// The environment of a notifications child with fast retries.
    static func notificationsEnvironment(_ platform: TestPlatform, data: String) -> [String: String] {
        ["MPP_DATA": data, "MPP_KEYS": TestPlatform.keysFolder(platform.folder), "MPP_REGISTRY": platform.registryEndpoint,
         "MPP_RPC_PORT": "0", "MPP_EVENTS_PORT": "0",
         "MPP_LEASE_MS": "1000", "MPP_DRAIN_SECONDS": "1", "MPP_LOG_LEVEL": "info",
         "MPP_NOTIFY_RETRY_INITIAL_MS": "100", "MPP_NOTIFY_RETRY_MAX_MS": "200", "MPP_NOTIFY_MAX_ATTEMPTS": "3"]
    }

    static func workerEnvironment(_ platform: TestPlatform, receiver: HTTPReceiver, name: String, leaseMilliseconds: Int = 10_000) -> [String: String] {
        ["MPP_REGISTRY": platform.registryEndpoint, "MPP_WEBHOOK_URL": receiver.url, "MPP_WEBHOOK_SECRET": secret,
         "MPP_WORKER_CHANNELS": "webhook", "MPP_WORKER_POLL_MS": "20", "MPP_WORKER_LEASE_MS": "\(leaseMilliseconds)",
         "MPP_WORKER_NAME": name, "MPP_LOG_LEVEL": "info"]
    }

    /// Calls the notifications service wherever the registry says it runs.
    static func call<Body: Encodable & Sendable, Result: Decodable & Sendable>(
        _ platform: TestPlatform, _ method: String, _ body: Body, token: String?, as: Result.Type = Result.self
    ) async throws -> Result {
        try await platform.stack.client.call(method, body, as: Result.self,
                                             options: CallOptions(token: token, idempotencyKey: UUID().uuidString, timeout: .seconds(1)))
    }

    /// Waits until the child serves authenticated calls (registered, keys fetched from identity).
    static func waitUntilServing(_ platform: TestPlatform, _ child: ChildProcess) async throws {
        let ready = await eventually(timeout: .seconds(30)) {
            let reply = try? await call(platform, "notifications.unread", Empty(), token: platform.token("probe"), as: UnreadCount.self)
            return reply != nil || !child.isRunning
        }
        guard ready, child.isRunning else { throw RPCError(.unavailable, "\(child.name) did not come up:\n\(child.log)") }
    }

    static func status(_ platform: TestPlatform, _ id: String) async throws -> NotificationStatus {
        try await call(platform, "notifications.status", StatusRequest(id: Int64(id) ?? 0), token: platform.token("ops", .ops))
    }

    static func events(_ platform: TestPlatform) async throws -> [EventsReadReply.Item] {
        guard let instance = await platform.stack.directory.instances(of: "notifications").last else { return [] }
        let outcome = try await platform.stack.rpc.send(to: instance.rpc, method: "events.read",
                                                        body: try JSON.encode(EventsReadRequest(after: 0, limit: 1_000)))
        return try EventsReadReply(bytes: outcome.body).events
    }

    @Test func eachStatusChangeIsOneInboxEntryAndOneWebhookWithRetriesAndFailures() async throws {
        let receiver = try HTTPReceiver()
        let platform = try await TestPlatform.start()
        let service = try ChildProcess("mpp-notifications", environment: Self.notificationsEnvironment(platform, data: platform.folder + "/n"),
                                       folder: platform.folder)
        let worker = try ChildProcess("mpp-notify-worker", environment: Self.workerEnvironment(platform, receiver: receiver, name: "worker-e2e"),
                                      folder: platform.folder)
        defer { service.kill(); worker.kill(); receiver.stop() }
        try await Self.waitUntilServing(platform, service)
        let citizen = platform.token("c-1")
        let _: Preferences = try await Self.call(platform, "notifications.preferences.set", SetPreferences(channels: ["sms"], phone: "081200001111"),
                                                 token: citizen)

        // Three status changes: three inbox entries, three webhook deliveries, one each.
        let steps = [("submitted", "verified"), ("verified", "processing"), ("processing", "approved")]
        try await platform.publish(platform.applications, "application.status_changed",
                                   steps.map { Events.statusChanged("MPP-E1", citizen: "c-1", from: $0.0, to: $0.1) })
        #expect(await eventually { receiver.requests.count >= 3 })
        let inbox: InboxPage = try await Self.call(platform, "notifications.inbox", InboxRequest(), token: citizen)
        #expect(inbox.total == 3)
        let requests = receiver.requests
        #expect(requests.count == 3 && Set(requests.compactMap(\.notificationID)).count == 3)
        let payloads = try requests.map { try JSON.decode(WebhookChannel.Payload.self, from: $0.body) }
        #expect(Set(payloads.map(\.body)) == Set(inbox.items.map(\.body)), "the same texts, once each")
        #expect(payloads.allSatisfy { $0.to == "+6281200001111" && $0.channel == "sms" })
        #expect(requests.allSatisfy { $0.headers["x-mpp-signature"] == WebhookChannel.signature($0.body, secret: Array(Self.secret.utf8)) })

        // 500, 500, 200: three attempts, one `delivered`.
        receiver.script([.status(500), .status(500), .status(200)])
        try await platform.publish(platform.applications, "application.status_changed",
                                   [Events.statusChanged("MPP-E1", citizen: "c-1", from: "approved", to: "revision_requested")])
        #expect(await eventually { receiver.requests.count >= 6 })
        let retried = try #require(receiver.requests.last?.notificationID)
        #expect(receiver.requests.suffix(3).allSatisfy { $0.notificationID == retried })
        #expect(try await eventually { try await Self.status(platform, retried).state == "delivered" })
        let delivered = try await Self.status(platform, retried)
        #expect(delivered.attempts == 3 && delivered.history.map(\.outcome) == ["temporary_failure", "temporary_failure", "delivered"])
        #expect(delivered.history.allSatisfy { $0.worker == "worker-e2e" })

        // 400: failed at once, no retry, a dead letter and `notification.failed`.
        receiver.script([.status(400)])
        try await platform.publish(platform.applications, "application.status_changed",
                                   [Events.statusChanged("MPP-E1", citizen: "c-1", from: "revision_requested", to: "rejected")])
        #expect(await eventually { receiver.requests.count >= 7 })
        let refused = try #require(receiver.requests.last?.notificationID)
        #expect(try await eventually { try await Self.status(platform, refused).state == "failed" })
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.requests.count == 7, "a 4xx is not retried")
        let failed = try await Self.status(platform, refused)
        #expect(failed.attempts == 1 && failed.history.map(\.outcome) == ["permanent_failure"])
        let letters: DeadLetters = try await Self.call(platform, "notifications.dead_letters.list", ListDeadLetters(), token: platform.token("ops", .ops))
        #expect(letters.items.map { String($0.id) } == [refused])

        let events = try await Self.events(platform)
        #expect(events.filter { $0.topic == "notification.delivered" }.count == 4)
        #expect(events.filter { $0.topic == "notification.failed" }.map { $0.event.subject } == [refused])
        let final: InboxPage = try await Self.call(platform, "notifications.inbox", InboxRequest(), token: citizen)
        #expect(final.total == 5, "five status changes, five inbox entries")

        #expect(await worker.stop() == 0, "a worker stops cleanly on SIGTERM:\n\(worker.log)")
        #expect(await service.stop() == 0)
        await platform.stop()
    }

    @Test func aWorkerKilledMidDeliveryLeavesTheJobToAnother() async throws {
        let receiver = try HTTPReceiver(script: [.hold, .status(200)])
        let platform = try await TestPlatform.start()
        let service = try ChildProcess("mpp-notifications", environment: Self.notificationsEnvironment(platform, data: platform.folder + "/n"),
                                       folder: platform.folder)
        let first = try ChildProcess("mpp-notify-worker", environment: Self.workerEnvironment(platform, receiver: receiver, name: "worker-one",
                                                                                                leaseMilliseconds: 1_500), folder: platform.folder)
        defer { service.kill(); first.kill(); receiver.stop() }
        try await Self.waitUntilServing(platform, service)
        let _: Preferences = try await Self.call(platform, "notifications.preferences.set", SetPreferences(channels: ["whatsapp"], phone: "081200002222"),
                                                 token: platform.token("c-2"))
        try await platform.publish(platform.applications, "application.status_changed", [Events.statusChanged("MPP-K1", citizen: "c-2")])
        #expect(await eventually { receiver.requests.count == 1 }, "worker-one is mid-delivery")
        let id = try #require(receiver.requests.first?.notificationID)
        first.kill()

        let second = try ChildProcess("mpp-notify-worker", environment: Self.workerEnvironment(platform, receiver: receiver, name: "worker-two",
                                                                                                 leaseMilliseconds: 1_500), folder: platform.folder)
        defer { second.kill() }
        #expect(try await eventually { try await Self.status(platform, id).state == "delivered" })
        let status = try await Self.status(platform, id)
        #expect(status.history.map(\.worker) == ["worker-one", "worker-two"])
        #expect(status.history.map(\.outcome) == ["lease_expired", "delivered"])
        #expect(receiver.requests.map(\.notificationID) == [id, id], "the same id both times: the receiver can deduplicate")
        #expect(try await Self.events(platform).filter { $0.topic == "notification.delivered" }.count == 1)
        receiver.release()
        await second.stop()
        await service.stop()
        await platform.stop()
    }

    @Test func theServiceKilledDuringAThousandStatusChangesCatchesUpWithoutDoubles() async throws {
        let platform = try await TestPlatform.start()
        let data = platform.folder + "/n"
        let first = try ChildProcess("mpp-notifications", environment: Self.notificationsEnvironment(platform, data: data), folder: platform.folder)
        defer { first.kill() }
        try await Self.waitUntilServing(platform, first)
        let citizens = (0..<10).map { "c-\($0)" }
        @Sendable func total() async -> Int {
            var sum = 0
            for citizen in citizens {
                let page = try? await Self.call(platform, "notifications.inbox", InboxRequest(page_size: 1), token: platform.token(citizen),
                                                as: InboxPage.self)
                sum += page?.total ?? 0
            }
            return sum
        }
        var published = 0
        for batch in 0..<20 {
            try await platform.publish(platform.applications, "application.status_changed", (0..<50).map { index in
                let number = batch * 50 + index
                return Events.statusChanged("MPP-\(number)", citizen: citizens[number % 10])
            })
            published += 50
            if batch == 5 {
                _ = await eventually(timeout: .seconds(10)) { await total() > 0 }
                let applied = await total()
                first.kill()
                #expect((1...300).contains(applied), "killed part way: \(applied) of 1000 applied")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(published == 1_000)
        let restarted = try ChildProcess("mpp-notifications", environment: Self.notificationsEnvironment(platform, data: data), folder: platform.folder)
        defer { restarted.kill() }
        try await Self.waitUntilServing(platform, restarted)
        #expect(await eventually(timeout: .seconds(60)) { await total() == 1_000 }, "all caught up:\n\(restarted.log.suffix(2_000))")
        for citizen in citizens {
            var references: [String] = []
            for page in 1...2 {
                let items: InboxPage = try await Self.call(platform, "notifications.inbox", InboxRequest(page: page, page_size: 100),
                                                           token: platform.token(citizen))
                references += items.items.compactMap(\.reference)
            }
            #expect(references.count == 100 && Set(references).count == 100, "\(citizen): none doubled, none lost")
        }
        await restarted.stop()
        await platform.stop()
    }
}
