/// A token bucket: `ratePerSecond` tokens flow in continuously up to `capacity` (the burst);
/// each delivery handed out takes one. Pure: time is given in seconds by the caller (a
/// monotonic clock), so the limiter is deterministic under test.
public struct TokenBucket: Sendable, Equatable {
    public let ratePerSecond: Double
    public let capacity: Double
    public private(set) var tokens: Double
    public private(set) var updatedAt: Double

    /// A full bucket at `now`.
    public init(ratePerSecond: Double, capacity: Double, now: Double) {
        precondition(ratePerSecond > 0 && capacity >= 1, "a bucket needs a positive rate and room for one token")
        self.ratePerSecond = ratePerSecond
        self.capacity = capacity
        tokens = capacity
        updatedAt = now
    }

    /// Adds what flowed in since the last update. Time going backwards adds nothing.
    public mutating func refill(now: Double) {
        guard now > updatedAt else { return }
        tokens = min(capacity, tokens + (now - updatedAt) * ratePerSecond)
        updatedAt = now
    }

    /// Whole tokens available at `now`.
    public mutating func available(now: Double) -> Int {
        refill(now: now)
        return Int(tokens.rounded(.down))
    }

    /// Takes up to `count` tokens at `now`; returns how many were granted.
    @discardableResult
    public mutating func take(_ count: Int, now: Double) -> Int {
        let granted = min(max(0, count), available(now: now))
        tokens -= Double(granted)
        return granted
    }

    /// Seconds until `count` tokens are available (0 when they already are; never for more than capacity).
    public func secondsUntil(_ count: Int) -> Double? {
        let wanted = Double(count)
        guard wanted <= capacity else { return nil }
        return max(0, (wanted - tokens) / ratePerSecond)
    }
}
