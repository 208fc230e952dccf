import Bus
import Foundation
import Identity
import Sodium
import Testing

@Suite("Argon2id pool")
struct PasswordHasherTests {
    @Test func hashesAndVerifiesWithInteractiveParameters() async throws {
        let hasher = PasswordHasher(parameters: .interactive, concurrency: 2, queueLimit: 4)
        let hash = try await hasher.hash("kata-sandi-rahasia")
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(hash.contains("m=65536"))
        #expect(try await hasher.verify("kata-sandi-rahasia", hash: hash))
        #expect(try await !hasher.verify("kata-sandi-salah", hash: hash))
        #expect(!hasher.needsRehash(hash))
        #expect(try await !hasher.verifyDecoy("apa saja"))
    }

    @Test func neverRunsMoreThanItsConcurrencyAndRefusesBeyondItsQueue() async throws {
        let hasher = PasswordHasher(parameters: .minimum, concurrency: 2, queueLimit: 3)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask { (try? await hasher.hash("sandi-\(index)-panjang")) != nil }
            }
            var results: [Bool] = []
            for await result in group { results.append(result) }
            return results
        }
        let statistics = await hasher.statistics
        #expect(statistics.peak <= 2)
        #expect(statistics.running == 0)
        #expect(statistics.waiting == 0)
        #expect(outcomes.filter { $0 }.count >= 5)
        #expect(outcomes.filter { !$0 }.count == statistics.refused)
    }

    @Test func refusalIsResourceExhausted() async throws {
        let hasher = PasswordHasher(parameters: .interactive, concurrency: 1, queueLimit: 0)
        async let first = hasher.hash("sandi-pertama-panjang")
        try await Task.sleep(for: .milliseconds(20))
        do {
            _ = try await hasher.hash("sandi-kedua-panjang")
            // The first hash may already have finished on a fast machine.
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
        }
        _ = try await first
    }

    @Test func weakerStoredHashesNeedARehash() async throws {
        let minimum = try PasswordHash.hash("kata-sandi-rahasia", parameters: .minimum)
        let hasher = PasswordHasher(parameters: .interactive, concurrency: 1, queueLimit: 1)
        #expect(hasher.needsRehash(minimum))
        #expect(try await hasher.verify("kata-sandi-rahasia", hash: minimum))
    }
}
