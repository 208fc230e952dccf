/// Exponential backoff with full jitter, capped: `delay(attempt)` for attempt 1, 2, 3, …
/// Deterministic when given a deterministic `random` (a fraction in 0..<1), so it is unit-testable.
public struct Backoff: Sendable, Equatable {
    public var initial: Double
    public var multiplier: Double
    public var maximum: Double
    /// Share of the delay that is randomised (0 = none, 1 = full jitter).
    public var jitter: Double

    public init(initial: Double = 0.5, multiplier: Double = 2, maximum: Double = 30, jitter: Double = 0.5) {
        precondition(initial > 0 && multiplier >= 1 && maximum >= initial && (0...1).contains(jitter))
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The ceiling for `attempt` before jitter.
    public func ceiling(attempt: Int) -> Double {
        let exponent = Double(max(0, attempt - 1))
        let raw = initial * pow(multiplier, exponent)
        return raw.isFinite ? min(maximum, raw) : maximum
    }

    /// Seconds to wait before `attempt` (1-based), given a random fraction in 0..<1.
    public func delay(attempt: Int, random: Double = Double.random(in: 0..<1)) -> Double {
        let ceiling = ceiling(attempt: attempt)
        return ceiling * (1 - jitter) + ceiling * jitter * min(max(random, 0), 1)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
