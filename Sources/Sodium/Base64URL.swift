import CSodium

/// Base64 with the URL-safe alphabet (`-` and `_`) and no padding (RFC 4648 §5), as
/// used in access tokens.
public enum Base64URL {
    /// Encodes `bytes` without padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        Sodium.initialize()
        let variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING
        let length = sodium_base64_encoded_len(bytes.count, variant)  // includes the NUL
        var out = [CChar](repeating: 0, count: length)
        _ = sodium_bin2base64(&out, length, bytes, bytes.count, variant)
        return String(decoding: out.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Decodes strictly: returns nil for padding, whitespace, characters outside the
    /// URL-safe alphabet, an impossible length, or non-zero trailing bits.
    public static func decode(_ text: String) -> [UInt8]? {
        decode(Array(text.utf8))
    }

    /// Decodes the ASCII bytes `text` (e.g. a slice of a token's UTF-8 view) with the same
    /// strictness as the `String` overload.
    public static func decode<Bytes: Collection>(_ text: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        Sodium.initialize()
        let input = Array(text)
        guard !input.isEmpty else { return [] }
        var out = [UInt8](repeating: 0, count: input.count * 3 / 4 + 1)
        var decodedLength = 0
        let status = input.withUnsafeBytes { source in
            out.withUnsafeMutableBufferPointer { target in
                sodium_base642bin(target.baseAddress!, target.count,
                                  source.baseAddress!.assumingMemoryBound(to: CChar.self), source.count,
                                  nil, &decodedLength, nil, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
            }
        }
        guard status == 0 else { return nil }
        return Array(out.prefix(decodedLength))
    }
}
