import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// The SLA monitor: follows every application through its events, knows each one's deadline in
/// working time, warns, detects breaches, escalates, asks for automatic actions at expiry, and
/// reports performance per MPP, agency and service.
public final class SLAService: Sendable {
    public static let name = "sla"
    public static let migrations = SLASchema.migrations

    public let host: ServiceHost
    let calendars = CalendarBook()
    let policies = PolicyBook()
    let testClock: TestClock?
    let ticker: DeadlineTicker
    let tickInterval: Duration

    /// - Parameter testClock: the service's clock when started in test mode (`MPP_SLA_TEST_CLOCK=on`).
    public init(host: ServiceHost, testClock: TestClock? = nil, tickInterval: Duration = .milliseconds(500)) async throws {
        self.host = host
        self.testClock = testClock
        self.tickInterval = tickInterval
        ticker = DeadlineTicker(store: host.store, calendars: calendars, facts: FactWriter(stream: host.configuration.stream, clock: host.clock), batch: 500)
        let now = host.clock.now()
        let calendars = calendars, policies = policies
        try await host.store.write { db in
            try CalendarBook.seed(db, now: now)
            try calendars.load(db)
            try policies.load(db)
        }
        if let testClock { try await testClock.restore(from: host.store) }
        registerQueries()
        registerReports()
        registerCalendars()
        registerPolicies()
        host.hold(self)
    }

    /// Follows identity and applications, starts serving and the deadline ticker.
    public func start() async throws {
        try await host.auth.followIdentity(host: host)
        let follower = ApplicationFollower(calendars: calendars, policies: policies, facts: FactWriter(stream: host.configuration.stream, clock: host.clock),
                                           clock: host.clock)
        _ = try await host.subscribe(to: "applications", consumer: "sla-clocks", topics: ["application.", "survey."]) { db, event in
            try follower.apply(db, event)
        }
        let calendars = calendars, clock = host.clock
        await host.setHealthWarnings { calendars.coverageWarnings(now: clock.now()) }
        try await host.start()
        // First tick at once: after downtime, every missed deadline is found now, with its true time.
        try await tick()
        let task = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                try? await Task.sleep(for: self.tickInterval)
                do { try await self.tick() } catch { self.host.logger.error("tick failed", ["error": .string("\(error)")]) }
            }
        }
        host.onShutdown { task.cancel() }
    }

    /// Fires everything due now.
    @discardableResult
    func tick() async throws -> Int {
        let handled = try await ticker.tick(now: host.clock.now())
        if handled > 0 { host.metrics.increment("sla.clocks_ticked", by: handled) }
        return handled
    }
}
