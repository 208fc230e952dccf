import Foundation
import Sodium

/// An Ed25519 key that signs access tokens, with the id that tokens name it by (`kid`).
///
/// Only identity holds signing keys; every other service holds ``VerificationKey``s.
public struct SigningKey: Sendable {
    /// The key id written into each token's `kid` claim, e.g. `"k3f9a01c2"`.
    public let id: String
    /// The Ed25519 key pair.
    public let keyPair: Ed25519KeyPair

    /// Wraps an existing key pair.
    public init(id: String, keyPair: Ed25519KeyPair) {
        self.id = id
        self.keyPair = keyPair
    }

    /// Restores a key from its id and 32-byte seed (as persisted by identity).
    ///
    /// - Throws: ``SodiumError`` if the seed is not 32 bytes.
    public init(id: String, seed: [UInt8]) throws {
        self.init(id: id, keyPair: try Ed25519KeyPair(seed: seed))
    }

    /// Generates a new random key; without an `id`, one of the form `"k"` + 8 random
    /// hexadecimal characters.
    public static func generate(id: String? = nil) -> SigningKey {
        SigningKey(id: id ?? "k" + Hex.encode(Random.bytes(4)), keyPair: .generate())
    }

    /// The public half, to publish through `identity.keys`.
    public var verificationKey: VerificationKey {
        VerificationKey(id: id, publicKey: keyPair.publicKey)
    }
}
