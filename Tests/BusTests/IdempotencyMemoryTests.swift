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

    /// Issue 14, finding 2: replies of many distinct keys stay within the byte budget.
    @Test func memoryIsBoundedInBytes() async throws {
        let cache = try await IdempotencyCache(store: nil, window: 3600, memoryBytes: 1 << 20)
        let reply = [UInt8](repeating: 0x61, count: 64 << 10)
        for index in 0..<200 {
            _ = try await cache.begin(caller: "c", key: "k\(index)", method: "m", body: [], durable: false)
            try await cache.finish(caller: "c", key: "k\(index)", outcome: Outcome(body: reply), durable: false)
            #expect(cache.memoryStatistics.bytes <= (1 << 20) + reply.count + 1_024)
        }
        guard case .replay = try await cache.begin(caller: "c", key: "k199", method: "m", body: [], durable: false) else {
            Issue.record("the newest result should replay")
            return
        }
    }

    /// Refusals of the request itself are not remembered: nothing was done, and a hostile sender
    /// with fresh keys must not fill memory with them.
    @Test(arguments: [ErrorCode.invalidArgument, .unauthenticated, .permissionDenied, .unimplemented])
    func refusalsAreNotRemembered(code: ErrorCode) async throws {
        let cache = try await IdempotencyCache(store: nil, window: 3600)
        for index in 0..<100 {
            _ = try await cache.begin(caller: "c", key: "k\(index)", method: "m", body: [], durable: false)
            try await cache.finish(caller: "c", key: "k\(index)", outcome: Outcome(error: RPCError(code, "no")), durable: false)
        }
        #expect(cache.memoryStatistics.entries == 0 && cache.memoryStatistics.bytes == 0)
        guard case .proceed = try await cache.begin(caller: "c", key: "k0", method: "m", body: [], durable: false) else {
            Issue.record("a refused request may be sent again")
            return
        }
    }
}
