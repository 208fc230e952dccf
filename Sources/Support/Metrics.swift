import Synchronization

/// Request counters and latency percentiles per method, cheap enough for every request:
/// a log-scale histogram (≈4% resolution) instead of a list of samples.
public final class Metrics: Sendable {
    private let state = Mutex<[String: MethodStats]>([:])
    private let counters = Mutex<[String: Int]>([:])

    public init() {}

    /// Records one handled request.
    public func record(method: String, nanoseconds: UInt64, failed: Bool) {
        state.withLock { table in
            table[method, default: MethodStats()].record(nanoseconds: nanoseconds, failed: failed)
        }
    }

    /// Adds to a named counter (events published, messages dropped, …).
    public func increment(_ name: String, by amount: Int = 1) {
        counters.withLock { $0[name, default: 0] += amount }
    }

    public func counter(_ name: String) -> Int { counters.withLock { $0[name] ?? 0 } }

    /// Total requests over all methods.
    public var totalRequests: Int { state.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// The `sys.metrics` body.
    public func snapshot() -> MetricsSnapshot {
        let methods = state.withLock { table in
            table.mapValues { stats in
                MethodSnapshot(count: stats.count, errors: stats.errors,
                               p50_ms: stats.histogram.percentile(0.50), p90_ms: stats.histogram.percentile(0.90),
                               p99_ms: stats.histogram.percentile(0.99), max_ms: Double(stats.maxNanoseconds) / 1e6)
            }
        }
        return MetricsSnapshot(methods: methods, counters: counters.withLock { $0 })
    }
}

public struct MetricsSnapshot: Codable, Sendable {
    public var methods: [String: MethodSnapshot]
    public var counters: [String: Int]
}

public struct MethodSnapshot: Codable, Sendable {
    public var count: Int
    public var errors: Int
    public var p50_ms: Double
    public var p90_ms: Double
    public var p99_ms: Double
    public var max_ms: Double
}

struct MethodStats: Sendable {
    var count = 0
    var errors = 0
    var maxNanoseconds: UInt64 = 0
    var histogram = LatencyHistogram()

    mutating func record(nanoseconds: UInt64, failed: Bool) {
        count += 1
        if failed { errors += 1 }
        maxNanoseconds = max(maxNanoseconds, nanoseconds)
        histogram.record(nanoseconds)
    }
}

/// Log-scale latency histogram from 1 µs to ~100 s: bucket i covers 1µs × 1.04^i.
public struct LatencyHistogram: Sendable {
    static let growth = 1.04
    static let bucketCount = 480
    private var buckets = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
    public private(set) var count = 0

    public init() {}

    public mutating func record(_ nanoseconds: UInt64) {
        let micros = max(1.0, Double(nanoseconds) / 1000)
        let index = min(Self.bucketCount - 1, Int(log(micros) / log(Self.growth)))
        buckets[index] += 1
        count += 1
    }

    /// The latency in milliseconds below which `fraction` of the samples fall (upper edge of the bucket).
    public func percentile(_ fraction: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in buckets.enumerated() {
            seen += bucketCount
            if seen >= rank { return pow(Self.growth, Double(index + 1)) / 1000 }
        }
        return pow(Self.growth, Double(Self.bucketCount)) / 1000
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
