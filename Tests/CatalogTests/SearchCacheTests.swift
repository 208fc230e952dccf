@testable import Catalog
import Testing

/// Issue 14, finding 2: search keys are chosen by callers, so the cache is bounded in bytes and
/// never keeps an overlong key.
@Suite struct SearchCacheTests {
    @Test func distinctSearchesStayWithinTheByteBudget() {
        let cache = SearchCache(capacity: 100_000, byteCapacity: 1 << 20)
        let reply = [UInt8](repeating: 0x7B, count: 10_000)
        for index in 0..<2_000 {
            let key = "q\(index)"
            cache.store(key, reply, generation: cache.lookup(key).generation)
            #expect(cache.statistics.bytes <= 1 << 20)
        }
        #expect(cache.lookup("q1999").reply == reply, "the newest search is still cached")
    }

    @Test func overlongKeysAndHugeRepliesAreNotKept() {
        let cache = SearchCache()
        let long = String(repeating: "ktp ", count: 200)
        cache.store(long, [1], generation: cache.lookup(long).generation)
        cache.store("huge", [UInt8](repeating: 0, count: 1 << 20), generation: cache.lookup("huge").generation)
        #expect(cache.statistics.entries == 0)
    }
}
