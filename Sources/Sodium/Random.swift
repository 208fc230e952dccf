import CSodium

/// Cryptographically secure random numbers (`randombytes_*`).
public enum Random {
    /// Returns `n` random bytes; an empty array when `n <= 0`.
    public static func bytes(_ n: Int) -> [UInt8] {
        Sodium.initialize()
        guard n > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: n)
        out.withUnsafeMutableBytes { buffer in
            randombytes_buf(buffer.baseAddress!, buffer.count)
        }
        return out
    }

    /// Returns a uniformly distributed number in `0..<upperBound`, without modulo bias.
    ///
    /// Returns 0 when `upperBound` is 0 or 1.
    public static func uniform(_ upperBound: UInt32) -> UInt32 {
        Sodium.initialize()
        return randombytes_uniform(upperBound)
    }
}
