import Foundation
import Testing
import Sodium
@testable import ServiceKit

/// A settable clock for the verifier.
private final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    var read: @Sendable () -> Date { { self.now } }
}

private func claims(_ clock: TestClock, lifetime: TimeInterval = 900, role: Role = .citizen,
                    jti: String = AccessClaims.newTokenID()) -> AccessClaims {
    AccessClaims(sub: "c-3171012501900001", role: role, agency: nil, region: "31.71",
                 issuedAt: clock.now, lifetime: lifetime, jti: jti, verified: true, name: "Siti Aminah")
}

@Suite struct TokenCodecTests {
    @Test func formatIsBase64URLClaimsDotSignature() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let token = TokenCodec.sign(claims(clock), with: key)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 2)
        let json = try #require(Base64URL.decode(String(parts[0])))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["sub"] as? String == "c-3171012501900001")
        #expect(object["role"] as? String == "citizen")
        #expect(object["kid"] as? String == key.id)
        #expect(object["region"] as? String == "31.71")
        #expect(object["agency"] == nil)  // nil optionals are left out
        #expect(object["exp"] as? Int == (object["iat"] as? Int).map { $0 + 900 })
        let signature = try #require(Base64URL.decode(String(parts[1])))
        #expect(Ed25519.verify(signature: signature, message: json, publicKey: key.keyPair.publicKey))

        let decoded = try #require(TokenCodec.decodeUnverified(token))
        #expect(decoded.message == json)
        #expect(decoded.claims.kid == key.id)
    }

    @Test func keyIDsAndRolesOnTheWire() throws {
        let key = SigningKey.generate()
        #expect(key.id.count == 9 && key.id.hasPrefix("k"))
        #expect(Hex.decode(String(key.id.dropFirst())) != nil)
        #expect(SigningKey.generate(id: "2025-06").id == "2025-06")
        #expect(Role.mppAdmin.rawValue == "mpp_admin")
        #expect(Role.allCases.map(\.rawValue) == ["citizen", "officer", "supervisor", "mpp_admin", "ministry", "ops"])

        let json = String(decoding: try JSONEncoder().encode(key.verificationKey), as: UTF8.self)
        #expect(json.contains("\"public_key\""))
        let back = try JSONDecoder().decode(VerificationKey.self, from: Data(json.utf8))
        #expect(back == key.verificationKey)
        #expect(back.publicKeyBytes == key.keyPair.publicKey)

        let restored = try SigningKey(id: key.id, seed: key.keyPair.seed)
        #expect(restored.verificationKey == key.verificationKey)
    }
}

@Suite struct TokenVerifierTests {
    @Test func signVerifyRoundTrip() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], now: clock.read)
        var original = claims(clock, role: .officer)
        original.agency = "disdukcapil-3171"
        let verified = try verifier.verify(TokenCodec.sign(original, with: key))
        original.kid = key.id
        #expect(verified == original)
        #expect(verified.role == .officer)
        #expect(verified.verified == true)
    }

    @Test func tamperedClaimsOrSignatureAreBadSignature() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], now: clock.read)
        let token = TokenCodec.sign(claims(clock), with: key)
        let parts = token.split(separator: ".").map(String.init)
        try #require(parts.count == 2)

        // Escalate the role, keep the signature.
        let json = String(decoding: try #require(Base64URL.decode(parts[0])), as: UTF8.self)
        let forgedJSON = json.replacingOccurrences(of: "\"citizen\"", with: "\"ops\"")
        #expect(forgedJSON != json)
        let forged = Base64URL.encode(Array(forgedJSON.utf8)) + "." + parts[1]
        #expect(throws: TokenError.badSignature) { try verifier.verify(forged) }

        var signature = try #require(Base64URL.decode(parts[1]))
        signature[0] ^= 1
        #expect(throws: TokenError.badSignature) {
            try verifier.verify(parts[0] + "." + Base64URL.encode(signature))
        }

        // A token signed by another key that claims our key id.
        let impostor = SigningKey(id: key.id, keyPair: .generate())
        #expect(throws: TokenError.badSignature) {
            try verifier.verify(TokenCodec.sign(claims(clock), with: impostor))
        }
        #expect(try verifier.verify(token).sub == "c-3171012501900001")
    }

    @Test func unknownKeyID() {
        let clock = TestClock()
        let verifier = TokenVerifier(keys: [SigningKey.generate().verificationKey], now: clock.read)
        let stranger = SigningKey.generate()
        #expect(throws: TokenError.unknownKey) { try verifier.verify(TokenCodec.sign(claims(clock), with: stranger)) }
        #expect(throws: TokenError.unknownKey) {
            try TokenVerifier(now: clock.read).verify(TokenCodec.sign(claims(clock), with: stranger))
        }
    }

    @Test func expiredEvenWhenCached() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], now: clock.read)
        let token = TokenCodec.sign(claims(clock, lifetime: 60), with: key)
        _ = try verifier.verify(token)
        clock.advance(59)
        _ = try verifier.verify(token)
        #expect(verifier.statistics.hits == 1)
        clock.advance(1)
        #expect(throws: TokenError.expired) { try verifier.verify(token) }
        #expect(throws: TokenError.expired) { try verifier.verify(token) }
        #expect(verifier.cachedTokenCount == 0)

        let stale = TokenCodec.sign(claims(clock, lifetime: 0), with: key)
        #expect(throws: TokenError.expired) { try verifier.verify(stale) }
    }

    @Test func issuedInTheFutureBeyondSkew() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], now: clock.read)
        let ahead = TestClock(clock.now + 5)
        _ = try verifier.verify(TokenCodec.sign(claims(ahead), with: key))
        let tooFar = TestClock(clock.now + 6)
        #expect(throws: TokenError.notYetValid) { try verifier.verify(TokenCodec.sign(claims(tooFar), with: key)) }
    }

    @Test func keyRotation() throws {
        let clock = TestClock()
        let old = SigningKey.generate(id: "k-old")
        let new = SigningKey.generate(id: "k-new")
        let verifier = TokenVerifier(keys: [old.verificationKey], now: clock.read)
        let oldToken = TokenCodec.sign(claims(clock), with: old)
        _ = try verifier.verify(oldToken)  // cached under k-old

        verifier.setKeys([new.verificationKey, old.verificationKey])
        #expect(verifier.keyIDs == ["k-new", "k-old"])
        _ = try verifier.verify(oldToken)
        _ = try verifier.verify(TokenCodec.sign(claims(clock), with: new))
        #expect(verifier.statistics == (hits: 1, misses: 2))

        verifier.setKeys([new.verificationKey])
        #expect(throws: TokenError.unknownKey) { try verifier.verify(oldToken) }
        _ = try verifier.verify(TokenCodec.sign(claims(clock), with: new))

        // Same id, different key (a botched rotation): cached tokens of the old key go.
        let newToken = TokenCodec.sign(claims(clock), with: new)
        _ = try verifier.verify(newToken)
        verifier.setKeys([SigningKey.generate(id: "k-new").verificationKey])
        #expect(throws: TokenError.badSignature) { try verifier.verify(newToken) }
    }

    @Test func invalidKeysAreIgnored() {
        let verifier = TokenVerifier(keys: [
            VerificationKey(id: "a", publicKey: "not base64!"),
            VerificationKey(id: "b", publicKey: Base64URL.encode([1, 2, 3])),
            SigningKey.generate(id: "c").verificationKey,
        ])
        #expect(verifier.keyIDs == ["c"])
    }

    @Test func revoke() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], now: clock.read)
        let issued = claims(clock)
        let token = TokenCodec.sign(issued, with: key)
        _ = try verifier.verify(token)
        #expect(verifier.cachedTokenCount == 1)
        verifier.revoke(jti: issued.jti, until: issued.expiresAt)
        #expect(verifier.cachedTokenCount == 0)
        #expect(throws: TokenError.revoked) { try verifier.verify(token) }
        clock.advance(600)
        #expect(throws: TokenError.revoked) { try verifier.verify(token) }
        clock.advance(300)
        #expect(throws: TokenError.expired) { try verifier.verify(token) }

        // Revoked before it was ever seen.
        let other = claims(clock)
        verifier.revoke(jti: other.jti, until: other.expiresAt)
        #expect(throws: TokenError.revoked) { try verifier.verify(TokenCodec.sign(other, with: key)) }
        // Other tokens are unaffected.
        _ = try verifier.verify(TokenCodec.sign(claims(clock), with: key))
    }

    @Test func cacheHitCounted() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], now: clock.read)
        let token = TokenCodec.sign(claims(clock), with: key)
        let first = try verifier.verify(token)
        let second = try verifier.verify(token)
        #expect(first == second)
        #expect(verifier.statistics.hits == 1)
        #expect(verifier.statistics.misses == 1)
    }

    @Test func cacheIsBoundedOldestFirst() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], cacheCapacity: 3, now: clock.read)
        let tokens = (0..<5).map { _ in TokenCodec.sign(claims(clock), with: key) }
        for token in tokens { _ = try verifier.verify(token) }
        #expect(verifier.cachedTokenCount == 3)
        _ = try verifier.verify(tokens[4])
        _ = try verifier.verify(tokens[2])
        #expect(verifier.statistics == (hits: 2, misses: 5))
        _ = try verifier.verify(tokens[0])  // evicted: checked again
        #expect(verifier.statistics == (hits: 2, misses: 6))
        #expect(verifier.cachedTokenCount == 3)

        let uncached = TokenVerifier(keys: [key.verificationKey], cacheCapacity: 0, now: clock.read)
        _ = try uncached.verify(tokens[0])
        _ = try uncached.verify(tokens[0])
        #expect(uncached.statistics == (hits: 0, misses: 2))
    }

    @Test func cacheStaysBoundedUnderChurn() throws {
        var cache = VerifiedTokenCache(capacity: 100)
        let clock = TestClock()
        for index in 0..<5000 {
            let digest = TokenDigest("token-\(index)")
            cache.insert(claims(clock), for: digest)
            if index % 3 == 0 { cache.remove(digest) }
            #expect(cache.count <= 100)
        }
        #expect(cache.claims(for: TokenDigest("token-4999")) != nil)
        #expect(cache.claims(for: TokenDigest("token-0")) == nil)
    }

    @Test func garbageIsMalformedNeverACrash() throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], now: clock.read)
        let valid = TokenCodec.sign(claims(clock), with: key)
        let parts = valid.split(separator: ".").map(String.init)
        try #require(parts.count == 2)
        let noKid = Base64URL.encode(Array(#"{"sub":"x","role":"citizen","iat":1,"exp":9999999999,"jti":"j"}"#.utf8))
        let badRole = Base64URL.encode(Array(#"{"sub":"x","role":"king","iat":1,"exp":9999999999,"jti":"j","kid":"k"}"#.utf8))
        let garbage = [
            "", ".", "..", "abc", "no-dot-at-all", parts[0], parts[0] + ".", "." + parts[1],
            valid + ".", valid + "." + parts[1], parts[0] + "=." + parts[1], parts[0] + ".!!" ,
            "Bearer " + valid, valid + " ", parts[0] + "." + Base64URL.encode([1, 2, 3]),
            Base64URL.encode(Array("[1,2,3]".utf8)) + "." + parts[1],
            Base64URL.encode(Array("not json".utf8)) + "." + parts[1],
            noKid + "." + parts[1], badRole + "." + parts[1],
            String(repeating: "A", count: 1_000_000) + "." + parts[1],
            String(repeating: ".", count: 100_000), "é.é", "\u{0}.\u{0}",
        ]
        for token in garbage {
            #expect(throws: TokenError.malformed, "\(token.prefix(40))") { try verifier.verify(token) }
            #expect(TokenCodec.decodeUnverified(token) == nil)
        }
        for _ in 0..<200 {
            let random = String(decoding: Random.bytes(Int(Random.uniform(300))), as: UTF8.self)
            #expect(throws: TokenError.self) { try verifier.verify(random) }
        }
    }

    @Test func concurrentVerification() async throws {
        let clock = TestClock()
        let key = SigningKey.generate()
        let verifier = TokenVerifier(keys: [key.verificationKey], cacheCapacity: 50, now: clock.read)
        let tokens = (0..<100).map { _ in TokenCodec.sign(claims(clock), with: key) }
        let failures = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var failures = 0
                    for round in 0..<300 {
                        let token = tokens[(worker * 7 + round) % tokens.count]
                        if (try? verifier.verify(token)) == nil { failures += 1 }
                        if round % 100 == 0 { verifier.setKeys([key.verificationKey]) }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect(verifier.cachedTokenCount <= 50)
        let stats = verifier.statistics
        #expect(stats.hits + stats.misses == 2400)
    }
}
