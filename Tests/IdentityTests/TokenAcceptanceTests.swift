import Bus
import Foundation
import Identity
import ServiceKit
import Sodium
import Support
import TestKit
import Testing

/// Another service (a "probe" with one authenticated method) checking identity's tokens with
/// the shared kit: keys from `identity.keys`, revocations from `identity.token_revoked`.
struct ProbeService: Sendable {
    let host: ServiceHost
    let endpoint: String
    let subscriber: EventSubscriber

    static func start(following identity: IdentityStack) async throws -> ProbeService {
        let folder = temporaryFolder("mpp-identity-probe")
        let host = try await ServiceHost(configuration: try ServiceConfiguration.fromEnvironment(
            service: "probe", environment: Environment(serviceEnvironment(folder))), migrations: [], publishesEvents: false, logSink: .memory())
        host.methods.on("probe.whoami") { (_: Empty, context: RequestContext) in try host.auth.claims(context) }
        let verifier = host.auth.verifier
        // What `Authenticator.followIdentity` does through discovery, wired to the known endpoints.
        let keys: IdentityKeys = try await identity.call("identity.keys", Empty())
        verifier.setKeys(keys.keys)
        let subscriber = EventSubscriber(consumer: "probe-revocations", store: host.store, client: identity.rpc,
                                         topics: [IdentityEvent.tokenRevoked], logger: host.logger, metrics: host.metrics) { _, delivered in
            let revocation = try delivered.event.decodeData(TokenRevoked.self)
            verifier.revoke(jti: revocation.jti, until: Date(timeIntervalSince1970: TimeInterval(revocation.exp)))
        }
        try await subscriber.start()
        try await subscriber.follow(EventSource(events: identity.events, rpc: identity.endpoint))
        let endpoint = try await host.start().rpc
        return ProbeService(host: host, endpoint: endpoint, subscriber: subscriber)
    }

    func whoami(_ token: String, _ rpc: RPCClient) async throws -> Outcome {
        try await rpc.send(to: endpoint, method: "probe.whoami", metadata: RequestMetadata(token: token), body: Array("{}".utf8))
    }

    func refreshKeys(from identity: IdentityStack) async throws {
        let keys: IdentityKeys = try await identity.call("identity.keys", Empty())
        host.auth.verifier.setKeys(keys.keys)
    }

    func stop() async {
        await subscriber.stop()
        await host.shutdown()
    }
}

@Suite("Tokens checked by another service")
struct TokenAcceptanceTests {
    @Test func anotherServiceAcceptsGoodTokensAndRefusesBadOnes() async throws {
        let clock = ManualClock(Date())
        let stack = try await IdentityStack.start(clock: clock)
        defer { Task { await stack.stop() } }
        let probe = try await ProbeService.start(following: stack)
        defer { Task { await probe.stop() } }
        let registered = try await stack.registerCitizen()
        let pair = try await stack.login()

        // Accepted, and the claims are identity's.
        let accepted = try await probe.whoami(pair.access_token, stack.rpc)
        let claims = try JSON.decode(AccessClaims.self, from: accepted.body)
        #expect(claims.sub == registered.sub)
        #expect(claims.role == .citizen)
        #expect(claims.verified == false)
        #expect(claims.exp - claims.iat == 900)
        #expect(stack.service.keys.current.id == claims.kid)

        // Forged: claims changed under the same signature.
        let parts = pair.access_token.split(separator: ".")
        try #require(parts.count == 2)
        var raised = claims
        raised.role = .ops
        let raisedClaims = try #require(TokenCodec.sign(raised, with: SigningKey.generate(id: claims.kid)).split(separator: ".").first)
        let forged = String(raisedClaims) + "." + parts[1]
        #expect(try await probe.whoami(forged, stack.rpc).error?.code == .unauthenticated)

        // Signed by a key identity never published.
        let stranger = TokenCodec.sign(AccessClaims(sub: registered.sub, role: .ops, issuedAt: Date(), lifetime: 600), with: SigningKey.generate())
        let unknown = try await probe.whoami(stranger, stack.rpc)
        #expect(unknown.error?.code == .unauthenticated)
        #expect(unknown.error?.message.contains("unknown key") == true)

        // Expired: issued by identity two hours ago.
        clock.set(Date() - 7_200)
        let old = try await stack.login()
        clock.set(Date())
        let expired = try await probe.whoami(old.access_token, stack.rpc)
        #expect(expired.error?.code == .unauthenticated)
        #expect(expired.error?.message.contains("expired") == true)

        // Revoked: logout reaches the other service through identity.token_revoked.
        let _: LogoutReply = try await stack.call("identity.logout", LogoutRequest(), token: pair.access_token)
        #expect(try await eventually(timeout: .seconds(5)) { try await probe.whoami(pair.access_token, stack.rpc).error?.code == .unauthenticated })
        #expect(try await probe.whoami(pair.access_token, stack.rpc).error?.message.contains("revoked") == true)
    }

    @Test func keyRotationLogsNobodyOut() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let probe = try await ProbeService.start(following: stack)
        defer { Task { await probe.stop() } }
        _ = try await stack.registerCitizen()
        let before = try await stack.login()
        let opsToken = try await stack.opsToken()
        #expect(try await stack.failure("identity.keys.rotate", Empty(), token: before.access_token).code == .permissionDenied)

        let rotated: KeysRotated = try await stack.call("identity.keys.rotate", Empty(), token: opsToken, key: UUID().uuidString)
        try #require(rotated.published.count == 2)
        #expect(rotated.published.first == rotated.current)
        try await probe.refreshKeys(from: stack)
        let after = try await stack.login()
        #expect(TokenCodec.decodeUnverified(after.access_token)?.claims.kid == rotated.current)
        #expect(TokenCodec.decodeUnverified(before.access_token)?.claims.kid == rotated.published[1])
        for token in [before.access_token, after.access_token] {
            #expect(try await probe.whoami(token, stack.rpc).error == nil)
            let _: AccountView = try await stack.call("identity.me", Empty(), token: token)
        }
        // Tokens signed before the rotation still refresh, now under the new key.
        let refreshed: TokenPair = try await stack.call("identity.refresh", RefreshRequest(refresh_token: before.refresh_token))
        #expect(TokenCodec.decodeUnverified(refreshed.access_token)?.claims.kid == rotated.current)
    }

    @Test func keysSurviveARestart() async throws {
        let first = try await IdentityStack.start()
        _ = try await first.registerCitizen()
        let pair = try await first.login()
        let keys: IdentityKeys = try await first.call("identity.keys", Empty())
        await first.host.shutdown()
        await first.rpc.shutdown()

        let second = try await IdentityStack.start(folder: first.folder)
        defer { Task { await second.stop() } }
        let again: IdentityKeys = try await second.call("identity.keys", Empty())
        #expect(again.keys == keys.keys)
        let _: AccountView = try await second.call("identity.me", Empty(), token: pair.access_token)
        // A logout before the restart stays in force after it.
        let _: LogoutReply = try await second.call("identity.logout", LogoutRequest(), token: pair.access_token)
        await second.host.shutdown()
        let third = try await IdentityStack.start(folder: first.folder)
        defer { Task { await third.stop() } }
        #expect(try await third.failure("identity.me", Empty(), token: pair.access_token).code == .unauthenticated)
        // No seed, password or token in the logs.
        let logs = (first.logs.captured + second.logs.captured + third.logs.captured).joined(separator: "\n")
        #expect(!logs.contains(pair.access_token))
        #expect(!logs.contains(pair.refresh_token))
    }
}
