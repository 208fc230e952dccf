import Domain
import Foundation
import Store
import Support

/// An open application brought in from outside the event stream (migration from a legacy
/// system, load tests): its clock starts as if submitted at `submittedAt`.
public struct ImportedClock: Sendable {
    public var trackingNumber: String
    public var citizen: String
    public var service: String
    public var region: String
    public var agency: String
    public var sla: SLA
    public var submittedAt: Date

    public init(trackingNumber: String, citizen: String, service: String, region: String, agency: String, sla: SLA, submittedAt: Date) {
        self.trackingNumber = trackingNumber
        self.citizen = citizen
        self.service = service
        self.region = region
        self.agency = agency
        self.sla = sla
        self.submittedAt = submittedAt
    }
}

extension SLAService {
    /// Imports open clocks in one transaction per call (existing tracking numbers are skipped).
    /// Facts already due are published by the next tick, with their true times.
    public func importOpenClocks(_ clocks: [ImportedClock]) async throws {
        let calendars = calendars, policies = policies
        try await host.store.write { db in
            for clock in clocks {
                let calendar = calendars.calendar(for: clock.region)
                let record = ClockRecord(
                    trackingNumber: clock.trackingNumber, citizen: clock.citizen, service: clock.service, region: clock.region,
                    site: nil, agency: clock.agency, claimedBy: nil,
                    tracker: SLATracker(submittedAt: clock.submittedAt, budget: calendar.budget(of: clock.sla),
                                        policy: policies.policy(for: clock.region, calendar: calendar), expiry: nil))
                guard try db.queryOne("SELECT 1 AS x FROM clocks WHERE tracking_number = ?", [.text(clock.trackingNumber)]) == nil else { continue }
                try record.save(db, calendar: calendar, now: clock.submittedAt)
            }
        }
    }

    /// Fires everything due now and returns how many clocks were handled (the periodic tick does
    /// the same every `MPP_SLA_TICK_MS`).
    @discardableResult
    public func processDue() async throws -> Int { try await tick() }
}
