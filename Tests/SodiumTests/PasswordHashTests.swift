import Testing
@testable import Sodium

@Suite struct PasswordHashTests {
    @Test func hashAndVerify() throws {
        let hash = try PasswordHash.hash("rahasia-123", parameters: .minimum)
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(PasswordHash.verify("rahasia-123", hash: hash))
        #expect(!PasswordHash.verify("rahasia-124", hash: hash))
        #expect(!PasswordHash.verify("", hash: hash))
    }

    @Test func saltMakesHashesDiffer() throws {
        let a = try PasswordHash.hash("sama", parameters: .minimum)
        let b = try PasswordHash.hash("sama", parameters: .minimum)
        #expect(a != b)
        #expect(PasswordHash.verify("sama", hash: a) && PasswordHash.verify("sama", hash: b))
    }

    @Test func unicodeEmptyAndEmbeddedNulPasswords() throws {
        for password in ["", "kata sandi ñ 🇮🇩", "a\u{0}b"] {
            let hash = try PasswordHash.hash(password, parameters: .minimum)
            #expect(PasswordHash.verify(password, hash: hash))
        }
        let withNul = try PasswordHash.hash("a\u{0}b", parameters: .minimum)
        #expect(!PasswordHash.verify("a", hash: withNul))
    }

    @Test func malformedHashesAreRejected() {
        for junk in ["", "$argon2id$", "plaintext", String(repeating: "x", count: 10_000), "$argon2id\u{0}$"] {
            #expect(!PasswordHash.verify("x", hash: junk))
            #expect(PasswordHash.needsRehash(junk, parameters: .minimum))
        }
    }

    @Test func needsRehash() throws {
        let hash = try PasswordHash.hash("pw", parameters: .minimum)
        #expect(!PasswordHash.needsRehash(hash, parameters: .minimum))
        #expect(PasswordHash.needsRehash(hash, parameters: .interactive))
        var stronger = PasswordHash.Parameters.minimum
        stronger.opsLimit += 1
        #expect(PasswordHash.needsRehash(hash, parameters: stronger))
    }

    @Test func interactiveParameters() throws {
        #expect(PasswordHash.Parameters.interactive.memLimit == 64 << 20)
        #expect(PasswordHash.Parameters.interactive.opsLimit == 2)
        let hash = try PasswordHash.hash("kata sandi")
        #expect(hash.contains("m=65536,t=2"))
        #expect(PasswordHash.verify("kata sandi", hash: hash))
        #expect(!PasswordHash.needsRehash(hash, parameters: .interactive))
    }

    @Test func invalidParametersThrow() {
        #expect(throws: SodiumError.self) {
            try PasswordHash.hash("pw", parameters: .init(opsLimit: 0, memLimit: 8192))
        }
        #expect(throws: SodiumError.self) {
            try PasswordHash.hash("pw", parameters: .init(opsLimit: -1, memLimit: -1))
        }
    }
}
