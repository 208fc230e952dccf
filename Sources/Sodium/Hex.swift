import CSodium

/// Hexadecimal encoding in constant time (`sodium_bin2hex`, `sodium_hex2bin`).
public enum Hex {
    /// Encodes `bytes` as lowercase hexadecimal, two characters per byte.
    public static func encode(_ bytes: [UInt8]) -> String {
        Sodium.initialize()
        var out = [CChar](repeating: 0, count: bytes.count * 2 + 1)
        let capacity = out.count
        _ = sodium_bin2hex(&out, capacity, bytes, bytes.count)
        return String(decoding: out.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Decodes hexadecimal (either case). Returns nil for an odd length or any
    /// character that is not a hexadecimal digit.
    public static func decode(_ text: String) -> [UInt8]? {
        Sodium.initialize()
        let input = Array(text.utf8)
        guard input.count % 2 == 0 else { return nil }
        guard !input.isEmpty else { return [] }
        var out = [UInt8](repeating: 0, count: input.count / 2)
        var decodedLength = 0
        let status = input.withUnsafeBytes { source in
            out.withUnsafeMutableBufferPointer { target in
                sodium_hex2bin(target.baseAddress!, target.count,
                               source.baseAddress!.assumingMemoryBound(to: CChar.self), source.count,
                               nil, &decodedLength, nil)
            }
        }
        guard status == 0, decodedLength == out.count else { return nil }
        return out
    }
}
