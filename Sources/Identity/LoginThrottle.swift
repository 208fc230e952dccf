import Foundation
import Support

/// Failed logins per caller and login name, in memory (bounded), with the same
/// ``LockoutPolicy`` as accounts. It covers what the per-account count cannot: attempts on NIKs
/// or usernames that have no account (so probing them costs the same and answers the same),
/// and it is the per-caller half of the lockout (the caller is the CURVE key name of the
/// connection, or `anonymous`; MPP/1 carries no client address, so a front end that serves many
/// people through one key throttles per client address itself).
public final class LoginThrottle: Sendable {
    private struct Entry: Sendable {
        var failures: Int
        var lastFailure: Date
    }

    private let policy: LockoutPolicy
    private let capacity: Int
    private let entries = Mutexed<[String: Entry]>([:])
    private let checking = Mutexed<Set<String>>([])

    /// - Parameter capacity: most (caller, login) pairs remembered; beyond it, pairs whose wait
    ///   is over are forgotten first, then the oldest.
    public init(policy: LockoutPolicy, capacity: Int = 100_000) {
        self.policy = policy
        self.capacity = max(16, capacity)
    }

    /// The key of a (caller, login name) pair.
    public static func key(caller: String?, login: String) -> String {
        (caller ?? "anonymous") + "\u{1F}" + login
    }

    public func decide(_ key: String, now: Date) -> LockoutPolicy.Decision {
        guard let entry = entries.get()[key] else { return .allowed }
        return policy.decide(failures: entry.failures, lastFailure: entry.lastFailure, now: now)
    }

    public func recordFailure(_ key: String, now: Date) {
        let policy = policy, capacity = capacity
        entries.update { table in
            var entry = table[key] ?? Entry(failures: 0, lastFailure: now)
            entry.failures += 1
            entry.lastFailure = now
            table[key] = entry
            guard table.count > capacity else { return }
            table = table.filter { policy.decide(failures: $0.value.failures, lastFailure: $0.value.lastFailure, now: now) != .allowed }
            if table.count > capacity * 3 / 4 {
                let keep = table.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(capacity / 2)
                table = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
        }
    }

    public func recordSuccess(_ key: String) {
        entries.update { _ = $0.removeValue(forKey: key) }
    }

    /// Claims the right to check a password for `login` (a NIK or username): one check at a time
    /// per login name, so a burst of parallel guesses cannot outrun the failure count. False when
    /// a check is already running.
    public func beginCheck(_ login: String) -> Bool {
        checking.update { $0.insert(login).inserted }
    }

    public func endCheck(_ login: String) {
        checking.update { _ = $0.remove(login) }
    }

    /// Pairs remembered (for tests and metrics).
    public var count: Int { entries.get().count }
}
