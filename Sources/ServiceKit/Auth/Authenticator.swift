import Bus
import Foundation
import Store
import Support

/// Checks the token of a request locally (PROTOCOL §6): Ed25519 with the keys from
/// `identity.keys`, a verified-token cache so a token is signature-checked once, and the
/// revocations announced by `identity.token_revoked`, kept in the service's own store so a
/// restart forgets none.
public final class Authenticator: Sendable {
    public let verifier: TokenVerifier

    public init(verifier: TokenVerifier = TokenVerifier()) { self.verifier = verifier }

    /// The verified claims of the request's token, or `unauthenticated`.
    public func claims(_ context: RequestContext) throws -> AccessClaims {
        guard let token = context.token, !token.isEmpty else {
            throw RPCError(.unauthenticated, "token wajib (sign in first: mpp login)")
        }
        do {
            return try verifier.verify(token)
        } catch {
            throw RPCError(.unauthenticated, Self.message(error), details: ["reason": .string("\(error)")])
        }
    }

    /// The bus's `RoleCheck` (`MethodTable.on(…, roles:)`): the caller's token is valid and its
    /// role one of `names`; else `unauthenticated` or `permission_denied`, before the body is read.
    public func admit(_ context: RequestContext, roleNames names: Set<String>) throws {
        let claims = try claims(context)
        guard names.contains(claims.role.rawValue) else {
            throw RPCError(.permissionDenied, "peran \(claims.role.rawValue) tidak diizinkan untuk \(context.method) (role not allowed)",
                           details: ["allowed_roles": .array(names.sorted().map { .string($0) })])
        }
    }

    /// Who is calling, for idempotency: the token's subject when it verifies, else the CURVE key name.
    public func callerIdentity(_ context: RequestContext) -> String {
        if let token = context.token, let claims = try? verifier.verify(token) { return "sub:" + claims.sub }
        return "key:" + (context.caller ?? "anonymous")
    }

    static func message(_ error: TokenError) -> String {
        switch error {
        case .expired: "token kedaluwarsa (expired): refresh or log in again"
        case .revoked: "token dicabut (revoked): log in again"
        case .unknownKey: "token ditandatangani kunci yang tidak dikenal (unknown key)"
        case .badSignature: "tanda tangan token tidak sah (forged)"
        case .notYetValid: "token belum berlaku (issued in the future)"
        case .malformed: "token tidak terbaca (malformed)"
        }
    }

    // MARK: following identity

    /// Keeps the verification keys fresh from their authenticated source (`TokenKeySource`:
    /// every `interval`, every second until the first keys arrive) and applies
    /// `identity.token_revoked` events durably.
    public func followIdentity(host: ServiceHost, interval: Duration = .seconds(30)) async throws {
        try await host.store.write { db in
            try db.execute("CREATE TABLE IF NOT EXISTS auth_revocations (jti TEXT PRIMARY KEY, until REAL NOT NULL);")
        }
        let now = host.clock.now().timeIntervalSince1970
        let revoked = try await host.store.read { db in
            try db.query("SELECT jti, until FROM auth_revocations WHERE until > ?", [.real(now)])
                .map { ($0.string("jti") ?? "", $0.double("until") ?? 0) }
        }
        for (jti, until) in revoked { verifier.revoke(jti: jti, until: Date(timeIntervalSince1970: until)) }

        let verifier = verifier, source = TokenKeySource(host: host)
        let refresher = Task {
            while !Task.isCancelled {
                let known = await source.refresh()
                try? await Task.sleep(for: source.interval(known: known, regular: interval))
            }
        }
        host.onShutdown { refresher.cancel() }
        _ = try await host.subscribe(to: "identity", consumer: "auth-revocations", topics: ["identity.token_revoked"]) { db, event in
            let revocation = try event.event.decodeData(TokenRevoked.self)
            try db.run("INSERT OR REPLACE INTO auth_revocations (jti, until) VALUES (?, ?)", [.text(revocation.jti), .real(Double(revocation.exp))])
            verifier.revoke(jti: revocation.jti, until: Date(timeIntervalSince1970: TimeInterval(revocation.exp)))
        }
    }
}

/// `identity.keys` reply: the current and previous token-verification keys.
public struct IdentityKeys: Codable, Sendable {
    public var keys: [VerificationKey]
    public init(keys: [VerificationKey]) { self.keys = keys }
}

/// Data of `identity.token_revoked`: the token id and when it would have expired anyway.
public struct TokenRevoked: Codable, Sendable {
    public var jti: String
    public var exp: Int
    public var sub: String?
    public init(jti: String, exp: Int, sub: String?) {
        self.jti = jti
        self.exp = exp
        self.sub = sub
    }
}
