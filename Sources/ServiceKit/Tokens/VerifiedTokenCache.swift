import Foundation
import Sodium

/// The SHA-256 of a token: the key of ``VerifiedTokenCache`` (32 bytes per entry
/// instead of the whole token).
struct TokenDigest: Hashable, Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64)

    init(_ token: String) {
        let hash = SHA256.hash(Array(token.utf8))
        words = hash.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    static func == (a: TokenDigest, b: TokenDigest) -> Bool {
        a.words == b.words
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

/// Claims of tokens whose signature has been checked, by token digest, bounded:
/// when full, the oldest entry goes first (tokens have similar lifetimes, so the
/// oldest is also the first to expire).
///
/// Not thread-safe: ``TokenVerifier`` guards it with its lock.
struct VerifiedTokenCache {
    private struct Entry {
        let claims: AccessClaims
        let serial: UInt64
    }

    /// Most entries kept; 0 or less disables caching.
    let capacity: Int
    private var entries: [TokenDigest: Entry] = [:]
    /// Insertion order, oldest first from `head`; removed entries are left behind and
    /// skipped (their serial no longer matches), and compacted away from time to time.
    private var order: [(digest: TokenDigest, serial: UInt64)] = []
    private var head = 0
    private var nextSerial: UInt64 = 0
    /// The latest cached token of each token id, to drop revoked tokens at once.
    private var digestByTokenID: [String: TokenDigest] = [:]

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Number of cached tokens.
    var count: Int { entries.count }

    /// The cached claims of the token with this digest.
    func claims(for digest: TokenDigest) -> AccessClaims? {
        entries[digest]?.claims
    }

    /// Caches verified claims, evicting the oldest entry when full.
    mutating func insert(_ claims: AccessClaims, for digest: TokenDigest) {
        guard capacity > 0, entries[digest] == nil else { return }
        while entries.count >= capacity, evictOldest() {}
        nextSerial += 1
        entries[digest] = Entry(claims: claims, serial: nextSerial)
        order.append((digest, nextSerial))
        digestByTokenID[claims.jti] = digest
    }

    /// Drops the token with this digest, if cached.
    mutating func remove(_ digest: TokenDigest) {
        guard let entry = entries.removeValue(forKey: digest) else { return }
        if digestByTokenID[entry.claims.jti] == digest {
            digestByTokenID[entry.claims.jti] = nil
        }
        compactIfSparse()
    }

    /// Drops the cached token with this token id and returns its claims, if any.
    @discardableResult
    mutating func remove(tokenID: String) -> AccessClaims? {
        guard let digest = digestByTokenID[tokenID], let claims = entries[digest]?.claims else { return nil }
        remove(digest)
        return claims
    }

    /// Drops every cached token whose claims match `predicate` (a full scan).
    mutating func removeAll(where predicate: (AccessClaims) -> Bool) {
        let doomed = entries.filter { predicate($0.value.claims) }.keys
        for digest in doomed { remove(digest) }
    }

    /// Removes the oldest live entry; false if there was none.
    private mutating func evictOldest() -> Bool {
        while head < order.count {
            let (digest, serial) = order[head]
            head += 1
            if entries[digest]?.serial == serial {
                remove(digest)
                return true
            }
        }
        return false
    }

    /// Keeps `order` proportional to the live entries: drops the consumed prefix
    /// and the entries removed out of order.
    private mutating func compactIfSparse() {
        let pending = order.count - head
        guard pending > 1024, pending > 2 * entries.count else { return }
        order = order[head...].filter { entries[$0.digest]?.serial == $0.serial }
        head = 0
    }
}
