import Notifications
import Testing

/// The per-channel rate limit: a pure token bucket with time given by the test.
@Suite struct TokenBucketTests {
    @Test func startsFullAndGrantsUpToCapacity() {
        var bucket = TokenBucket(ratePerSecond: 10, capacity: 10, now: 100)
        #expect(bucket.available(now: 100) == 10)
        #expect(bucket.take(4, now: 100) == 4)
        #expect(bucket.take(10, now: 100) == 6, "only what is left")
        #expect(bucket.take(1, now: 100) == 0)
    }

    @Test func refillsAtTheRateUpToCapacity() {
        var bucket = TokenBucket(ratePerSecond: 10, capacity: 5, now: 0)
        bucket.take(5, now: 0)
        #expect(bucket.available(now: 0.05) == 0, "half a token is no token")
        #expect(bucket.available(now: 0.1) == 1)
        #expect(bucket.available(now: 0.35) == 3)
        #expect(bucket.available(now: 60) == 5, "never beyond the burst")
    }

    @Test func fractionalRates() {
        var bucket = TokenBucket(ratePerSecond: 0.5, capacity: 1, now: 0)
        #expect(bucket.take(1, now: 0) == 1)
        #expect(bucket.take(1, now: 1.9) == 0)
        #expect(bucket.take(1, now: 2.0) == 1)
    }

    @Test func timeGoingBackwardsAddsNothing() {
        var bucket = TokenBucket(ratePerSecond: 100, capacity: 100, now: 50)
        bucket.take(100, now: 50)
        #expect(bucket.available(now: 40) == 0)
        #expect(bucket.updatedAt == 50)
        #expect(bucket.available(now: 50.5) == 50)
    }

    @Test func negativeAndZeroRequestsTakeNothing() {
        var bucket = TokenBucket(ratePerSecond: 1, capacity: 3, now: 0)
        #expect(bucket.take(0, now: 0) == 0)
        #expect(bucket.take(-5, now: 0) == 0)
        #expect(bucket.available(now: 0) == 3)
    }

    @Test func secondsUntilTokens() {
        var bucket = TokenBucket(ratePerSecond: 4, capacity: 8, now: 0)
        #expect(bucket.secondsUntil(8) == 0)
        bucket.take(8, now: 0)
        #expect(bucket.secondsUntil(2) == 0.5)
        #expect(bucket.secondsUntil(9) == nil, "more than the burst never comes at once")
    }

    @Test func sustainedRateOverManySmallSteps() {
        var bucket = TokenBucket(ratePerSecond: 50, capacity: 50, now: 0)
        var granted = 0
        var now = 0.0
        while now < 10 {
            granted += bucket.take(1_000, now: now)
            now += 0.013
        }
        // 50 at start (the burst) + 50/s for 10 s.
        #expect((540...550).contains(granted), "granted \(granted)")
    }
}
