/// Why an access token was refused. Every case maps to `unauthenticated` on the wire.
public enum TokenError: Error, Sendable, Equatable {
    /// Not a token: wrong shape, bad base64url, bad JSON, missing claims, too long.
    case malformed
    /// Signed with a key id the verifier does not know (or no longer knows).
    case unknownKey
    /// The signature does not match the claims: forged or tampered.
    case badSignature
    /// Past its `exp`.
    case expired
    /// Issued in the future (`iat` beyond the allowed clock skew).
    case notYetValid
    /// Revoked before its expiry (logout, `identity.token_revoked`).
    case revoked
}
