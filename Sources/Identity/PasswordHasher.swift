import Bus
import Dispatch
import Sodium

/// Argon2id hashing in a bounded pool. Each interactive hash takes ~64 MiB and ~0.1 s of one
/// core, so at most `concurrency` run at once (on their own dispatch queue, never on Swift's
/// cooperative threads nor on the I/O thread), at most `queueLimit` wait for a slot, and any
/// more get `resource_exhausted` at once: a login flood costs bounded memory and CPU.
public actor PasswordHasher {
    public nonisolated let parameters: PasswordHash.Parameters
    public nonisolated let concurrency: Int
    public nonisolated let queueLimit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var waitingHead = 0
    private var peak = 0
    private var refused = 0
    private let queue = DispatchQueue(label: "mpp.identity.argon2", qos: .userInitiated, attributes: .concurrent)
    /// A hash of a random password, verified against when a login names no account, so that
    /// an unknown NIK takes as long to refuse as a wrong password.
    private var decoy: String?

    public init(parameters: PasswordHash.Parameters, concurrency: Int, queueLimit: Int) {
        self.parameters = parameters
        self.concurrency = max(1, concurrency)
        self.queueLimit = max(0, queueLimit)
    }

    /// Hashes a new password.
    public func hash(_ password: String) async throws -> String {
        let parameters = parameters
        return try await run { try PasswordHash.hash(password, parameters: parameters) }
    }

    /// Whether `password` matches `hash`.
    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await run { PasswordHash.verify(password, hash: hash) }
    }

    /// Spends the time of a verification without an account (the answer is always false).
    public func verifyDecoy(_ password: String) async throws -> Bool {
        if decoy == nil { decoy = try await hash(Base64URL.encode(Random.bytes(18))) }
        _ = try await verify(password, hash: decoy!)
        return false
    }

    /// Whether a stored hash was made with other parameters and should be replaced.
    public nonisolated func needsRehash(_ hash: String) -> Bool {
        PasswordHash.needsRehash(hash, parameters: parameters)
    }

    /// Hashes running now, waiting now, most ever running at once, and requests refused.
    public var statistics: (running: Int, waiting: Int, peak: Int, refused: Int) {
        (running, waiting.count - waitingHead, peak, refused)
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        let queue = queue
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func acquire() async throws {
        if running < concurrency {
            running += 1
            peak = max(peak, running)
            return
        }
        guard waiting.count - waitingHead < queueLimit else {
            refused += 1
            throw RPCError(.resourceExhausted, "server sedang sibuk, coba lagi sebentar (too many logins at once, retry shortly)",
                           details: ["retry_after_ms": 1_000])
        }
        // The slot is handed over by `release` (running stays counted).
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        guard waitingHead < waiting.count else {
            running -= 1
            return
        }
        let next = waiting[waitingHead]
        waitingHead += 1
        if waitingHead > 64, waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
        next.resume()
    }
}
