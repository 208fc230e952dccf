import Foundation
import Synchronization

/// Where time comes from. Domain code never calls `Date()`: it asks a clock, so tests can move time.
public protocol Clock: Sendable {
    /// Wall-clock time.
    func now() -> Date
}

/// The real clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock tests move by hand.
public final class ManualClock: Clock {
    private let current: Mutex<Date>
    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) { current = Mutex(start) }
    public func now() -> Date { current.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
}

/// Monotonic nanoseconds for measuring durations (never goes back).
public enum Monotonic {
    public static func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
