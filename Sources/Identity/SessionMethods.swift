import Bus
import Foundation
import ServiceKit
import Support

/// `identity.login`, `identity.refresh`, `identity.logout`.
///
/// Login and refresh change state but are registered without durable idempotency: their
/// replies carry tokens, and the durable idempotency table would keep a plain copy of every
/// refresh token on disk. A retry with the same key still gets the first reply from memory.
extension IdentityService {
    /// Mutating, replayed from memory only (see above).
    static let tokenIssuing = MethodOptions(mutating: false)

    func registerSessionMethods() {
        host.methods.on("identity.login", Self.tokenIssuing) { [unowned self] (request: LoginRequest, context: RequestContext) in
            try await self.login(request, context)
        }
        host.methods.on("identity.refresh", Self.tokenIssuing) { [unowned self] (request: RefreshRequest, context: RequestContext) in
            try await self.refresh(request, context)
        }
        host.methods.on("identity.logout", .command) { [unowned self] (request: LogoutRequest, context: RequestContext) in
            try await self.logout(request, context)
        }
    }

    func login(_ request: LoginRequest, _ context: RequestContext) async throws -> TokenPair {
        let login = try Self.loginName(request)
        let now = host.clock.now()
        let caller = loginCaller(context)
        guard throttle.beginCheck(login.key) else {
            throw RPCError(.resourceExhausted, "login yang sama sedang diperiksa, coba lagi (a login for this account is in progress)",
                           details: ["retry_after_ms": 1_000])
        }
        defer { throttle.endCheck(login.key) }
        let account = try await host.store.read { db in
            login.isNIK ? try Account.find(db, nik: login.value) : try Account.find(db, username: login.value)
        }
        // Both dimensions at once, so that `retry_at` is the later of their waits (a read, no hash).
        try refuseIfDelayed(login, stored: account?.loginFailures, caller: caller, now: now)
        let matches: Bool
        if let account, account.status == "active" {
            matches = try await hasher.verify(request.password, hash: account.passwordHash)
        } else {
            matches = try await hasher.verifyDecoy(request.password)
        }
        guard matches, let account else {
            try await recordFailedLogin(login, account: account, caller: caller, now: now, context: context)
            context.logger.info("login refused", ["login": .string(login.masked), "known": .bool(account != nil)])
            throw RPCError(.unauthenticated, "NIK/nama pengguna atau kata sandi salah (wrong login or password)")
        }
        let rehash = hasher.needsRehash(account.passwordHash) ? try? await hasher.hash(request.password) : nil
        let terms = terms(context)
        let pair = try await host.store.write { db in
            try Account.clearFailedLogins(db, id: account.id)
            if let rehash { try Account.setPasswordHash(db, id: account.id, hash: rehash) }
            return try TokenLedger.open(db, account: account, terms: terms)
        }
        context.logger.info("login", ["sub": .string(account.id), "role": .string(account.role.rawValue)])
        return pair
    }

    func refresh(_ request: RefreshRequest, _ context: RequestContext) async throws -> TokenPair {
        guard (1...256).contains(request.refresh_token.utf8.count) else {
            throw RPCError.invalid(["refresh_token": "wajib diisi (required)"])
        }
        let terms = terms(context)
        let exchange = try await host.store.write { db in try TokenLedger.exchange(db, refreshToken: request.refresh_token, terms: terms) }
        switch exchange {
        case .issued(let pair):
            return pair
        case .reused(let revoked):
            apply(revoked)
            context.logger.warning("refresh token reused: login revoked", ["access_tokens_revoked": .number(Double(revoked.count))])
            throw RPCError(.unauthenticated, "refresh token sudah pernah dipakai: sesi ini dicabut, silakan login lagi (reuse detected, session revoked)",
                           details: ["reason": "refresh_token_reuse"])
        case .refused(let reason):
            throw RPCError(.unauthenticated, reason)
        }
    }

    func logout(_ request: LogoutRequest, _ context: RequestContext) async throws -> LogoutReply {
        let claims = context.token == nil ? nil : try host.auth.claims(context)
        guard request.refresh_token != nil || claims != nil else {
            throw RPCError(.unauthenticated, "token atau refresh_token wajib (give the access token or the refresh token)")
        }
        let terms = terms(context)
        let revoked = try await host.store.write { db -> [TokenRevoked] in
            let family = try request.refresh_token.flatMap { try TokenLedger.family(db, refreshToken: $0) }
                ?? claims.flatMap { try TokenLedger.family(db, accessTokenID: $0.jti) }
            guard let family else { return [] }
            return try TokenLedger.revoke(db, family: family, reason: "logout", terms: terms)
        }
        apply(revoked)
        return LogoutReply(revoked_access_tokens: revoked.count)
    }

    // MARK: rules

    struct LoginName {
        var isNIK: Bool
        var value: String
        var key: String { (isNIK ? "nik:" : "user:") + value }
        var masked: String { isNIK ? String(value.prefix(6)) + "**********" : value }
    }

    static func loginName(_ request: LoginRequest) throws -> LoginName {
        guard !request.password.isEmpty, request.password.utf8.count <= 1024 else {
            throw RPCError.invalid(["password": "wajib diisi, maksimal 1024 byte (required)"])
        }
        switch (request.nik, request.username) {
        case (let nik?, nil):
            let digits = nik.filter { !" .-".contains($0) }
            guard digits.count == 16, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw RPCError.invalid(["nik": "harus 16 digit (must be 16 digits)"])
            }
            return LoginName(isNIK: true, value: digits)
        case (nil, let username?):
            let name = username.trimmingCharacters(in: .whitespaces).lowercased()
            guard (1...64).contains(name.count) else { throw RPCError.invalid(["username": "wajib diisi (required)"]) }
            return LoginName(isNIK: false, value: name)
        default:
            throw RPCError.invalid(["nik": "isi nik (warga) atau username (staf), salah satu (exactly one of nik or username)"])
        }
    }
}
