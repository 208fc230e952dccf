import Foundation
import Support
import Testing

/// `value` within `tolerance` (a fraction) of `expected`.
func isClose(_ value: Double, _ expected: Double, within tolerance: Double = 0.05) -> Bool {
    abs(value - expected) <= abs(expected) * tolerance
}

@Suite struct LatencyHistogramTests {
    @Test func emptyHistogramReportsZero() {
        let histogram = LatencyHistogram()
        #expect(histogram.count == 0)
        #expect(histogram.percentile(0.5) == 0)
        #expect(histogram.percentile(0.99) == 0)
    }

    @Test func singleSampleIsEveryPercentile() {
        var histogram = LatencyHistogram()
        histogram.record(2_500_000)  // 2.5 ms
        #expect(histogram.count == 1)
        for fraction in [0.0, 0.01, 0.5, 0.9, 0.99, 1.0] {
            let value = histogram.percentile(fraction)
            // Upper edge of the bucket: never below the sample, at most one bucket (4 %) above.
            #expect(value >= 2.5 * 0.999 && value <= 2.5 * 1.041, "p\(fraction) = \(value)")
        }
    }

    @Test func uniformOneToThousandMilliseconds() {
        var histogram = LatencyHistogram()
        for ms in 1...1_000 { histogram.record(UInt64(ms) * 1_000_000) }
        #expect(histogram.count == 1_000)
        #expect(isClose(histogram.percentile(0.50), 500), "p50 \(histogram.percentile(0.50))")
        #expect(isClose(histogram.percentile(0.90), 900), "p90 \(histogram.percentile(0.90))")
        #expect(isClose(histogram.percentile(0.99), 990), "p99 \(histogram.percentile(0.99))")
        #expect(isClose(histogram.percentile(1.0), 1_000), "p100 \(histogram.percentile(1.0))")
        #expect(isClose(histogram.percentile(0.01), 10), "p1 \(histogram.percentile(0.01))")
    }

    @Test func shuffledInsertionOrderDoesNotMatter() {
        var ordered = LatencyHistogram(), shuffled = LatencyHistogram()
        let samples = (1...5_000).map { UInt64($0) * 7_919 }
        for sample in samples { ordered.record(sample) }
        for sample in samples.shuffled() { shuffled.record(sample) }
        for fraction in [0.1, 0.5, 0.75, 0.9, 0.99, 0.999] {
            #expect(ordered.percentile(fraction) == shuffled.percentile(fraction))
        }
    }

    @Test func bimodalDistribution() {
        // 90 % fast (100 µs), 10 % slow (50 ms): p50 and p90 are fast, p99 is slow.
        var histogram = LatencyHistogram()
        for _ in 0..<9_000 { histogram.record(100_000) }
        for _ in 0..<1_000 { histogram.record(50_000_000) }
        #expect(isClose(histogram.percentile(0.50), 0.1), "p50 \(histogram.percentile(0.50))")
        #expect(isClose(histogram.percentile(0.89), 0.1), "p89 \(histogram.percentile(0.89))")
        #expect(isClose(histogram.percentile(0.91), 50), "p91 \(histogram.percentile(0.91))")
        #expect(isClose(histogram.percentile(0.99), 50), "p99 \(histogram.percentile(0.99))")
    }

    @Test func exponentialDistributionWithinFivePercent() {
        // Deterministic quantiles of an exponential distribution with mean 10 ms: x = -mean × ln(1 - u).
        var histogram = LatencyHistogram()
        let n = 20_000
        var samples: [Double] = []
        for index in 0..<n {
            let u = (Double(index) + 0.5) / Double(n)
            samples.append(-10 * log(1 - u))
        }
        for ms in samples.shuffled() { histogram.record(UInt64(ms * 1_000_000)) }
        for fraction in [0.5, 0.9, 0.99] {
            let expected = -10 * log(1 - fraction)
            #expect(isClose(histogram.percentile(fraction), expected), "p\(fraction): \(histogram.percentile(fraction)) vs \(expected)")
        }
    }

    @Test func percentilesAreMonotonic() {
        var histogram = LatencyHistogram()
        for index in 0..<3_000 { histogram.record(UInt64((index * 7_907) % 100_000_000)) }
        var previous = 0.0
        for step in 1...100 {
            let value = histogram.percentile(Double(step) / 100)
            #expect(value >= previous)
            previous = value
        }
    }

    @Test func subMicrosecondAndHugeSamplesAreClamped() {
        var histogram = LatencyHistogram()
        histogram.record(0)
        histogram.record(10)
        #expect(histogram.percentile(1.0) <= 0.0011)  // the first bucket: ≤ 1.04 µs
        var slow = LatencyHistogram()
        slow.record(UInt64(10_000) * 1_000_000_000)  // 10,000 s: beyond the last bucket
        let top = slow.percentile(0.5)
        #expect(top.isFinite && top > 100_000)       // clamped to the last bucket (~150 s)
    }
}

@Suite struct MetricsTests {
    @Test func snapshotCountsRequestsAndErrorsPerMethod() throws {
        let metrics = Metrics()
        for index in 0..<100 {
            metrics.record(method: "a.get", nanoseconds: UInt64(index + 1) * 1_000_000, failed: index % 10 == 0)
        }
        metrics.record(method: "b.put", nanoseconds: 5_000_000, failed: true)
        let snapshot = metrics.snapshot()
        #expect(snapshot.methods.keys.sorted() == ["a.get", "b.put"])
        let a = try #require(snapshot.methods["a.get"])
        #expect(a.count == 100 && a.errors == 10)
        #expect(isClose(a.p50_ms, 50), "p50 \(a.p50_ms)")
        #expect(isClose(a.p90_ms, 90), "p90 \(a.p90_ms)")
        #expect(isClose(a.p99_ms, 99), "p99 \(a.p99_ms)")
        #expect(a.max_ms == 100)
        let b = try #require(snapshot.methods["b.put"])
        #expect(b.count == 1 && b.errors == 1 && b.max_ms == 5)
        #expect(metrics.totalRequests == 101)
    }

    @Test func countersStartAtZeroAndAdd() {
        let metrics = Metrics()
        #expect(metrics.counter("events.published") == 0)
        metrics.increment("events.published")
        metrics.increment("events.published", by: 41)
        metrics.increment("rpc.dropped", by: 3)
        #expect(metrics.counter("events.published") == 42)
        let snapshot = metrics.snapshot()
        #expect(snapshot.counters == ["events.published": 42, "rpc.dropped": 3])
        #expect(snapshot.methods.isEmpty)
        #expect(metrics.totalRequests == 0)
    }

    @Test func concurrentRecordingLosesNothing() async {
        let metrics = Metrics()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<500 {
                        metrics.record(method: "m\(worker % 2)", nanoseconds: 1_000, failed: index % 5 == 0)
                        metrics.increment("c")
                    }
                }
            }
        }
        let snapshot = metrics.snapshot()
        #expect(snapshot.methods["m0"]?.count == 2_000 && snapshot.methods["m1"]?.count == 2_000)
        #expect(snapshot.methods["m0"]?.errors == 400)
        #expect(metrics.counter("c") == 4_000)
        #expect(metrics.totalRequests == 4_000)
    }

    @Test func snapshotEncodesWithWireNames() throws {
        let metrics = Metrics()
        metrics.record(method: "sys.x", nanoseconds: 1_000_000, failed: false)
        metrics.increment("k")
        let json = try JSONParser.parse(try JSON.encode(metrics.snapshot()))
        let method = try #require(json["methods"]?["sys.x"])
        for key in ["count", "errors", "p50_ms", "p90_ms", "p99_ms", "max_ms"] {
            #expect(method[key]?.doubleValue != nil, "missing \(key)")
        }
        #expect(json["counters"]?["k"]?.intValue == 1)
    }
}
