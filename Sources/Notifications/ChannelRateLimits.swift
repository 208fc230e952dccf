import Support

/// One token bucket per worker channel, shared by every claim (claims run one at a time in the
/// store's writer, so a whole claim sees one consistent allowance).
final class ChannelRateLimits: Sendable {
    private let buckets: Mutexed<[String: TokenBucket]>

    /// - Parameter perSecond: deliveries per second per channel; the burst is one second's worth.
    init(perSecond: [String: Double], now: Double = ChannelRateLimits.now()) {
        buckets = Mutexed(perSecond.mapValues { TokenBucket(ratePerSecond: $0, capacity: max(1, $0), now: now) })
    }

    /// Whole deliveries each channel may start now (channels without a limit are absent).
    func allowances(_ channels: [String], now: Double = ChannelRateLimits.now()) -> [String: Int] {
        buckets.update { table in
            var result: [String: Int] = [:]
            for channel in channels { result[channel] = table[channel]?.available(now: now) }
            return result
        }
    }

    /// Spends what a claim handed out.
    func spend(_ counts: [String: Int], now: Double = ChannelRateLimits.now()) {
        buckets.update { table in
            for (channel, count) in counts { table[channel]?.take(count, now: now) }
        }
    }

    static func now() -> Double { Double(Monotonic.nanoseconds()) / 1e9 }
}
