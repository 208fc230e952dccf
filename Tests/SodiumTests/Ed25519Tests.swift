import Testing
@testable import Sodium

@Suite struct Ed25519Tests {
    @Test func signAndVerify() {
        let pair = Ed25519KeyPair.generate()
        #expect(pair.publicKey.count == 32)
        #expect(pair.secretKey.count == 64)
        let message = Array("pengajuan KTP-el".utf8)
        let signature = pair.sign(message)
        #expect(signature.count == 64)
        #expect(Ed25519.verify(signature: signature, message: message, publicKey: pair.publicKey))
        #expect(Ed25519.verify(signature: pair.sign([]), message: [], publicKey: pair.publicKey))
    }

    @Test func tamperingFails() {
        let pair = Ed25519KeyPair.generate()
        let message = Array("pengajuan KTP-el".utf8)
        let signature = pair.sign(message)
        var tamperedMessage = message
        tamperedMessage[0] ^= 1
        #expect(!Ed25519.verify(signature: signature, message: tamperedMessage, publicKey: pair.publicKey))
        var tamperedSignature = signature
        tamperedSignature[10] ^= 0x80
        #expect(!Ed25519.verify(signature: tamperedSignature, message: message, publicKey: pair.publicKey))
        let other = Ed25519KeyPair.generate()
        #expect(!Ed25519.verify(signature: signature, message: message, publicKey: other.publicKey))
    }

    @Test func wrongLengthsAreRejectedNotCrashing() {
        let pair = Ed25519KeyPair.generate()
        let signature = pair.sign([1, 2, 3])
        #expect(!Ed25519.verify(signature: Array(signature.dropLast()), message: [1, 2, 3], publicKey: pair.publicKey))
        #expect(!Ed25519.verify(signature: signature, message: [1, 2, 3], publicKey: []))
        #expect(!Ed25519.verify(signature: [], message: [], publicKey: pair.publicKey))
    }

    @Test func seedIsDeterministic() throws {
        let seed = [UInt8](repeating: 7, count: 32)
        let a = try Ed25519KeyPair(seed: seed)
        let b = try Ed25519KeyPair(seed: seed)
        #expect(a.publicKey == b.publicKey)
        #expect(a.secretKey == b.secretKey)
        #expect(a.seed == seed)
        #expect(a.sign([42]) == b.sign([42]))  // Ed25519 signatures are deterministic
        #expect(try Ed25519KeyPair(seed: [UInt8](repeating: 8, count: 32)).publicKey != a.publicKey)
    }

    /// RFC 8032 §7.1 test 1: the empty message under a known seed.
    @Test func rfc8032Vector() throws {
        let seed = try #require(Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let pair = try Ed25519KeyPair(seed: seed)
        #expect(Hex.encode(pair.publicKey) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(Hex.encode(pair.sign([])) == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    }

    @Test func badSeedThrows() {
        #expect(throws: SodiumError.self) { try Ed25519KeyPair(seed: [1, 2, 3]) }
        #expect(throws: SodiumError.self) { try Ed25519KeyPair(seed: []) }
    }

    @Test func restoreFromSecretKey() throws {
        let pair = Ed25519KeyPair.generate()
        let restored = try Ed25519KeyPair(secretKey: pair.secretKey)
        #expect(restored.publicKey == pair.publicKey)
        var inconsistent = pair.secretKey
        inconsistent[63] ^= 1
        #expect(throws: SodiumError.self) { try Ed25519KeyPair(secretKey: inconsistent) }
        #expect(throws: SodiumError.self) { try Ed25519KeyPair(secretKey: [0]) }
    }
}
