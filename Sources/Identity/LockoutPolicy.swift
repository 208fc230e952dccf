import Foundation

/// Progressive lockout after failed logins, as a pure rule over (failures so far, time of the
/// last failure):
/// - the first `freeFailures` failures cost nothing;
/// - from then on, each next attempt must wait `baseDelay · 2^(failures − freeFailures)` after
///   the last failure, at most `maximumDelay`;
/// - from `lockFailures` failures on, the account is locked for `lockDuration` after the last
///   failure; every further failure after that starts a new lock. A success resets the count.
///
/// Attempts refused by the rule are answered `resource_exhausted` without checking the password,
/// so they neither cost a hash nor count as failures.
public struct LockoutPolicy: Sendable, Equatable {
    public var freeFailures = 5
    public var baseDelay: TimeInterval = 1
    public var maximumDelay: TimeInterval = 60
    public var lockFailures = 20
    public var lockDuration: TimeInterval = 30 * 60

    public init() {}

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Slow down: try again at the date given.
        case wait(until: Date)
        /// Locked until the date given.
        case locked(until: Date)

        /// When the next attempt may come, nil when now.
        public var retryAt: Date? {
            switch self {
            case .allowed: nil
            case .wait(let until), .locked(let until): until
            }
        }
    }

    /// Whether an attempt may proceed now.
    public func decide(failures: Int, lastFailure: Date?, now: Date) -> Decision {
        guard failures >= freeFailures, let lastFailure else { return .allowed }
        if failures >= lockFailures {
            let until = lastFailure + lockDuration
            return now < until ? .locked(until: until) : .allowed
        }
        let until = lastFailure + delay(afterFailures: failures)
        return now < until ? .wait(until: until) : .allowed
    }

    /// The wait imposed after `failures` failures (below the lock threshold).
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        let exponent = min(failures - freeFailures, 30)
        return min(maximumDelay, baseDelay * pow(2, Double(exponent)))
    }
}
