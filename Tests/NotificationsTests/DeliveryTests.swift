import Bus
import Foundation
import Notifications
@testable import NotifyWorker
import ServiceKit
import Support
import Testing

/// The delivery queue through its own methods: leases, lost leases, retries, dead letters,
/// rate limits, and an in-process worker against a real local receiver.
@Suite struct DeliveryTests {
    static let fastRetries = NotificationsSettings(
        policy: DeliveryPolicy(maxAttempts: 3, backoff: Backoff(initial: 0.05, multiplier: 2, maximum: 0.2, jitter: 0.5)),
        rates: ["webhook": 10_000, "sendmail": 10_000, "log": 10_000])

    /// A citizen reachable by sms, and `count` status changes for them.
    static func queue(_ platform: TestPlatform, _ service: RunningNotifications, citizen: String = "c-1", count: Int = 1,
                      tracking: String = "MPP-D") async throws {
        let _: Preferences = try await call(platform.stack.rpc, service.rpc, "notifications.preferences.set",
                                            SetPreferences(channels: ["sms"], phone: "+6281234500000"), token: platform.token(citizen),
                                            key: "prefs-\(citizen)")
        try await platform.publish(platform.applications, "application.status_changed",
                                   (1...count).map { Events.statusChanged("\(tracking)\($0)", citizen: citizen) })
    }

    func claim(_ platform: TestPlatform, _ service: RunningNotifications, worker: String, max: Int = 10, lease: Int = 30_000,
               lanes: [Lane]? = nil) async throws -> [ClaimedJob] {
        let reply: ClaimedJobs = try await call(platform.stack.rpc, service.rpc, "notifications.jobs.claim",
                                                ClaimJobs(worker: worker, lanes: lanes, max: max, lease_ms: lease), key: UUID().uuidString)
        return reply.jobs
    }

    /// Claims until a job is due (a retry waits out its backoff).
    func claimSoon(_ platform: TestPlatform, _ service: RunningNotifications) async throws -> [ClaimedJob] {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let jobs = try await claim(platform, service, worker: "w")
            if !jobs.isEmpty { return jobs }
            try await Task.sleep(for: .milliseconds(20))
        }
        return []
    }

    func complete(_ platform: TestPlatform, _ service: RunningNotifications, _ job: ClaimedJob, _ outcome: DeliveryOutcome,
                  lease: String? = nil) async throws -> Outcome {
        try await send(platform.stack.rpc, service.rpc, "notifications.jobs.complete",
                       CompleteJob(job: job.job, lease: lease ?? job.lease, outcome: outcome, detail: "test"), key: UUID().uuidString)
    }

    func status(_ platform: TestPlatform, _ service: RunningNotifications, _ id: Int64) async throws -> NotificationStatus {
        try await call(platform.stack.rpc, service.rpc, "notifications.status", StatusRequest(id: id), token: platform.token("ops", .ops))
    }

    @Test func claimsAreCheckedAndLeased() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications(settings: Self.fastRetries)
        let client = platform.stack.rpc
        let bad = try await send(client, service.rpc, "notifications.jobs.claim",
                                 ClaimJobs(worker: "", lanes: [], channels: ["fax"], max: 0, lease_ms: 10), key: "bad")
        #expect(bad.error?.fields.keys.sorted() == ["channels[0]", "lanes", "lease_ms", "max", "worker"])
        let badLane = try await client.send(to: service.rpc, method: "notifications.jobs.claim",
                                            body: Array(#"{"worker":"w","lanes":["urgent"],"max":1,"lease_ms":1000}"#.utf8))
        #expect(badLane.error?.fields["lanes[0]"] != nil)
        #expect(try await claim(platform, service, worker: "w").isEmpty)

        try await Self.queue(platform, service, count: 2)
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM jobs") == 2 })
        let first = try await claim(platform, service, worker: "w-1", max: 1)
        #expect(first.count == 1)
        let job = try #require(first.first)
        #expect(job.attempt == 1 && job.channel == "webhook" && job.medium == "sms")
        #expect(job.to == "+6281234500000" && job.lane == .transactional && job.event_type == "application.status_changed")
        let second = try await claim(platform, service, worker: "w-2", max: 5)
        #expect(second.map(\.job) != first.map(\.job) && second.count == 1, "a leased job is nobody else's")
        #expect(try await claim(platform, service, worker: "w-3").isEmpty)

        let wrongLease = try await complete(platform, service, job, .temporaryFailure, lease: "not-the-lease")
        #expect(wrongLease.error?.code == .failedPrecondition)
        let unknown = try await send(client, service.rpc, "notifications.jobs.complete",
                                     CompleteJob(job: 424_242, lease: "x", outcome: .delivered, detail: nil), key: "u")
        #expect(unknown.error?.code == .notFound)
        let done = try await complete(platform, service, job, .delivered)
        #expect(try JSON.decode(JobState.self, from: done.body) == JobState(job: job.job, state: "delivered", attempts: 1))
        let twice = try await complete(platform, service, job, .delivered)
        #expect(try JSON.decode(JobState.self, from: twice.body).state == "delivered", "a repeated report changes nothing")
        let history = try await status(platform, service, job.job)
        #expect(history.state == "delivered" && history.history.map(\.outcome) == ["delivered"] && history.history[0].worker == "w-1")
        let citizenView = try await send(client, service.rpc, "notifications.status", StatusRequest(id: job.job), token: platform.token("c-1"))
        #expect(!citizenView.isError, "the recipient may see their own notification's status")
        let stranger = try await send(client, service.rpc, "notifications.status", StatusRequest(id: job.job), token: platform.token("c-2"))
        #expect(stranger.error?.code == .notFound)
        await service.stop()
        await platform.stop()
    }

    @Test func anExpiredLeaseReturnsTheJobAndLateReportsAreSorted() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications(settings: Self.fastRetries)
        try await Self.queue(platform, service)
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM jobs") == 1 })
        let held = try await claim(platform, service, worker: "slow", lease: 2_000)
        #expect(held.count == 1)
        #expect(try await claim(platform, service, worker: "fast").isEmpty, "still leased")
        // Once the lease has run out (polling: a loaded machine may be late), the job is claimable again.
        try await Task.sleep(for: .milliseconds(2_100))
        var retaken = try await claim(platform, service, worker: "fast")
        let patience = ContinuousClock.now + .seconds(15)
        while retaken.isEmpty && ContinuousClock.now < patience {
            try await Task.sleep(for: .milliseconds(100))
            retaken = try await claim(platform, service, worker: "fast")
        }
        try #require(retaken.count == 1 && held.count == 1, "the expired lease returned the job")
        #expect(retaken.map(\.job) == held.map(\.job) && retaken[0].attempt == 2 && retaken[0].lease != held[0].lease)

        let lateFailure = try await complete(platform, service, held[0], .temporaryFailure)
        #expect(lateFailure.error?.code == .failedPrecondition, "a failure under a lost lease is the new holder's business")
        let lateDelivery = try await complete(platform, service, held[0], .delivered)
        #expect(try JSON.decode(JobState.self, from: lateDelivery.body).state == "delivered", "a delivery that happened counts")
        let newHolder = try await complete(platform, service, retaken[0], .delivered)
        #expect(try JSON.decode(JobState.self, from: newHolder.body).state == "delivered")
        let history = try await status(platform, service, held[0].job)
        #expect(history.history.map(\.worker) == ["slow", "fast"] && history.history.map(\.outcome) == ["delivered", "delivered"])
        let events = try await outbox(platform, service)
        #expect(events.filter { $0.topic == "notification.delivered" }.count == 1, "delivered is published once")
        await service.stop()
        await platform.stop()
    }

    @Test func temporaryFailuresRetryWithBackoffThenDeadLetter() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications(settings: Self.fastRetries)
        try await Self.queue(platform, service)
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM jobs") == 1 })
        var outcomes: [String] = []
        for attempt in 1...3 {
            let jobs = try await claimSoon(platform, service)
            #expect(jobs.first?.attempt == attempt)
            let reply = try JSON.decode(JobState.self, from: try await complete(platform, service, try #require(jobs.first), .temporaryFailure).body)
            outcomes.append(reply.state)
            if attempt < 3 { #expect(reply.next_attempt_at != nil) }
        }
        #expect(outcomes == ["queued", "queued", "failed"])
        let ops = platform.token("ops", .ops)
        let letters: DeadLetters = try await call(platform.stack.rpc, service.rpc, "notifications.dead_letters.list", ListDeadLetters(), token: ops)
        #expect(letters.total == 1)
        let letter = try #require(letters.items.first)
        #expect(letter.attempts == 3 && letter.reason == "gave up after 3 attempts: test")
        let denied = try await send(platform.stack.rpc, service.rpc, "notifications.dead_letters.list", ListDeadLetters(), token: platform.token("c-1"))
        #expect(denied.error?.code == .permissionDenied)
        #expect(try await outbox(platform, service).map(\.topic) == ["notification.failed"])

        let requeued: Requeued = try await call(platform.stack.rpc, service.rpc, "notifications.dead_letters.retry",
                                                RetryDeadLetters(ids: [letter.id]), token: ops, key: "rq")
        #expect(requeued.requeued == 1)
        for attempt in 4...6 {
            let again = try await claimSoon(platform, service)
            #expect(again.first?.attempt == attempt, "the history goes on, with a fresh allowance of attempts")
            let reply = try JSON.decode(JobState.self, from: try await complete(platform, service, try #require(again.first), .temporaryFailure).body)
            #expect(reply.state == (attempt < 6 ? "queued" : "failed"))
        }
        #expect(try await status(platform, service, letter.id).history.count == 6)
        await service.stop()
        await platform.stop()
    }

    @Test func eachChannelHasItsRateLimit() async throws {
        let platform = try await TestPlatform.start()
        var settings = Self.fastRetries
        settings.rates["webhook"] = 5
        let service = try await platform.notifications(settings: settings)
        try await Self.queue(platform, service, count: 20)
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM jobs") == 20 })
        // What flows in between two claims depends on the time between them (a loaded machine is slow).
        func allowed(since start: ContinuousClock.Instant) -> Int { Int(Double((ContinuousClock.now - start).components.seconds) * 5
                                                                        + Double((ContinuousClock.now - start).components.attoseconds) / 2e17) + 1 }
        var start = ContinuousClock.now
        #expect(try await claim(platform, service, worker: "w", max: 100).count == 5, "the burst: one second's worth")
        let again = try await claim(platform, service, worker: "w", max: 100).count
        #expect(again <= allowed(since: start), "\(again) right after the burst")
        start = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(1_000))
        let refilled = try await claim(platform, service, worker: "w", max: 100).count
        #expect(refilled >= 4 && refilled <= min(5, allowed(since: start)), "about 5 more after a second, got \(refilled)")
        await service.stop()
        await platform.stop()
    }

    @Test func workerDeliversWithRetriesAndGivesUpOnA4xx() async throws {
        let receiver = try HTTPReceiver(script: [.status(500), .status(500), .status(200), .status(400)])
        defer { receiver.stop() }
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications(settings: Self.fastRetries)
        let configuration = WorkerConfiguration(name: "worker-a", channels: ["webhook"], batch: 10, concurrency: 4, leaseMilliseconds: 5_000,
                                                pollMilliseconds: 20, webhookURL: HTTPAddress(receiver.url), webhookSecret: "rahasia-sekali-123")
        let worker = NotifyWorker(configuration: configuration, client: platform.stack.client, channels: configuration.makeChannels(),
                                  logger: Logger(service: "worker", level: .warning, sink: .memory()))
        let running = Task { await worker.run() }

        try await Self.queue(platform, service, tracking: "MPP-R")
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM jobs WHERE state = 'delivered'") == 1 })
        let first = try await service.count("SELECT MIN(notification) AS n FROM jobs")
        let delivered = try await status(platform, service, Int64(first))
        #expect(delivered.attempts == 3 && delivered.history.map(\.outcome) == ["temporary_failure", "temporary_failure", "delivered"])
        #expect(delivered.history.map(\.detail) == [#"HTTP 500: {"status":500}"#, #"HTTP 500: {"status":500}"#, #"HTTP 200: {"status":200}"#])
        #expect(receiver.requests.count == 3 && Set(receiver.requests.compactMap(\.notificationID)) == [String(first)])
        for request in receiver.requests {
            #expect(request.headers["x-mpp-signature"] == WebhookChannel.signature(request.body, secret: Array("rahasia-sekali-123".utf8)))
            let payload = try JSON.decode(WebhookChannel.Payload.self, from: request.body)
            #expect(payload.to == "+6281234500000" && payload.channel == "sms" && payload.reference == "MPP-R1")
        }

        try await platform.publish(platform.applications, "application.status_changed", [Events.statusChanged("MPP-R2", citizen: "c-1")])
        #expect(try await eventually { try await service.count("SELECT COUNT(*) AS n FROM jobs WHERE state = 'failed'") == 1 })
        let failed = try await status(platform, service, Int64(try await service.count("SELECT MAX(notification) AS n FROM jobs")))
        #expect(failed.attempts == 1 && failed.history.map(\.outcome) == ["permanent_failure"] && failed.failure_reason?.contains("HTTP 400") == true)
        try await Task.sleep(for: .milliseconds(300))
        #expect(receiver.requests.count == 4, "no retry after a 4xx")
        #expect(try await outbox(platform, service).map(\.topic) == ["notification.delivered", "notification.failed"])
        worker.stop()
        await running.value
        #expect(worker.metrics.counter("worker.delivered") == 1 && worker.metrics.counter("worker.temporary_failure") == 2)
        await service.stop()
        await platform.stop()
    }

    func outbox(_ platform: TestPlatform, _ service: RunningNotifications) async throws -> [EventsReadReply.Item] {
        let outcome = try await send(platform.stack.rpc, service.rpc, "events.read", EventsReadRequest(after: 0, limit: 1_000))
        return try EventsReadReply(bytes: outcome.body).events
    }
}
