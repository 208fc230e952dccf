import CSodium

/// HMAC-SHA-256 (`crypto_auth_hmacsha256_*`) with a key of any length.
public enum HMACSHA256 {
    /// Length of an authentication tag in bytes (32).
    public static let byteCount = Int(crypto_auth_hmacsha256_BYTES)

    /// Returns the 32-byte HMAC-SHA-256 of `message` under `key` (RFC 2104; keys longer
    /// than the block size are hashed first, as the RFC says).
    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        Sodium.initialize()
        var state = crypto_auth_hmacsha256_state()
        var out = [UInt8](repeating: 0, count: byteCount)
        // Arrays passed as pointer arguments are never NULL, even when empty.
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        _ = crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        _ = crypto_auth_hmacsha256_final(&state, &out)
        withUnsafeMutableBytes(of: &state) { sodium_memzero($0.baseAddress!, $0.count) }
        return out
    }

    /// Returns whether `tag` is the HMAC-SHA-256 of `message` under `key`, in constant time.
    public static func verify(_ tag: [UInt8], message: [UInt8], key: [UInt8]) -> Bool {
        ConstantTime.equal(authenticate(message, key: key), tag)
    }
}
