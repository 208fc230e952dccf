import Bus
import Foundation
import Identity
import ServiceKit
import Support
import Testing

@Suite("Login, refresh, logout over the bus")
struct SessionTests {
    @Test func registerLoginRefreshLogoutRoundTrip() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let registered = try await stack.registerCitizen()
        let first = try await stack.login()
        #expect(first.sub == registered.sub)
        #expect(first.role == .citizen)
        #expect(first.token_type == "Bearer")
        #expect(first.expires_in == 900)
        #expect(first.refresh_expires_at - first.expires_at > 29 * 86_400)

        let me: AccountView = try await stack.call("identity.me", Empty(), token: first.access_token)
        #expect(me.sub == registered.sub)
        #expect(me.nik == "3273011501900001")

        let second: TokenPair = try await stack.call("identity.refresh", RefreshRequest(refresh_token: first.refresh_token))
        #expect(second.refresh_token != first.refresh_token)
        #expect(second.access_token != first.access_token)
        let again: AccountView = try await stack.call("identity.me", Empty(), token: second.access_token)
        #expect(again.sub == registered.sub)

        let logout: LogoutReply = try await stack.call("identity.logout", LogoutRequest(refresh_token: second.refresh_token),
                                                       key: UUID().uuidString)
        #expect(logout.revoked_access_tokens == 2)
        #expect(try await stack.failure("identity.me", Empty(), token: second.access_token).code == .unauthenticated)
        #expect(try await stack.failure("identity.me", Empty(), token: first.access_token).code == .unauthenticated)
        #expect(try await stack.failure("identity.refresh", RefreshRequest(refresh_token: second.refresh_token)).code == .unauthenticated)
    }

    @Test func logoutWithTheAccessTokenAlone() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        _ = try await stack.registerCitizen()
        let pair = try await stack.login()
        let other = try await stack.login()
        let reply: LogoutReply = try await stack.call("identity.logout", LogoutRequest(), token: pair.access_token)
        #expect(reply.revoked_access_tokens == 1)
        #expect(try await stack.failure("identity.refresh", RefreshRequest(refresh_token: pair.refresh_token)).code == .unauthenticated)
        // Another login (another device) is a separate family and stays.
        let _: AccountView = try await stack.call("identity.me", Empty(), token: other.access_token)
        #expect(try await stack.failure("identity.logout", LogoutRequest()).code == .unauthenticated)
    }

    @Test func reusingARotatedRefreshTokenRevokesTheFamily() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        _ = try await stack.registerCitizen()
        let first = try await stack.login()
        let second: TokenPair = try await stack.call("identity.refresh", RefreshRequest(refresh_token: first.refresh_token))

        // Someone replays the first refresh token.
        let reuse = try await stack.failure("identity.refresh", RefreshRequest(refresh_token: first.refresh_token))
        #expect(reuse.code == .unauthenticated)
        #expect(reuse.details?["reason"]?.stringValue == "refresh_token_reuse")

        #expect(try await stack.failure("identity.refresh", RefreshRequest(refresh_token: second.refresh_token)).code == .unauthenticated)
        #expect(try await stack.failure("identity.me", Empty(), token: second.access_token).code == .unauthenticated)
        #expect(try await stack.failure("identity.me", Empty(), token: first.access_token).code == .unauthenticated)

        // Both live access tokens of the family were announced.
        let events = try EventsReadReply(bytes: try await stack.send("events.read", EventsReadRequest(after: 0)).body)
        let revoked = try events.events.filter { $0.topic == IdentityEvent.tokenRevoked }.map { try $0.event.decodeData(TokenRevoked.self) }
        let claims = [first.access_token, second.access_token].compactMap { TokenCodec.decodeUnverified($0)?.claims }
        #expect(Set(revoked.map(\.jti)) == Set(claims.map(\.jti)))
        #expect(revoked.allSatisfy { $0.sub == first.sub && $0.exp > Int(Date().timeIntervalSince1970) })
    }

    @Test func refreshTokensAreStoredHashedOnly() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        _ = try await stack.registerCitizen()
        let pair: TokenPair = try await stack.call("identity.login", LoginRequest(nik: "3273011501900001", password: "kata-sandi-warga"),
                                                   key: "login-1")
        let stored = try await stack.host.store.read { db in
            try db.query("SELECT hash FROM refresh_tokens").compactMap { $0.string("hash") }
        }
        try #require(stored.count == 1)
        #expect(stored[0].count == 64)
        #expect(stored[0] != pair.refresh_token)
        // Nothing on disk holds the token itself (not even the idempotency table).
        let database = try Data(contentsOf: URL(fileURLWithPath: stack.host.configuration.databasePath))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: stack.host.configuration.databasePath + "-wal"))) ?? Data()
        for file in [database, wal] {
            #expect(file.range(of: Data(pair.refresh_token.utf8)) == nil)
            #expect(file.range(of: Data("kata-sandi-warga".utf8)) == nil)
        }
        // A retry with the same key gets the same tokens, from memory.
        let retry: TokenPair = try await stack.call("identity.login", LoginRequest(nik: "3273011501900001", password: "kata-sandi-warga"),
                                                    key: "login-1")
        #expect(retry == pair)
    }

    @Test func wrongPasswordsAndUnknownAccountsAnswerAlike() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        _ = try await stack.registerCitizen()
        let wrong = try await stack.failure("identity.login", LoginRequest(nik: "3273011501900001", password: "bukan-sandinya"))
        let unknown = try await stack.failure("identity.login", LoginRequest(nik: "3273011501900009", password: "bukan-sandinya"))
        #expect(wrong.code == .unauthenticated)
        #expect(wrong == unknown)
        let neither = try await stack.failure("identity.login", LoginRequest(password: "x"))
        #expect(neither.code == .invalidArgument)
        #expect(try await stack.failure("identity.login", LoginRequest(nik: "123", password: "x")).fields["nik"] != nil)
        // Neither the password nor the whole NIK reaches the logs.
        let logs = stack.logs.captured.joined(separator: "\n")
        #expect(!logs.contains("bukan-sandinya"))
        #expect(!logs.contains("3273011501900009"))
        #expect(!logs.contains("kata-sandi-warga"))
    }

    @Test func wrongPasswordsDelayTheAccountWithoutLockingIt() async throws {
        let clock = ManualClock(Date())
        let stack = try await IdentityStack.start(clock: clock)
        defer { Task { await stack.stop() } }
        _ = try await stack.registerCitizen()
        let wrong = LoginRequest(nik: "3273011501900001", password: "bukan-sandinya")
        for attempt in 1...20 {
            let error = try await stack.failure("identity.login", wrong)
            #expect(error.code == .unauthenticated, "attempt \(attempt)")
            if attempt == 5 {
                // From the fifth failure on, the next attempt must wait.
                let early = try await stack.failure("identity.login", wrong)
                #expect(early.code == .resourceExhausted)
                #expect(early.details?["limit"]?.stringValue == "account")
                #expect(early.details?["retry_at"]?.stringValue != nil)
            }
            clock.advance(by: 301)
        }
        // No lock: after the current delay (at most 5 min) the right password works.
        let pair = try await stack.login()
        #expect(!pair.access_token.isEmpty)
        let failures = try await stack.host.store.read { db in try db.queryOne("SELECT failed_logins FROM accounts WHERE nik = '3273011501900001'")?.int("failed_logins") }
        #expect(failures == 0)
    }

    @Test func unknownLoginsAreThrottledToo() async throws {
        let clock = ManualClock(Date())
        let stack = try await IdentityStack.start(clock: clock)
        defer { Task { await stack.stop() } }
        let probe = LoginRequest(username: "tidak.ada", password: "tebakan-saja")
        for _ in 1...5 { #expect(try await stack.failure("identity.login", probe).code == .unauthenticated) }
        #expect(try await stack.failure("identity.login", probe).code == .resourceExhausted)
    }
}
