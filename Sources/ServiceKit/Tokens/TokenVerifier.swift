import Foundation
import Sodium
import Support

/// Verifies access tokens locally with the known public keys (from `identity.keys`),
/// caching successful verifications so a token is signature-checked once, not on
/// every request (Ed25519 verify costs ~55µs).
///
/// On every call, cached or not, the verifier still refuses expired and revoked
/// tokens and tokens whose key was removed. Thread-safe; the signature check runs
/// outside the lock.
public final class TokenVerifier: Sendable {
    /// How far in the future `iat` may be (clocks of identity and of this host differ).
    public static let allowedClockSkew: TimeInterval = 5

    private struct State {
        var keys: [String: [UInt8]] = [:]
        /// Incremented by every `setKeys`, to notice a change during a verification.
        var keyGeneration: UInt64 = 0
        var cache: VerifiedTokenCache
        /// Revoked token ids and until when they stay revoked.
        var revoked: [String: Date] = [:]
        var revokedSweepThreshold = 1024
        var hits = 0
        var misses = 0

        func isRevoked(_ tokenID: String, at now: Date) -> Bool {
            guard let until = revoked[tokenID] else { return false }
            return now < until
        }
    }

    /// The mutable state behind an `NSLock` (portable to every platform the package
    /// names, unlike `Synchronization.Mutex`).
    private final class Protected: @unchecked Sendable {
        private let lock = NSLock()
        private var state: State

        init(_ state: State) { self.state = state }

        func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
            lock.lock()
            defer { lock.unlock() }
            return try body(&state)
        }
    }

    private let protected: Protected
    private let now: @Sendable () -> Date

    /// Creates a verifier.
    /// - Parameters:
    ///   - keys: the verification keys known at start; see ``setKeys(_:)``.
    ///   - cacheCapacity: most verified tokens remembered; 0 disables the cache.
    ///   - now: the clock (injectable for tests). The wall clock by default, not a service's test clock:
    ///     tokens are issued by identity with its own time, and expire in real time.
    public init(keys: [VerificationKey] = [], cacheCapacity: Int = 100_000,
                now: @escaping @Sendable () -> Date = { SystemClock().now() }) {
        self.protected = Protected(State(cache: VerifiedTokenCache(capacity: cacheCapacity)))
        self.now = now
        setKeys(keys)
    }

    /// Replaces the known keys (key rotation: publish the current and the previous
    /// key, and tokens signed by either verify). Tokens cached under a key that is
    /// removed or changed are dropped. Keys whose public key is not base64url of 32
    /// bytes are ignored.
    public func setKeys(_ keys: [VerificationKey]) {
        var parsed: [String: [UInt8]] = [:]
        for key in keys {
            if let bytes = key.publicKeyBytes { parsed[key.id] = bytes }
        }
        protected.withLock { state in
            let changed = state.keys.filter { parsed[$0.key] != $0.value }.keys
            state.keys = parsed
            state.keyGeneration &+= 1
            if !changed.isEmpty {
                let changedIDs = Set(changed)
                state.cache.removeAll { changedIDs.contains($0.kid) }
            }
        }
    }

    /// Whether exactly `keys` (those that parse) are the accepted ones.
    public func holds(_ keys: [VerificationKey]) -> Bool {
        var parsed: [String: [UInt8]] = [:]
        for key in keys { if let bytes = key.publicKeyBytes { parsed[key.id] = bytes } }
        return protected.withLock { $0.keys == parsed }
    }

    /// The ids of the keys currently accepted.
    public var keyIDs: [String] {
        protected.withLock { $0.keys.keys.sorted() }
    }

    /// Returns the claims of `token` if it is well formed, signed by a known key, not
    /// expired, not issued in the future (beyond ``allowedClockSkew``) and not revoked.
    ///
    /// A token seen before is answered from the cache without checking its signature
    /// again; its expiry and revocation are still checked.
    public func verify(_ token: String) throws(TokenError) -> AccessClaims {
        guard !token.isEmpty, token.utf8.count <= TokenCodec.maximumLength else { throw .malformed }
        let digest = TokenDigest(token)
        let now = self.now()
        let seconds = now.timeIntervalSince1970

        let cached: Result<AccessClaims, TokenError>? = protected.withLock { state in
            guard let claims = state.cache.claims(for: digest) else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            if TimeInterval(claims.exp) <= seconds {
                state.cache.remove(digest)
                return .failure(.expired)
            }
            if state.isRevoked(claims.jti, at: now) {
                state.cache.remove(digest)
                return .failure(.revoked)
            }
            return .success(claims)
        }
        if let cached { return try cached.get() }

        guard let (claims, message, signature) = TokenCodec.decodeUnverified(token) else { throw .malformed }
        let (publicKey, generation) = protected.withLock { ($0.keys[claims.kid], $0.keyGeneration) }
        guard let publicKey else { throw .unknownKey }
        guard Ed25519.verify(signature: signature, message: message, publicKey: publicKey) else {
            throw .badSignature
        }
        if TimeInterval(claims.exp) <= seconds { throw .expired }
        if TimeInterval(claims.iat) > seconds + Self.allowedClockSkew { throw .notYetValid }

        try protected.withLock { (state: inout State) throws(TokenError) in
            if state.isRevoked(claims.jti, at: now) { throw .revoked }
            // The keys changed while the signature was being checked.
            if state.keyGeneration != generation, state.keys[claims.kid] != publicKey { throw .unknownKey }
            state.cache.insert(claims, for: digest)
        }
        return claims
    }

    /// Revokes the token with id `jti` (logout, `identity.token_revoked`): it is dropped
    /// from the cache and refused until `until`, which should be its expiry (a cached
    /// token stays refused at least until its own `exp`).
    public func revoke(jti: String, until: Date) {
        let now = self.now()
        protected.withLock { state in
            var until = until
            if let claims = state.cache.remove(tokenID: jti) {
                until = max(until, claims.expiresAt)
            }
            if let earlier = state.revoked[jti] { until = max(until, earlier) }
            state.revoked[jti] = until
            if state.revoked.count > state.revokedSweepThreshold {
                state.revoked = state.revoked.filter { $0.value > now }
                state.revokedSweepThreshold = max(1024, 2 * state.revoked.count)
            }
        }
    }

    /// Cache hits and misses since start (a miss is a full check, whatever its outcome).
    public var statistics: (hits: Int, misses: Int) {
        protected.withLock { ($0.hits, $0.misses) }
    }

    /// Number of verified tokens currently cached.
    public var cachedTokenCount: Int {
        protected.withLock { $0.cache.count }
    }
}
