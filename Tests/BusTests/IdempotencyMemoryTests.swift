import Bus
import Foundation
import Support
import Testing

@Suite struct IdempotencyMemoryTests {
    @Test func memoryIsBoundedAndKeepsTheNewestResults() async throws {
        let cache = try await IdempotencyCache(store: nil, window: 3600, memoryCapacity: 10)
        for index in 0..<30 {
            guard case .proceed = try await cache.begin(caller: "c", key: "k\(index)", method: "m", body: [UInt8(index)], durable: false) else {
                Issue.record("a new key must proceed")
                return
            }
            try await cache.finish(caller: "c", key: "k\(index)", outcome: Outcome(body: [UInt8(index)]), durable: false)
        }
        // The oldest were evicted (a retry that late would act again in memory-only mode) …
        if case .replay = try await cache.begin(caller: "c", key: "k0", method: "m", body: [0], durable: false) {
            Issue.record("k0 should have been evicted")
        }
        // … the newest still replay.
        guard case .replay(let outcome) = try await cache.begin(caller: "c", key: "k29", method: "m", body: [29], durable: false) else {
            Issue.record("k29 should replay")
            return
        }
        #expect(outcome.body == [29])
    }

    @Test func requestsInFlightAreNeverEvicted() async throws {
        let cache = try await IdempotencyCache(store: nil, window: 3600, memoryCapacity: 4)
        _ = try await cache.begin(caller: "c", key: "running", method: "m", body: [], durable: false)
        for index in 0..<20 {
            _ = try await cache.begin(caller: "c", key: "k\(index)", method: "m", body: [], durable: false)
            try await cache.finish(caller: "c", key: "k\(index)", outcome: Outcome(body: []), durable: false)
        }
        guard case .conflict(let error) = try await cache.begin(caller: "c", key: "running", method: "m", body: [], durable: false) else {
            Issue.record("the running request must still block its duplicates")
            return
        }
        #expect(error.code == .aborted)
    }
}
