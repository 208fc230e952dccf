import Bus
import Foundation
import ServiceKit
import Sodium
import Store
import Support

/// What a token operation needs to know, fixed before its write transaction starts.
struct TokenTerms: Sendable {
    var key: SigningKey
    var now: Date
    var accessLifetime: TimeInterval
    var refreshLifetime: TimeInterval
    /// Event stream and trace of the request, for `identity.token_revoked`.
    var stream: String
    var traceID: String?
}

/// Access and refresh tokens in identity's store. Every function runs inside the caller's write
/// transaction, so a rotation, a reuse detection or a revocation and its events commit together.
///
/// A login opens a *family*; each refresh exchanges the family's newest refresh token for a new
/// one (rotation). Refresh tokens are stored as their SHA-256 only. Presenting a refresh token
/// that was already exchanged is reuse — someone holds a copy — and revokes the whole family:
/// its refresh tokens stop working and every live access token of the family is announced with
/// `identity.token_revoked` so every service refuses it at once.
enum TokenLedger {
    /// The outcome of presenting a refresh token.
    enum Exchange: Sendable {
        case issued(TokenPair)
        /// Reuse detected: the family was revoked (these access tokens announced).
        case reused([TokenRevoked])
        case refused(String)
    }

    /// Opens a new family for `account` and issues its first tokens.
    static func open(_ db: Database, account: Account, terms: TokenTerms) throws -> TokenPair {
        let family = "f" + Hex.encode(Random.bytes(10))
        try db.run("INSERT INTO token_families (id, account_id, created_at) VALUES (?, ?, ?)",
                   [.text(family), .text(account.id), .real(terms.now.timeIntervalSince1970)])
        return try issue(db, account: account, family: family, terms: terms)
    }

    /// Exchanges `refreshToken` for new tokens of the same family.
    static func exchange(_ db: Database, refreshToken: String, terms: TokenTerms) throws -> Exchange {
        let hash = digest(refreshToken)
        guard let row = try db.queryOne("""
            SELECT r.family_id, r.expires_at, r.used_at, f.revoked_at, f.account_id
            FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id WHERE r.hash = ?
            """, [.text(hash)]), let family = row.string("family_id"), let accountID = row.string("account_id") else {
            return .refused("refresh token tidak dikenal (unknown refresh token)")
        }
        if row.double("revoked_at") != nil { return .refused("sesi sudah berakhir (session ended): log in again") }
        if row.double("used_at") != nil {
            return .reused(try revoke(db, family: family, reason: "refresh_token_reuse", terms: terms))
        }
        let now = terms.now.timeIntervalSince1970
        if (row.double("expires_at") ?? 0) <= now { return .refused("refresh token kedaluwarsa (expired): log in again") }
        guard let account = try Account.find(db, id: accountID), account.status == "active" else {
            _ = try revoke(db, family: family, reason: "account_inactive", terms: terms)
            return .refused("akun tidak aktif (account inactive)")
        }
        try db.run("UPDATE refresh_tokens SET used_at = ? WHERE hash = ?", [.real(now), .text(hash)])
        return .issued(try issue(db, account: account, family: family, terms: terms))
    }

    /// The family of a refresh token, or of an access token's id.
    static func family(_ db: Database, refreshToken: String? = nil, accessTokenID: String? = nil) throws -> String? {
        if let refreshToken {
            return try db.queryOne("SELECT family_id FROM refresh_tokens WHERE hash = ?", [.text(digest(refreshToken))])?.string("family_id")
        }
        guard let accessTokenID else { return nil }
        return try db.queryOne("SELECT family_id FROM access_tokens WHERE jti = ?", [.text(accessTokenID)])?.string("family_id")
    }

    /// Revokes a family: its refresh tokens stop working, its live access tokens are marked
    /// revoked and announced. Returns what was announced (nothing if it was already revoked).
    static func revoke(_ db: Database, family: String, reason: String, terms: TokenTerms) throws -> [TokenRevoked] {
        let now = terms.now.timeIntervalSince1970
        let changed = try db.run("UPDATE token_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
                                 [.real(now), .text(reason), .text(family)])
        guard changed > 0 else { return [] }
        let live = try db.query("SELECT jti, account_id, expires_at FROM access_tokens WHERE family_id = ? AND revoked_at IS NULL AND expires_at > ?",
                                [.text(family), .integer(Int64(now.rounded(.down)))]).map {
            TokenRevoked(jti: $0.string("jti") ?? "", exp: $0.int("expires_at") ?? 0, sub: $0.string("account_id"))
        }
        try db.run("UPDATE access_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", [.real(now), .text(family)])
        for revocation in live {
            try Outbox.append(db, stream: terms.stream, type: IdentityEvent.tokenRevoked, data: revocation, time: terms.now,
                              traceID: terms.traceID, subject: revocation.sub)
        }
        return live
    }

    /// Revoked access tokens that have not expired yet, for the service's own verifier at start.
    static func liveRevocations(_ db: Database, now: Date) throws -> [TokenRevoked] {
        try db.query("SELECT jti, account_id, expires_at FROM access_tokens WHERE revoked_at IS NOT NULL AND expires_at > ?",
                     [.integer(Int64(now.timeIntervalSince1970))]).map {
            TokenRevoked(jti: $0.string("jti") ?? "", exp: $0.int("expires_at") ?? 0, sub: $0.string("account_id"))
        }
    }

    /// Forgets tokens that expired more than `grace` ago (reuse of such a refresh token is then
    /// just "unknown", which refuses it all the same).
    static func purge(_ db: Database, before cutoff: Date) throws {
        let seconds = cutoff.timeIntervalSince1970
        try db.run("DELETE FROM access_tokens WHERE expires_at < ?", [.integer(Int64(seconds))])
        try db.run("DELETE FROM refresh_tokens WHERE expires_at < ?", [.real(seconds)])
        try db.run("""
            DELETE FROM token_families WHERE created_at < ?
              AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = token_families.id)
              AND NOT EXISTS (SELECT 1 FROM access_tokens a WHERE a.family_id = token_families.id)
            """, [.real(seconds)])
    }

    /// The stored form of a refresh token.
    static func digest(_ refreshToken: String) -> String {
        SHA256.hex(Array(refreshToken.utf8))
    }

    private static func issue(_ db: Database, account: Account, family: String, terms: TokenTerms) throws -> TokenPair {
        let claims = account.claims(issuedAt: terms.now, lifetime: terms.accessLifetime)
        let access = TokenCodec.sign(claims, with: terms.key)
        let refresh = "rt_" + Base64URL.encode(Random.bytes(32))
        let refreshExpiry = terms.now + terms.refreshLifetime
        try db.run("INSERT INTO access_tokens (jti, family_id, account_id, expires_at) VALUES (?, ?, ?, ?)",
                   [.text(claims.jti), .text(family), .text(account.id), .integer(Int64(claims.exp))])
        try db.run("INSERT INTO refresh_tokens (hash, family_id, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                   [.text(digest(refresh)), .text(family), .real(terms.now.timeIntervalSince1970), .real(refreshExpiry.timeIntervalSince1970)])
        return TokenPair(access_token: access, token_type: "Bearer", expires_at: claims.exp, expires_in: claims.exp - claims.iat,
                         refresh_token: refresh, refresh_expires_at: Int(refreshExpiry.timeIntervalSince1970), sub: account.id,
                         role: account.role)
    }
}
