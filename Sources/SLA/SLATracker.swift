import Domain
import Foundation

/// Follows one application's SLA: turns status changes and the passing of time into the SLA
/// facts to publish — each exactly once and stamped with the true time it happened, even when
/// detected late (after downtime). Pure: `handle` is deterministic.
public struct SLATracker: Codable, Sendable, Hashable {
    public enum Input: Sendable {
        /// The application moved to `state` at `at`.
        case transition(state: String, paused: Bool, terminal: Bool, at: Date)
        /// Time has reached `now`.
        case tick(Date)
    }

    public enum Output: Sendable, Equatable {
        case deadlineSet(Date?)
        case warning(at: Date)
        case breached(at: Date)
        case escalated(rung: Int, role: String, at: Date)
        case expiryAction(action: String, at: Date)
        case met(usedSeconds: Int, at: Date)
        case missed(usedSeconds: Int, at: Date)
    }

    public private(set) var clock: SLAClock
    public private(set) var state: String
    public let submittedAt: Date
    public let policy: SLAPolicy
    public let expiry: ExpiryRule?
    public private(set) var warned = false
    public private(set) var breachedAt: Date?
    public private(set) var escalatedRungs: Set<Int> = []
    public private(set) var expiryActionTaken = false
    public private(set) var lastDeadline: Date?

    /// A clock started at submission.
    public init(submittedAt: Date, budget: Int, policy: SLAPolicy, expiry: ExpiryRule?, state: String = "submitted") {
        clock = SLAClock(start: submittedAt, budget: budget)
        self.submittedAt = submittedAt
        self.policy = policy
        self.expiry = expiry
        self.state = state
    }

    public var isFinished: Bool { clock.phase == .stopped }

    /// The outputs of `input`, in the order they happened.
    public mutating func handle(_ input: Input, calendar: BusinessCalendar) -> [Output] {
        switch input {
        case .tick(let now):
            return catchUp(to: now, calendar: calendar)
        case .transition(let newState, let paused, let terminal, let at):
            var outputs = catchUp(to: at, calendar: calendar)
            state = newState
            if terminal {
                clock.stop(at: at, calendar: calendar)
                let used = clock.used(at: at, calendar: calendar)
                outputs.append(used > clock.budget ? .missed(usedSeconds: used, at: at) : .met(usedSeconds: used, at: at))
            } else if paused {
                clock.pause(at: at, calendar: calendar)
            } else {
                clock.resume(at: at)
                // Moved into an auto-action state after the SLA already ran out: act now.
                if breachedAt != nil, let expiry, !expiryActionTaken, expiry.fromStates.contains(newState) {
                    expiryActionTaken = true
                    outputs.append(.expiryAction(action: expiry.action, at: at))
                }
            }
            outputs += deadlineChange(calendar: calendar)
            return outputs
        }
    }

    /// The next instant at which something will be due, for the deadline index.
    public func nextWake(calendar: BusinessCalendar) -> Date? {
        guard clock.phase == .running else { return nil }
        var candidates: [Date] = []
        if !warned, let warning = clock.instant(whenShareUsed: policy.warningShare, calendar: calendar) { candidates.append(warning) }
        if breachedAt == nil, let deadline = clock.deadline(calendar: calendar) { candidates.append(deadline.addingTimeInterval(Self.epsilon)) }
        if let rung = nextRung, let due = instant(whenUsed: clock.budget + policy.rungs[rung].afterWorkingSeconds, calendar: calendar) {
            candidates.append(due.addingTimeInterval(Self.epsilon))
        }
        return candidates.min()
    }

    /// Share of the budget used at `now` (may exceed 1).
    public func budgetUsed(at now: Date, calendar: BusinessCalendar) -> Double {
        Double(clock.used(at: now, calendar: calendar)) / Double(max(1, clock.budget))
    }

    // MARK: -

    /// Past a deadline means strictly after it: wake this long after.
    static let epsilon: TimeInterval = 0.001

    private var nextRung: Int? { policy.rungs.indices.first { !escalatedRungs.contains($0) } }

    private func instant(whenUsed target: Int, calendar: BusinessCalendar) -> Date? {
        guard clock.phase == .running else { return nil }
        return calendar.instant(after: clock.since, workingSeconds: max(0, target - clock.used(at: clock.since, calendar: calendar)))
    }

    private mutating func catchUp(to now: Date, calendar: BusinessCalendar) -> [Output] {
        var outputs = deadlineChange(calendar: calendar)
        guard clock.phase == .running else { return outputs }
        if !warned, let warning = clock.instant(whenShareUsed: policy.warningShare, calendar: calendar), warning <= now {
            warned = true
            outputs.append(.warning(at: warning))
        }
        if breachedAt == nil, let deadline = clock.deadline(calendar: calendar), clock.isLate(at: now, calendar: calendar) {
            breachedAt = deadline
            outputs.append(.breached(at: deadline))
            if let expiry, !expiryActionTaken, expiry.fromStates.contains(state) {
                expiryActionTaken = true
                outputs.append(.expiryAction(action: expiry.action, at: deadline))
            }
        }
        if breachedAt != nil {
            for (index, rung) in policy.rungs.enumerated() where !escalatedRungs.contains(index) {
                guard let due = instant(whenUsed: clock.budget + rung.afterWorkingSeconds, calendar: calendar), due < now else { break }
                escalatedRungs.insert(index)
                outputs.append(.escalated(rung: index, role: rung.role, at: due))
            }
        }
        return outputs
    }

    private mutating func deadlineChange(calendar: BusinessCalendar) -> [Output] {
        let deadline = clock.deadline(calendar: calendar)
        guard deadline != lastDeadline else { return [] }
        lastDeadline = deadline
        return [.deadlineSet(deadline)]
    }
}
