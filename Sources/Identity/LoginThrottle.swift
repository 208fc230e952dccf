import Foundation
import Support

/// Failure records kept in memory, bounded, under one ``DelayRule``.
public final class FailureTable: Sendable {
    private let rule: DelayRule
    private let capacity: Int
    private let entries = Mutexed<[String: FailureRecord]>([:])

    /// - Parameter capacity: most keys remembered; beyond it, keys with no wait running are
    ///   forgotten first, then the oldest.
    public init(rule: DelayRule, capacity: Int = 100_000) {
        self.rule = rule
        self.capacity = max(16, capacity)
    }

    /// The record of `key` as it counts now (empty when unknown or forgotten).
    public func record(_ key: String, now: Date) -> FailureRecord {
        entries.get()[key].map { rule.current($0, now: now) } ?? .none
    }

    public func recordFailure(_ key: String, now: Date) {
        let rule = rule, capacity = capacity
        entries.update { table in
            table[key] = rule.failed(table[key] ?? .none, now: now)
            guard table.count > capacity else { return }
            table = table.filter { $0.key == key || rule.retryAt($0.value, now: now) != nil }
            if table.count > capacity * 3 / 4 {
                let keep = table.sorted { ($0.value.last ?? now) > ($1.value.last ?? now) }.prefix(capacity / 2)
                table = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
        }
    }

    public func clear(_ key: String) {
        entries.update { _ = $0.removeValue(forKey: key) }
    }

    /// Keys remembered (for tests and metrics).
    public var count: Int { entries.get().count }
}

/// The in-memory half of the login rules (``LoginPolicy``); accounts' own records are stored
/// with the account.
/// - `callers`: failures per caller over all login names (the caller dimension);
/// - `unknownLogins`: failures per login name that has no account, under the account rule, so
///   that probing NIKs or usernames costs and answers exactly like a real account;
/// - one password check at a time per login name, so a parallel burst of guesses cannot
///   outrun the counts.
public final class LoginThrottle: Sendable {
    public let policy: LoginPolicy
    public let callers: FailureTable
    public let unknownLogins: FailureTable
    private let checking = Mutexed<Set<String>>([])

    public init(policy: LoginPolicy, capacity: Int = 100_000) {
        self.policy = policy
        callers = FailureTable(rule: policy.caller, capacity: capacity)
        unknownLogins = FailureTable(rule: policy.account, capacity: capacity)
    }

    /// Whether an attempt on `login` by `caller` may proceed now. `account` is the stored record
    /// of the account the login names, nil when it names none.
    public func decide(login: String, account: FailureRecord?, caller: String, now: Date) -> LoginPolicy.Decision {
        policy.decide(account: account ?? unknownLogins.record(login, now: now), caller: caller,
                      callerRecord: callers.record(caller, now: now), now: now)
    }

    /// Counts a wrong password in memory: for the caller (unless exempt) and, when the login
    /// names no account, for the login name (accounts count in their own row).
    public func recordFailure(login: String, knownAccount: Bool, caller: String, now: Date) {
        if !policy.isExempt(caller) { callers.recordFailure(caller, now: now) }
        if !knownAccount { unknownLogins.recordFailure(login, now: now) }
    }

    /// Claims the right to check a password for `login` (a NIK or username): false when a check
    /// is already running.
    public func beginCheck(_ login: String) -> Bool {
        checking.update { $0.insert(login).inserted }
    }

    public func endCheck(_ login: String) {
        checking.update { _ = $0.remove(login) }
    }
}
