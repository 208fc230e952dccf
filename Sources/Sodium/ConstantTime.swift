import CSodium

/// Comparisons whose duration does not depend on the contents compared.
public enum ConstantTime {
    /// Returns whether `a` and `b` hold the same bytes (`sodium_memcmp`).
    ///
    /// The time taken depends only on the lengths; arrays of different lengths are
    /// never equal.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        Sodium.initialize()
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                sodium_memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0
            }
        }
    }
}
