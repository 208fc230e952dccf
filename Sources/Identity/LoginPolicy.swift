import Foundation

/// Failed logins of one key (an account, a login name without an account, or a caller): how
/// many since the count last started, and when the last one was.
public struct FailureRecord: Sendable, Equatable {
    public var failures: Int
    public var last: Date?

    public init(failures: Int = 0, last: Date? = nil) {
        self.failures = failures
        self.last = last
    }

    public static let none = FailureRecord()
}

/// Progressive delays in one dimension, as a pure rule over a ``FailureRecord``:
/// - the first `freeFailures` failures cost nothing;
/// - after `n ≥ freeFailures` failures the next attempt must wait `baseDelay · 2^(n − freeFailures)`
///   after the last failure, at most `maximumDelay`;
/// - after `forgetAfter` without a failure the count starts again from zero.
///
/// Never a lock: once the current delay is over the next attempt is checked, and the right
/// password logs in. Attempts refused by the rule are answered without checking the password,
/// so they neither cost a hash nor count as failures.
public struct DelayRule: Sendable, Equatable {
    public var freeFailures: Int
    public var baseDelay: TimeInterval
    public var maximumDelay: TimeInterval
    public var forgetAfter: TimeInterval

    public init(freeFailures: Int, baseDelay: TimeInterval = 1, maximumDelay: TimeInterval, forgetAfter: TimeInterval) {
        self.freeFailures = freeFailures
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.forgetAfter = forgetAfter
    }

    /// The wait imposed after `failures` failures.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        let exponent = min(failures - freeFailures, 40)
        return min(maximumDelay, baseDelay * pow(2, Double(exponent)))
    }

    /// The record as it counts now: empty once `forgetAfter` has passed since its last failure.
    public func current(_ record: FailureRecord, now: Date) -> FailureRecord {
        guard let last = record.last, record.failures > 0, now.timeIntervalSince(last) < forgetAfter else { return .none }
        return record
    }

    /// When the next attempt may come; nil when now.
    public func retryAt(_ record: FailureRecord, now: Date) -> Date? {
        let record = current(record, now: now)
        guard let last = record.last else { return nil }
        let until = last + delay(afterFailures: record.failures)
        return now < until ? until : nil
    }

    /// The record after one more failure at `now`.
    public func failed(_ record: FailureRecord, now: Date) -> FailureRecord {
        FailureRecord(failures: min(current(record, now: now).failures, 1_000_000) + 1, last: now)
    }
}

/// Failures of one account counted in windows, so that its owner is told once per window when
/// someone keeps trying their password.
public struct BurstRecord: Sendable, Equatable {
    /// When the current window began (its first failure); nil before any.
    public var start: Date?
    public var failures: Int
    /// Whether the owner was already told in this window.
    public var alerted: Bool

    public init(start: Date? = nil, failures: Int = 0, alerted: Bool = false) {
        self.start = start
        self.failures = failures
        self.alerted = alerted
    }
}

/// A window opens at a failure and lasts `window`; the failure that brings its count to
/// `threshold` raises the alert, once per window (a threshold of 0 never alerts).
public struct BurstRule: Sendable, Equatable {
    public var threshold: Int
    public var window: TimeInterval

    public init(threshold: Int = 10, window: TimeInterval = 15 * 60) {
        self.threshold = threshold
        self.window = window
    }

    /// The record after one more failure at `now`, and whether to tell the owner now.
    public func failed(_ record: BurstRecord, now: Date) -> (record: BurstRecord, alert: Bool) {
        var next = record
        if let start = record.start, now >= start, now.timeIntervalSince(start) < window {
            next.failures = min(record.failures, 1_000_000) + 1
        } else {
            next = BurstRecord(start: now, failures: 1, alerted: false)
        }
        let alert = threshold > 0 && !next.alerted && next.failures >= threshold
        if alert { next.alerted = true }
        return (next, alert)
    }
}

/// The rules of failed logins, in two dimensions (services/identity/README.md, "Failed logins"):
/// - **account** (the login name, stored for real accounts): slows down guessing one password
///   from everywhere, without ever shutting its owner out for longer than `account.maximumDelay`;
/// - **caller** (the CURVE key name today, the client address once the gateway passes it):
///   slows down one source guessing many accounts. Callers in `exemptCallers` (front ends that
///   speak for many people, such as an MPP site's front desk) skip this dimension only.
public struct LoginPolicy: Sendable, Equatable {
    public var account = DelayRule(freeFailures: 5, maximumDelay: 5 * 60, forgetAfter: 24 * 3_600)
    public var caller = DelayRule(freeFailures: 20, maximumDelay: 5 * 60, forgetAfter: 15 * 60)
    public var exemptCallers: Set<String> = []
    public var burst = BurstRule()

    public init() {}

    /// Which dimension asks the caller to wait.
    public enum Limit: String, Sendable, Equatable {
        case account
        case caller
    }

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Slow down: the next attempt may come at `until`.
        case wait(until: Date, limit: Limit)

        /// When the next attempt may come, nil when now.
        public var retryAt: Date? {
            if case .wait(let until, _) = self { return until }
            return nil
        }
    }

    /// Whether `caller` skips the per-caller dimension.
    public func isExempt(_ caller: String) -> Bool { exemptCallers.contains(caller) }

    /// Whether an attempt may proceed now; when both dimensions say wait, the later time wins.
    public func decide(account record: FailureRecord, caller: String, callerRecord: FailureRecord, now: Date) -> Decision {
        let accountWait = account.retryAt(record, now: now)
        let callerWait = isExempt(caller) ? nil : self.caller.retryAt(callerRecord, now: now)
        switch (accountWait, callerWait) {
        case (nil, nil): return .allowed
        case (let until?, nil): return .wait(until: until, limit: .account)
        case (nil, let until?): return .wait(until: until, limit: .caller)
        case (let first?, let second?): return first >= second ? .wait(until: first, limit: .account) : .wait(until: second, limit: .caller)
        }
    }
}
