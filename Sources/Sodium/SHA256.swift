import CSodium

/// SHA-256 (`crypto_hash_sha256`), e.g. for content addressing and cache keys.
public enum SHA256 {
    /// Length of a digest in bytes (32).
    public static let byteCount = Int(crypto_hash_sha256_BYTES)

    /// Returns the 32-byte SHA-256 digest of `data`.
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        Sodium.initialize()
        var out = [UInt8](repeating: 0, count: byteCount)
        _ = crypto_hash_sha256(&out, data, UInt64(data.count))
        return out
    }

    /// Returns the SHA-256 digest of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> [UInt8] {
        hash(Array(text.utf8))
    }

    /// Returns the SHA-256 digest of `data` as 64 lowercase hexadecimal characters.
    public static func hex(_ data: [UInt8]) -> String {
        Hex.encode(hash(data))
    }
}
