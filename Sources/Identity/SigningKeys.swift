import Foundation
import ServiceKit
import Sodium
import Store
import Support

/// The Ed25519 keys that sign access tokens, persisted in identity's store (a seed from
/// libsodium's random generator per key). One key is current; after `rotate`, the former
/// current key stays published by `identity.keys` while tokens it signed may still be alive
/// (the previous key always, older ones for `retention`), so a rotation logs nobody out.
/// Seeds never leave this type: not in logs, not in replies.
public final class SigningKeys: Sendable {
    struct Stored: Sendable {
        var key: SigningKey
        var createdAt: Date
        var retiredAt: Date?
    }

    private let store: Store
    private let clock: any Clock
    private let retention: TimeInterval
    /// Newest first; the first is current.
    private let keys: Mutexed<[Stored]>

    /// Loads the keys, creating the first one if the store has none.
    /// - Parameter retention: how long a retired key stays published (the access-token lifetime
    ///   plus a margin).
    public init(store: Store, clock: any Clock, retention: TimeInterval) async throws {
        self.store = store
        self.clock = clock
        self.retention = retention
        let now = clock.now()
        let loaded = try await store.write { db -> [Stored] in
            var rows = try Self.load(db)
            if rows.first?.retiredAt != nil || rows.isEmpty {
                let fresh = Stored(key: try Self.newKey(), createdAt: now, retiredAt: nil)
                try Self.insert(fresh, db)
                rows.insert(fresh, at: 0)
            }
            return rows
        }
        keys = Mutexed(loaded)
    }

    /// The key that signs new tokens.
    public var current: SigningKey { keys.get()[0].key }

    /// The keys `identity.keys` publishes: the current one, the previous one, and older ones
    /// retired less than `retention` ago.
    public var published: [VerificationKey] {
        let now = clock.now()
        return keys.get().enumerated().filter { index, stored in
            index < 2 || (stored.retiredAt.map { now.timeIntervalSince($0) < retention } ?? true)
        }.map { $0.element.key.verificationKey }
    }

    /// Makes a new key current; the former one is kept published (see `published`).
    @discardableResult
    public func rotate() async throws -> SigningKey {
        let now = clock.now()
        let fresh = Stored(key: try Self.newKey(), createdAt: now, retiredAt: nil)
        try await store.write { db in
            try db.run("UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL", [.real(now.timeIntervalSince1970)])
            try Self.insert(fresh, db)
        }
        keys.update { list in
            for index in list.indices where list[index].retiredAt == nil { list[index].retiredAt = now }
            list.insert(fresh, at: 0)
        }
        return fresh.key
    }

    private static func newKey() throws -> SigningKey {
        try SigningKey(id: "k" + Hex.encode(Random.bytes(6)), seed: Random.bytes(Ed25519KeyPair.seedByteCount))
    }

    private static func insert(_ stored: Stored, _ db: Database) throws {
        try db.run("INSERT INTO signing_keys (id, seed, created_at, retired_at) VALUES (?, ?, ?, NULL)",
                   [.text(stored.key.id), .blob(stored.key.keyPair.seed), .real(stored.createdAt.timeIntervalSince1970)])
    }

    private static func load(_ db: Database) throws -> [Stored] {
        try db.query("SELECT id, seed, created_at, retired_at FROM signing_keys ORDER BY created_at DESC, rowid DESC").map { row in
            Stored(key: try SigningKey(id: row.string("id") ?? "", seed: row.blob("seed") ?? []),
                   createdAt: Date(timeIntervalSince1970: row.double("created_at") ?? 0),
                   retiredAt: row.double("retired_at").map { Date(timeIntervalSince1970: $0) })
        }
    }
}
