import Bus
import Domain
import Foundation
import Store
import Support

/// Publishes a tracker's outputs as `sla.*` events, in the caller's transaction, so a fact and
/// the clock state that produced it commit together: each fact exactly once.
struct FactWriter: Sendable {
    let stream: String
    /// The service's clock: events are stamped with its time (a test clock in tests).
    let clock: any Support.Clock

    func write(_ outputs: [SLATracker.Output], for record: ClockRecord, calendar: BusinessCalendar,
               _ db: Database, traceID: String?) throws {
        for output in outputs {
            switch output {
            case .deadlineSet(let deadline):
                try append(db, "sla.deadline_set", SLAEvents.DeadlineSet(
                    tracking_number: record.trackingNumber, deadline: deadline.map(Timestamp.format),
                    paused: record.tracker.clock.phase == .paused), record, traceID)
            case .warning(let at):
                try append(db, "sla.warning", fact(record, at: at, calendar: calendar), record, traceID)
            case .breached(let at):
                try append(db, "sla.breached", fact(record, at: at, calendar: calendar), record, traceID)
            case .escalated(let rung, let role, let at):
                var data = fact(record, at: at, calendar: calendar)
                data.rung = rung
                data.role = role
                try append(db, "sla.escalated", data, record, traceID)
            case .expiryAction(let action, let at):
                try append(db, "sla.expired", SLAEvents.Expired(tracking_number: record.trackingNumber, action: action,
                                                                 at: Timestamp.format(at)), record, traceID)
            case .met(_, let at):
                try append(db, "sla.met", fact(record, at: at, calendar: calendar), record, traceID)
            case .missed(_, let at):
                try append(db, "sla.missed", fact(record, at: at, calendar: calendar), record, traceID)
            }
        }
    }

    private func fact(_ record: ClockRecord, at: Date, calendar: BusinessCalendar) -> SLAEvents.Fact {
        SLAEvents.Fact(tracking_number: record.trackingNumber, citizen: record.citizen, service: record.service,
                       region: record.region, agency: record.agency, claimed_by: record.claimedBy, at: Timestamp.format(at),
                       deadline: record.tracker.lastDeadline.map(Timestamp.format),
                       budget_used: (record.tracker.budgetUsed(at: at, calendar: calendar) * 1000).rounded() / 1000)
    }

    private func append<Payload: Encodable>(_ db: Database, _ type: String, _ data: Payload, _ record: ClockRecord, _ traceID: String?) throws {
        try Outbox.append(db, stream: stream, type: type, data: data, time: clock.now(), traceID: traceID, subject: record.trackingNumber)
    }
}
