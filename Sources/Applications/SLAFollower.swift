import Bus
import Domain
import Foundation
import Store
import Support

/// Applies the `sla` service's events (consumer `queue`, each in one transaction with the
/// cursor): the due time and late flag the queues are ordered by, and the workflow's automatic
/// action when the SLA expires (`sla.expired`), taken at most once, as `system`.
extension ApplicationsService {
    func applySLA(_ db: Database, _ delivered: DeliveredEvent) throws {
        let event = delivered.event
        switch delivered.topic {
        case "sla.deadline_set":
            let data = try event.decodeData(SLAEvents.DeadlineSet.self)
            let due = data.deadline.flatMap(Timestamp.parse).map { SQLValue($0.timeIntervalSince1970) } ?? .null
            try db.run("UPDATE applications SET due_at = ?, sla_paused = ? WHERE tracking_number = ?",
                       [due, SQLValue(data.paused), .text(data.tracking_number)])
        case "sla.warning":
            let data = try event.decodeData(SLAEvents.Fact.self)
            try db.run("UPDATE applications SET warned_at = COALESCE(warned_at, ?) WHERE tracking_number = ?",
                       [.text(data.at), .text(data.tracking_number)])
        case "sla.breached", "sla.missed":
            let data = try event.decodeData(SLAEvents.Fact.self)
            try db.run("UPDATE applications SET late = 1, breached_at = COALESCE(breached_at, ?) WHERE tracking_number = ?",
                       [.text(data.at), .text(data.tracking_number)])
        case "sla.expired":
            try expire(db, try event.decodeData(SLAEvents.Expired.self), traceID: event.traceid, seq: delivered.seq)
        default:
            break
        }
    }

    /// Takes the automatic action if the application still waits in one of the rule's states.
    private func expire(_ db: Database, _ expired: SLAEvents.Expired, traceID: String?, seq: Int64) throws {
        guard let record = try Records.application(db, trackingNumber: expired.tracking_number) else { return }
        let definition = try definition(db, record)
        var flow = workflow(record, definition)
        guard case .transitioned(let change)? = try? flow.handle(.slaExpired(action: expired.action)) else {
            host.logger.info("sla.expired ignored: application moved on",
                             ["tracking_number": .string(record.trackingNumber), "state": .string(record.state)])
            return
        }
        _ = try recordTransition(db, record, change, requestKey: "sla.expired/\(seq)", time: host.clock.now(), traceID: traceID)
    }
}
