import Bus
import Foundation
import Notifications
import NotifyWorker
import ServiceKit
import Support
import Testing

/// Two lanes: a bulk run of 10,000 survey invitations does not delay a status alert queued
/// behind it by more than the one batch a worker already holds.
@Suite struct BulkLaneTests {
    @Test func tenThousandSurveyInvitationsDoNotDelayAStatusAlertBeyondOneBatch() async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let platform = try await TestPlatform.start()
        let settings = NotificationsSettings(defaultChannels: [.inbox, .log], rates: ["webhook": 100_000, "sendmail": 10, "log": 100_000])
        let service = try await platform.notifications(settings: settings)
        let citizens = 10_000
        for start in stride(from: 0, to: citizens, by: 1_000) {
            try await platform.publish(platform.applications, "application.status_changed", (start..<(start + 1_000)).map {
                Events.statusChanged("MPP-BULK-\($0)", citizen: "bulk-\($0)", from: "approved", to: "completed")
            })
        }
        // Each completion: a status alert (transactional) and a survey invitation (bulk), on the log channel.
        #expect(try await eventually(timeout: .seconds(180)) { try await service.count("SELECT COUNT(*) AS n FROM jobs") == 2 * citizens })
        let sink = try #require(FileHandle(forWritingAtPath: "/dev/null"))
        let logger = Logger(service: "worker", level: .warning, sink: .memory())

        // A transactional-only worker sends the alerts; the 10,000 invitations stay queued.
        let alertsOnly = WorkerConfiguration(name: "alerts", lanes: ["transactional"], channels: ["log"], batch: 200, concurrency: 32, pollMilliseconds: 20)
        let first = NotifyWorker(configuration: alertsOnly, client: platform.stack.client, channels: ["log": LogChannel(output: sink)], logger: logger)
        let firstRun = Task { await first.run() }
        #expect(try await eventually(timeout: .seconds(180)) {
            try await service.count("SELECT COUNT(*) AS n FROM jobs WHERE lane = 0 AND state = 'delivered'") == citizens
        })
        first.stop()
        await firstRun.value
        #expect(try await service.count("SELECT COUNT(*) AS n FROM jobs WHERE lane = 1 AND state = 'pending'") == citizens)

        // A worker on both lanes works through the bulk run; a status alert is queued behind it.
        let batch = 100, concurrency = 16
        let both = WorkerConfiguration(name: "both", channels: ["log", "webhook"], batch: batch, concurrency: concurrency, pollMilliseconds: 20,
                                       webhookURL: HTTPAddress(receiver.url), webhookSecret: "0123456789abcdef")
        var channels = both.makeChannels()
        channels["log"] = LogChannel(output: sink)
        let second = NotifyWorker(configuration: both, client: platform.stack.client, channels: channels, logger: logger)
        let _: Preferences = try await call(platform.stack.rpc, service.rpc, "notifications.preferences.set",
                                            SetPreferences(channels: ["sms"], phone: "081277778888"), token: platform.token("alert-citizen"), key: "p")
        let secondRun = Task { await second.run() }
        #expect(try await eventually(timeout: .seconds(120)) {
            try await service.count("SELECT COUNT(*) AS n FROM jobs WHERE lane = 1 AND state = 'delivered'") >= 1_000
        })
        try await platform.publish(platform.applications, "application.status_changed",
                                   [Events.statusChanged("MPP-ALERT", citizen: "alert-citizen", from: "processing", to: "approved")])
        let alert = "SELECT j.notification FROM jobs j JOIN notifications n ON n.id = j.notification WHERE n.reference = 'MPP-ALERT'"
        #expect(try await eventually(timeout: .seconds(60)) {
            try await service.count("SELECT COUNT(*) AS n FROM jobs WHERE state = 'delivered' AND notification = (\(alert))") == 1
        })
        second.stop()
        await secondRun.value

        let times = try await service.host.store.read { db in
            try db.queryOne("""
                SELECT n.created_at, a.claimed_at, a.finished_at FROM notifications n JOIN attempts a ON a.notification = n.id
                WHERE n.id = (\(alert)) AND a.attempt = 1
                """)
        }
        let created = try #require(times?.double("created_at")), claimed = try #require(times?.double("claimed_at"))
        let finished = try #require(times?.double("finished_at"))
        let bulkClaimedMeanwhile = try await service.count("""
            SELECT COUNT(*) AS n FROM attempts a JOIN jobs j ON j.notification = a.notification
            WHERE j.lane = 1 AND a.claimed_at > ? AND a.claimed_at < ?
            """, [.real(created), .real(claimed)])
        // The pace of the bulk run just before the alert: how long one batch takes.
        let bulkPerSecond = Double(try await service.count("""
            SELECT COUNT(*) AS n FROM attempts a JOIN jobs j ON j.notification = a.notification
            WHERE j.lane = 1 AND a.claimed_at > ? AND a.claimed_at <= ?
            """, [.real(created - 1), .real(created)]))
        let oneBatch = Double(batch) / max(bulkPerSecond, 1)
        let bulkLeft = try await service.count("SELECT COUNT(*) AS n FROM jobs WHERE lane = 1 AND state = 'pending'")
        #expect(bulkClaimedMeanwhile == 0, "the first claim after the alert was queued takes the alert first")
        #expect(finished - created <= max(1, 3 * oneBatch),
                "the alert waited \(finished - created) s; one batch of bulk takes \(oneBatch) s (\(bulkPerSecond)/s)")
        #expect(bulkLeft >= 1_000, "the alert did not wait for the bulk run (\(bulkLeft) invitations still queued)")
        #expect(receiver.requests.count == 1)
        await service.stop()
        await platform.stop()
    }
}
