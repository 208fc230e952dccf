import Bus
import Foundation
import ServiceKit
import Store
import Support

/// The notifications service: follows applications, sla and identity with durable cursors,
/// turns their events into inbox entries and delivery jobs (rules × preferences × templates),
/// leases jobs to notify workers and keeps every attempt. Methods in
/// services/notifications/README.md.
public final class NotificationsService: Sendable {
    public static let name = "notifications"
    public static let migrations = NotificationsSchema.migrations

    let host: ServiceHost
    let settings: NotificationsSettings
    let templates = TemplateBook()
    let writer: NotificationWriter
    let queue: JobQueue

    public init(host: ServiceHost, settings: NotificationsSettings = NotificationsSettings()) async throws {
        self.host = host
        self.settings = settings
        writer = NotificationWriter(rules: NotificationRules(surveyStates: settings.surveyStates), templates: templates,
                                    defaultChannels: settings.defaultChannels, metrics: host.metrics)
        queue = JobQueue(policy: settings.policy, limits: ChannelRateLimits(perSecond: settings.rates), stream: host.configuration.stream)
        let now = host.clock.now().timeIntervalSince1970, templates = templates
        try await host.store.write { db in
            try TemplateBook.seed(db, now: now)
            try templates.load(db)
        }
        registerInbox()
        registerTemplates()
        registerJobs()
        host.hold(self)
    }

    /// Follows identity (keys, and registrations), applications and sla, then serves.
    public func start() async throws {
        try await host.auth.followIdentity(host: host)
        for (service, topics) in NotificationRules.subscriptions {
            let writer = writer, clock = host.clock, metrics = host.metrics
            _ = try await host.subscribe(to: service, consumer: "notifications", topics: topics) { db, event in
                let applied = try writer.apply(db, event, now: clock.now().timeIntervalSince1970)
                metrics.increment("notifications.inbox_created", by: applied.inbox)
                metrics.increment("notifications.jobs_created", by: applied.jobs)
            }
        }
        try await host.start()
    }

    /// The caller's verified claims, or `unauthenticated`.
    func claims(_ context: RequestContext) throws -> AccessClaims { try host.auth.claims(context) }

    /// Workers: in CURVE mode only allow-listed worker keys; in plain mode (one trusted host,
    /// no network exposure) every caller is trusted, as with every other plain-mode socket.
    func requireWorker(_ context: RequestContext) throws {
        guard host.configuration.curve else { return }
        guard let caller = context.caller, settings.workerKeys.contains(caller) else {
            throw RPCError(.permissionDenied, "hanya notify worker yang boleh mengambil tugas (only notify workers may claim jobs)",
                           details: ["caller": .string(context.caller ?? "anonymous")])
        }
    }

    var now: Date { host.clock.now() }
}

/// Page sizes of the list methods.
extension Paging.Sizes {
    static let inbox = Paging.Sizes(standard: 20, maximum: 200)
    static let deadLetters = Paging.Sizes(standard: 50, maximum: 200)
    static let templates = Paging.Sizes(standard: 200, maximum: 200)
}

/// RFC 3339 for a stored time in seconds.
func timestamp(_ seconds: Double?) -> String? {
    seconds.map { Timestamp.format(Date(timeIntervalSince1970: $0)) }
}
