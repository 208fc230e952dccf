import Foundation
import Store
import Support
import Synchronization

/// Remembers results per (caller, idempotency key) for a window, so a retried request gets the
/// first result and does not act twice (PROTOCOL §2). Results of mutating methods are kept in the
/// service's store and survive a restart; a duplicate that arrives while the first is still
/// running gets `aborted`.
public final class IdempotencyCache: Sendable {
    public enum Decision: Sendable {
        case proceed
        case replay(Outcome)
        case conflict(RPCError)
    }

    private struct Remembered: Sendable {
        var method: String
        var fingerprint: String
        var outcome: Outcome?
        var expiresAt: Date
    }

    private let memory = Mutex<[String: Remembered]>([:])
    /// At most this many keys are remembered in memory (older results still answer from the store).
    private let memoryCapacity: Int
    private let store: Store?
    private let window: TimeInterval
    private let clock: any Clock

    public init(store: Store?, window: TimeInterval = 24 * 3600, clock: any Clock = SystemClock(),
                memoryCapacity: Int = 100_000) async throws {
        self.store = store
        self.memoryCapacity = memoryCapacity
        self.window = window
        self.clock = clock
        if let store {
            try await store.write { db in try db.execute(Self.schema) }
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS bus_idempotency (
            caller TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, fingerprint TEXT NOT NULL,
            is_error INTEGER NOT NULL, body BLOB NOT NULL, attachments BLOB NOT NULL, expires_at REAL NOT NULL,
            PRIMARY KEY (caller, key));
        CREATE INDEX IF NOT EXISTS bus_idempotency_expiry ON bus_idempotency(expires_at);
        """

    /// Decides what to do with a request carrying `key`.
    public func begin(caller: String, key: String, method: String, body: [UInt8], durable: Bool) async throws -> Decision {
        let slot = caller + "\u{1F}" + key
        let fingerprint = Self.fingerprint(method: method, body: body)
        let now = clock.now()
        let claimed = memory.withLock { table -> Decision? in
            if let existing = table[slot], existing.expiresAt > now {
                return Self.decide(existing.method, existing.fingerprint, existing.outcome, method, fingerprint)
            }
            if table.count >= memoryCapacity { Self.evict(&table, now: now, keep: memoryCapacity / 2) }
            table[slot] = Remembered(method: method, fingerprint: fingerprint, outcome: nil, expiresAt: now + window)
            return nil
        }
        if let claimed { return claimed }
        guard durable, let store else { return .proceed }
        let row: Row?
        do {
            row = try await store.read { db in
                try db.queryOne("SELECT method, fingerprint, is_error, body, attachments, expires_at FROM bus_idempotency WHERE caller = ? AND key = ? AND expires_at > ?",
                                [.text(caller), .text(key), .real(now.timeIntervalSince1970)])
            }
        } catch {
            memory.withLock { _ = $0.removeValue(forKey: slot) }  // let a retry try again
            throw error
        }
        guard let row else { return .proceed }
        // The stored request owns the key: remember it as it was, then judge this one against it.
        let stored = Remembered(method: row.string("method") ?? "", fingerprint: row.string("fingerprint") ?? "",
                                outcome: Self.outcome(row), expiresAt: Date(timeIntervalSince1970: row.double("expires_at") ?? 0))
        memory.withLock { $0[slot] = stored }
        return Self.decide(stored.method, stored.fingerprint, stored.outcome, method, fingerprint)
    }

    /// Records the outcome of a request that `begin` let proceed. Transient failures are not
    /// remembered, so a retry can try again. Throws when the durable record could not be written.
    public func finish(caller: String, key: String, outcome: Outcome, durable: Bool) async throws {
        let slot = caller + "\u{1F}" + key
        if let error = outcome.error, Self.transient.contains(error.code) {
            memory.withLock { _ = $0.removeValue(forKey: slot) }
            return
        }
        let entry = memory.withLock { table -> Remembered? in
            table[slot]?.outcome = outcome
            return table[slot]
        }
        guard durable, let store, let entry else { return }
        let attachments = (try? JSON.encode(outcome.attachments.map { Data($0).base64EncodedString() })) ?? []
        try await store.write { db in
            try db.run("INSERT OR REPLACE INTO bus_idempotency VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [.text(caller), .text(key), .text(entry.method), .text(entry.fingerprint),
                        .integer(outcome.isError ? 1 : 0), .blob(outcome.body), .blob(attachments),
                        .real(entry.expiresAt.timeIntervalSince1970)])
        }
    }

    /// Forgets expired results (memory and store).
    public func purgeExpired() async {
        let now = clock.now()
        memory.withLock { table in table = table.filter { $0.value.expiresAt > now || $0.value.outcome == nil } }
        _ = try? await store?.write { db in
            try db.run("DELETE FROM bus_idempotency WHERE expires_at <= ?", [.real(now.timeIntervalSince1970)])
        }
    }

    /// Makes room: drops expired entries, then the finished ones that expire soonest. Requests
    /// still in flight are kept (their duplicates must keep getting `aborted`).
    private static func evict(_ table: inout [String: Remembered], now: Date, keep: Int) {
        table = table.filter { $0.value.expiresAt > now || $0.value.outcome == nil }
        guard table.count > keep else { return }
        let finished = table.filter { $0.value.outcome != nil }.sorted { $0.value.expiresAt < $1.value.expiresAt }
        for (slot, _) in finished.prefix(table.count - keep) { table.removeValue(forKey: slot) }
    }

    static let transient: Set<ErrorCode> = [.unavailable, .deadlineExceeded, .internal, .aborted, .resourceExhausted]

    private static func decide(_ method: String, _ fingerprint: String, _ outcome: Outcome?,
                               _ newMethod: String, _ newFingerprint: String) -> Decision {
        guard method == newMethod, fingerprint == newFingerprint else {
            return .conflict(.invalid(["idempotency_key": "sudah dipakai untuk permintaan lain (reused for a different request)"]))
        }
        guard let outcome else { return .conflict(RPCError(.aborted, "permintaan yang sama sedang diproses (same request in progress)")) }
        return .replay(outcome)
    }

    private static func outcome(_ row: Row) -> Outcome {
        let body = row.blob("body") ?? []
        if row.int("is_error") == 1 {
            return Outcome(error: (try? JSON.decode(RPCError.self, from: body)) ?? RPCError(.internal, "stored error unreadable"))
        }
        let encoded = (try? JSON.decode([String].self, from: row.blob("attachments") ?? [])) ?? []
        return Outcome(body: body, attachments: encoded.compactMap { Data(base64Encoded: $0).map(Array.init) })
    }

    static func fingerprint(method: String, body: [UInt8]) -> String {
        // FNV-1a 64: cheap and stable; it only tells a reused key apart from a true retry.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        method.utf8.forEach(mix)
        mix(0)
        body.forEach(mix)
        return String(hash, radix: 16)
    }
}
