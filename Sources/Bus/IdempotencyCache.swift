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

        /// Bytes held for this entry, roughly: what a caller chose (key, body hash) and the reply.
        func bytes(slot: String) -> Int {
            96 + slot.utf8.count + method.utf8.count + fingerprint.utf8.count
                + (outcome.map { $0.body.count + $0.attachments.reduce(0) { $0 + $1.count } } ?? 0)
        }
    }

    /// The remembered entries and the bytes they hold, always updated together.
    private struct Memory: Sendable {
        var entries: [String: Remembered] = [:]
        var bytes = 0

        var count: Int { entries.count }
        subscript(slot: String) -> Remembered? {
            get { entries[slot] }
            set {
                bytes -= entries[slot]?.bytes(slot: slot) ?? 0
                entries[slot] = newValue
                bytes += newValue?.bytes(slot: slot) ?? 0
            }
        }
        mutating func removeValue(forKey slot: String) -> Remembered? {
            defer { self[slot] = nil }
            return entries[slot]
        }
        mutating func keep(where include: (Remembered) -> Bool) {
            for (slot, entry) in entries where !include(entry) { self[slot] = nil }
        }
    }

    private let memory = Mutex<Memory>(Memory())
    /// At most this many keys are remembered in memory (older results still answer from the store).
    private let memoryCapacity: Int
    /// At most this many bytes of keys and replies are held in memory; over it the results that
    /// expire soonest are forgotten first (durable ones still answer from the store).
    private let memoryBytes: Int
    private let store: Store?
    private let window: TimeInterval
    private let clock: any Clock

    public init(store: Store?, window: TimeInterval = 24 * 3600, clock: any Clock = SystemClock(),
                memoryCapacity: Int = 100_000, memoryBytes: Int = 16 << 20) async throws {
        self.store = store
        self.memoryCapacity = memoryCapacity
        self.memoryBytes = memoryBytes
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
            if table.count >= memoryCapacity { Self.evict(&table, now: now, keep: memoryCapacity / 2, bytes: memoryBytes / 2) }
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
    /// remembered, so a retry can try again, nor are refusals of the request itself (it did
    /// nothing, and a retry gets the same answer): a hostile sender cannot fill memory or the
    /// store with them. Throws when the durable record could not be written.
    public func finish(caller: String, key: String, outcome: Outcome, durable: Bool) async throws {
        let slot = caller + "\u{1F}" + key
        if let error = outcome.error, Self.transient.contains(error.code) || Self.refusals.contains(error.code) {
            memory.withLock { _ = $0.removeValue(forKey: slot) }
            return
        }
        let memoryBytes = memoryBytes, memoryCapacity = memoryCapacity, now = clock.now()
        let entry = memory.withLock { table -> Remembered? in
            table[slot]?.outcome = outcome
            let entry = table[slot]
            if table.bytes > memoryBytes { Self.evict(&table, now: now, keep: memoryCapacity / 2, bytes: memoryBytes / 2) }
            return entry
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

    /// Entries and bytes held in memory now (for `sys.metrics` and tests).
    public var memoryStatistics: (entries: Int, bytes: Int) { memory.withLock { ($0.count, $0.bytes) } }

    /// Forgets expired results (memory and store).
    public func purgeExpired() async {
        let now = clock.now()
        memory.withLock { table in table.keep { $0.expiresAt > now || $0.outcome == nil } }
        _ = try? await store?.write { db in
            try db.run("DELETE FROM bus_idempotency WHERE expires_at <= ?", [.real(now.timeIntervalSince1970)])
        }
    }

    /// Makes room: drops expired entries, then the finished ones that expire soonest until at most
    /// `keep` entries and `bytes` bytes are left. Requests still in flight are kept (their
    /// duplicates must keep getting `aborted`).
    private static func evict(_ table: inout Memory, now: Date, keep: Int, bytes: Int) {
        table.keep { $0.expiresAt > now || $0.outcome == nil }
        guard table.count > keep || table.bytes > bytes else { return }
        let finished = table.entries.filter { $0.value.outcome != nil }.sorted { $0.value.expiresAt < $1.value.expiresAt }
        for (slot, _) in finished {
            guard table.count > keep || table.bytes > bytes else { break }
            _ = table.removeValue(forKey: slot)
        }
    }

    static let transient: Set<ErrorCode> = [.unavailable, .deadlineExceeded, .internal, .aborted, .resourceExhausted]
    /// Answers about the request itself: nothing was done.
    static let refusals: Set<ErrorCode> = [.invalidArgument, .unauthenticated, .permissionDenied, .unimplemented]

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
