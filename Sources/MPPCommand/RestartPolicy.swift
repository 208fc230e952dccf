import Support

/// When a supervised process that exited should be started again: exponential backoff with
/// jitter, reset once the process has stayed up for `stableAfter` seconds (it started, served and
/// registered: a crash after that is a new incident, restarted at once). Pure, for tests.
public struct RestartPolicy: Sendable, Equatable {
    public var backoff: Backoff
    public var stableAfter: Double
    public private(set) var consecutiveFailures = 0

    public init(backoff: Backoff = Backoff(initial: 0.5, multiplier: 2, maximum: 30, jitter: 0.2), stableAfter: Double = 10) {
        self.backoff = backoff
        self.stableAfter = stableAfter
    }

    /// Records an exit after `uptime` seconds; returns the delay before the next start.
    public mutating func exited(afterRunningFor uptime: Double, random: Double) -> Double {
        consecutiveFailures = uptime >= stableAfter ? 1 : consecutiveFailures + 1
        return backoff.delay(attempt: consecutiveFailures, random: random)
    }
}
