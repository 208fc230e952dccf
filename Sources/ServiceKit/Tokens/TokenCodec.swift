import Foundation
import Sodium

/// Encodes and decodes access tokens: `base64url(JSON claims) "." base64url(signature)`,
/// the Ed25519 signature covering the exact claims JSON bytes (PROTOCOL.md §6).
///
/// The codec does not judge validity (keys, expiry, revocation): that is
/// ``TokenVerifier``'s job.
public enum TokenCodec {
    /// Longest token accepted, in bytes; anything longer is ``TokenError/malformed``
    /// without being decoded.
    public static let maximumLength = 8192

    /// Signs `claims` with `key`, setting the `kid` claim to the key's id, and returns
    /// the token.
    public static func sign(_ claims: AccessClaims, with key: SigningKey) -> String {
        var claims = claims
        claims.kid = key.id
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let message: [UInt8]
        do {
            message = Array(try encoder.encode(claims))
        } catch {
            // Only strings, integers and booleans: encoding cannot fail.
            preconditionFailure("encoding access claims failed: \(error)")
        }
        let signature = key.keyPair.sign(message)
        return Base64URL.encode(message) + "." + Base64URL.encode(signature)
    }

    /// Splits and decodes `token` without checking its signature.
    ///
    /// - Returns: the claims, the signed message (the decoded first part, i.e. the
    ///   claims JSON bytes) and the 64-byte signature; nil if the token is malformed
    ///   in any way (never traps, whatever the input).
    public static func decodeUnverified(_ token: String) -> (claims: AccessClaims, message: [UInt8], signature: [UInt8])? {
        let bytes = token.utf8
        guard !bytes.isEmpty, bytes.count <= maximumLength,
              let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let head = bytes[..<dot]
        let tail = bytes[bytes.index(after: dot)...]
        guard !head.isEmpty, !tail.isEmpty, !tail.contains(UInt8(ascii: ".")),
              let message = Base64URL.decode(head),
              let signature = Base64URL.decode(tail),
              signature.count == Ed25519.signatureByteCount,
              let claims = try? JSONDecoder().decode(AccessClaims.self, from: Data(message))
        else { return nil }
        return (claims, message, signature)
    }
}
