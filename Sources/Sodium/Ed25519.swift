import CSodium

/// An Ed25519 signing key pair (`crypto_sign_*`).
public struct Ed25519KeyPair: Sendable {
    /// Length of a public key in bytes (32).
    public static let publicKeyByteCount = Int(crypto_sign_ed25519_PUBLICKEYBYTES)
    /// Length of a secret key in bytes (64: the seed followed by the public key).
    public static let secretKeyByteCount = Int(crypto_sign_ed25519_SECRETKEYBYTES)
    /// Length of a seed in bytes (32).
    public static let seedByteCount = Int(crypto_sign_ed25519_SEEDBYTES)

    /// The 32-byte public key.
    public let publicKey: [UInt8]
    /// The 64-byte secret key (libsodium's layout: seed, then public key).
    public let secretKey: [UInt8]

    private init(publicKey: [UInt8], secretKey: [UInt8]) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Generates a new random key pair.
    public static func generate() -> Ed25519KeyPair {
        Sodium.initialize()
        var pk = [UInt8](repeating: 0, count: publicKeyByteCount)
        var sk = [UInt8](repeating: 0, count: secretKeyByteCount)
        _ = crypto_sign_ed25519_keypair(&pk, &sk)
        return Ed25519KeyPair(publicKey: pk, secretKey: sk)
    }

    /// Derives the key pair deterministically from a 32-byte seed.
    ///
    /// - Throws: ``SodiumError`` if the seed is not 32 bytes long.
    public init(seed: [UInt8]) throws {
        Sodium.initialize()
        guard seed.count == Self.seedByteCount else {
            throw SodiumError("an Ed25519 seed must be \(Self.seedByteCount) bytes, got \(seed.count)")
        }
        var pk = [UInt8](repeating: 0, count: Self.publicKeyByteCount)
        var sk = [UInt8](repeating: 0, count: Self.secretKeyByteCount)
        _ = crypto_sign_ed25519_seed_keypair(&pk, &sk, seed)
        self.init(publicKey: pk, secretKey: sk)
    }

    /// Restores a key pair from its 64-byte secret key (e.g. one read from storage).
    ///
    /// - Throws: ``SodiumError`` if the length is wrong or the embedded public key does
    ///   not belong to the embedded seed.
    public init(secretKey: [UInt8]) throws {
        guard secretKey.count == Self.secretKeyByteCount else {
            throw SodiumError("an Ed25519 secret key must be \(Self.secretKeyByteCount) bytes, got \(secretKey.count)")
        }
        let derived = try Ed25519KeyPair(seed: Array(secretKey.prefix(Self.seedByteCount)))
        guard ConstantTime.equal(derived.secretKey, secretKey) else {
            throw SodiumError("the Ed25519 secret key is inconsistent with its public key")
        }
        self = derived
    }

    /// The 32-byte seed this key pair derives from (the first half of ``secretKey``).
    public var seed: [UInt8] {
        Array(secretKey.prefix(Self.seedByteCount))
    }

    /// Returns the 64-byte detached signature of `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        Sodium.initialize()
        var signature = [UInt8](repeating: 0, count: Ed25519.signatureByteCount)
        _ = crypto_sign_ed25519_detached(&signature, nil, message, UInt64(message.count), secretKey)
        return signature
    }
}

/// Ed25519 signature verification.
public enum Ed25519 {
    /// Length of a signature in bytes (64).
    public static let signatureByteCount = Int(crypto_sign_ed25519_BYTES)

    /// Returns whether `signature` is a valid signature of `message` by `publicKey`.
    ///
    /// Wrong lengths of signature or key give `false`, never a crash.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        Sodium.initialize()
        guard signature.count == signatureByteCount,
              publicKey.count == Ed25519KeyPair.publicKeyByteCount else { return false }
        return crypto_sign_ed25519_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }
}
