import Foundation

/// One application's SLA clock, counted in working time: it starts at submission, pauses while
/// the application waits on the citizen, resumes on resubmission and stops at a terminal state.
/// Pure: the same inputs give the same deadline.
public struct SLAClock: Sendable, Hashable, Codable {
    public enum Phase: String, Sendable, Codable {
        case running, paused, stopped
    }

    /// Working seconds allowed.
    public let budget: Int
    /// Working seconds used before `since`.
    public private(set) var consumed: Int
    public private(set) var phase: Phase
    /// When the current phase began.
    public private(set) var since: Date

    public init(start: Date, budget: Int) {
        self.budget = budget
        consumed = 0
        phase = .running
        since = start
    }

    /// Working seconds used up to `now`.
    public func used(at now: Date, calendar: BusinessCalendar) -> Int {
        phase == .running ? consumed + calendar.workingSeconds(from: since, to: now) : consumed
    }

    /// When the budget runs out, if the clock keeps running; nil while paused or stopped.
    public func deadline(calendar: BusinessCalendar) -> Date? {
        guard phase == .running else { return nil }
        return calendar.instant(after: since, workingSeconds: max(0, budget - consumed))
    }

    /// When `share` (0…1) of the budget is used, if the clock keeps running.
    public func instant(whenShareUsed share: Double, calendar: BusinessCalendar) -> Date? {
        guard phase == .running else { return nil }
        let target = Int((Double(budget) * share).rounded(.up))
        return calendar.instant(after: since, workingSeconds: max(0, target - consumed))
    }

    /// Waiting on the citizen: time stops counting.
    public mutating func pause(at now: Date, calendar: BusinessCalendar) {
        guard phase == .running else { return }
        consumed = used(at: now, calendar: calendar)
        phase = .paused
        since = now
    }

    /// Back with the office (resubmitted).
    public mutating func resume(at now: Date) {
        guard phase == .paused else { return }
        phase = .running
        since = now
    }

    /// A terminal state: the clock stops for good.
    public mutating func stop(at now: Date, calendar: BusinessCalendar) {
        guard phase != .stopped else { return }
        consumed = used(at: now, calendar: calendar)
        phase = .stopped
        since = now
    }

    /// Whether `now` is past the deadline (a stopped clock: whether it used more than its budget).
    public func isLate(at now: Date, calendar: BusinessCalendar) -> Bool {
        guard let deadline = deadline(calendar: calendar) else { return consumed > budget }
        return now > deadline
    }
}
