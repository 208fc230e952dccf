import Foundation
import Sodium

/// The claims of an access token (PROTOCOL.md §6), encoded as the token's JSON first part.
///
/// Property names are the claim names on the wire. Optional claims that are nil are
/// left out of the JSON.
public struct AccessClaims: Codable, Sendable, Equatable {
    /// Subject: the citizen's or staff member's id.
    public var sub: String
    /// The role of the subject.
    public var role: Role
    /// The agency (OPD) a staff member belongs to, if any.
    public var agency: String?
    /// The region code (Kemendagri) the subject's scope is limited to, if any.
    public var region: String?
    /// Issued at, in seconds since 1970.
    public var iat: Int
    /// Expires at, in seconds since 1970: the token is invalid from this second on.
    public var exp: Int
    /// Token id, unique per token: the handle for revocation.
    public var jti: String
    /// Id of the signing key; ``TokenCodec/sign(_:with:)`` sets it.
    public var kid: String
    /// Identity assurance of a citizen (NIK checked against the population register).
    public var verified: Bool?
    /// Display name of the subject.
    public var name: String?

    /// Creates claims. `kid` is overwritten with the signing key's id when signed.
    public init(
        sub: String, role: Role, agency: String? = nil, region: String? = nil,
        iat: Int, exp: Int, jti: String = AccessClaims.newTokenID(), kid: String = "",
        verified: Bool? = nil, name: String? = nil
    ) {
        self.sub = sub
        self.role = role
        self.agency = agency
        self.region = region
        self.iat = iat
        self.exp = exp
        self.jti = jti
        self.kid = kid
        self.verified = verified
        self.name = name
    }

    /// Creates claims issued at `issuedAt` and valid for `lifetime` seconds.
    public init(
        sub: String, role: Role, agency: String? = nil, region: String? = nil,
        issuedAt: Date, lifetime: TimeInterval, jti: String = AccessClaims.newTokenID(),
        verified: Bool? = nil, name: String? = nil
    ) {
        let iat = Int(issuedAt.timeIntervalSince1970.rounded(.down))
        self.init(sub: sub, role: role, agency: agency, region: region,
                  iat: iat, exp: iat + Int(lifetime.rounded(.up)), jti: jti,
                  verified: verified, name: name)
    }

    /// ``iat`` as a date.
    public var issuedAt: Date { Date(timeIntervalSince1970: TimeInterval(iat)) }
    /// ``exp`` as a date.
    public var expiresAt: Date { Date(timeIntervalSince1970: TimeInterval(exp)) }

    /// A fresh random token id: 16 random bytes, base64url (22 characters).
    public static func newTokenID() -> String {
        Base64URL.encode(Random.bytes(16))
    }
}
