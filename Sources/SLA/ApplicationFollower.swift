import Bus
import Domain
import Foundation
import Store
import Support

/// Applies the applications service's events to the clocks, in the subscriber's transaction:
/// a clock starts at `application.submitted`, follows `application.status_changed`, and SKM
/// answers (`survey.submitted`) are kept for the reports.
struct ApplicationFollower: Sendable {
    let calendars: CalendarBook
    let policies: PolicyBook
    let facts: FactWriter
    let clock: any Support.Clock

    func apply(_ db: Database, _ delivered: DeliveredEvent) throws {
        switch delivered.topic {
        case "application.submitted":
            try submitted(db, try delivered.event.decodeData(ApplicationEvents.Submitted.self), trace: delivered.event.traceid)
        case "application.status_changed":
            try changed(db, try delivered.event.decodeData(ApplicationEvents.StatusChanged.self), trace: delivered.event.traceid)
        case "survey.submitted":
            let survey = try delivered.event.decodeData(ApplicationEvents.SurveySubmitted.self)
            try db.run("INSERT OR IGNORE INTO surveys (tracking_number, service, region, site, agency, scores, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [.text(survey.tracking_number), .text(survey.service), .text(survey.region), SQLValue(survey.site),
                        .text(survey.agency), .text(survey.scores.map(String.init).joined(separator: ",")),
                        .real(Timestamp.parse(survey.time)?.timeIntervalSince1970 ?? clock.now().timeIntervalSince1970)])
        default:
            return
        }
    }

    private func submitted(_ db: Database, _ event: ApplicationEvents.Submitted, trace: String?) throws {
        guard try ClockRecord.load(db, event.tracking_number) == nil else { return }
        let calendar = calendars.calendar(for: event.region)
        let at = Timestamp.parse(event.submitted_at) ?? clock.now()
        let expiry = event.on_sla_expiry.map { ExpiryRule(fromStates: Set($0.from), action: $0.action) }
        var record = ClockRecord(
            trackingNumber: event.tracking_number, citizen: event.citizen, service: event.service, region: event.region,
            site: event.site, agency: event.agency, claimedBy: nil,
            tracker: SLATracker(submittedAt: at, budget: calendar.budget(of: event.sla),
                                policy: policies.policy(for: event.region, calendar: calendar), expiry: expiry, state: event.state))
        let outputs = record.tracker.handle(.tick(at), calendar: calendar)
        try record.save(db, calendar: calendar, now: at)
        try facts.write(outputs, for: record, calendar: calendar, db, traceID: trace)
    }

    private func changed(_ db: Database, _ event: ApplicationEvents.StatusChanged, trace: String?) throws {
        guard var record = try ClockRecord.load(db, event.tracking_number), !record.tracker.isFinished else { return }
        let calendar = calendars.calendar(for: record.region)
        // Never move a clock backwards: a transition reported late counts from the clock's last change.
        let at = max(Timestamp.parse(event.time) ?? clock.now(), record.tracker.clock.since)
        record.claimedBy = event.claimed_by
        let outputs = record.tracker.handle(.transition(state: event.to, paused: event.paused, terminal: event.terminal, at: at),
                                            calendar: calendar)
        try record.save(db, calendar: calendar, now: at)
        try facts.write(outputs, for: record, calendar: calendar, db, traceID: trace)
    }
}
