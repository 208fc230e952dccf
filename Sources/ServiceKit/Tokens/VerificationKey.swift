import Foundation
import Sodium

/// A public token-verification key as published by `identity.keys`:
/// `{"id": "k3f9a01c2", "public_key": "<base64url of 32 bytes>"}`.
public struct VerificationKey: Codable, Sendable, Equatable, Hashable {
    /// The key id that tokens signed with this key carry in `kid`.
    public let id: String
    /// The Ed25519 public key, base64url without padding.
    public let publicKey: String

    private enum CodingKeys: String, CodingKey {
        case id
        case publicKey = "public_key"
    }

    /// Creates a key from its base64url text, as received.
    public init(id: String, publicKey: String) {
        self.id = id
        self.publicKey = publicKey
    }

    /// Creates a key from the raw 32 public-key bytes.
    public init(id: String, publicKey: [UInt8]) {
        self.init(id: id, publicKey: Base64URL.encode(publicKey))
    }

    /// The raw public key, or nil if ``publicKey`` is not base64url of 32 bytes.
    public var publicKeyBytes: [UInt8]? {
        guard let bytes = Base64URL.decode(publicKey),
              bytes.count == Ed25519KeyPair.publicKeyByteCount else { return nil }
        return bytes
    }
}
