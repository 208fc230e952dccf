import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// The failed-login rules around `identity.login` (``LoginPolicy``: delays per account and per
/// caller, never a lock; the owner told of a burst). Unlocking at a counter: `UnlockMethods.swift`.
extension IdentityService {
    /// Who is calling, for the per-caller dimension: the connection's CURVE key name
    /// (`anonymous` in plain mode). When the gateway passes client addresses, this is where the
    /// address takes over (and `MPP_LOGIN_EXEMPT_CALLERS` then lists MPP sites' addresses).
    func loginCaller(_ context: RequestContext) -> String {
        context.caller ?? "anonymous"
    }

    /// Throws `resource_exhausted` with `retry_at` while either dimension says wait. `stored` is
    /// the account's own record; nil when the login names no account (its record is in memory).
    func refuseIfDelayed(_ login: LoginName, stored: FailureRecord?, caller: String, now: Date) throws {
        let decision = throttle.decide(login: login.key, account: stored, caller: caller, now: now)
        guard case .wait(let until, let limit) = decision else { return }
        let milliseconds = max(1, Int((until.timeIntervalSince(now) * 1_000).rounded(.up)))
        let message = limit == .account
            ? "terlalu banyak kata sandi salah untuk akun ini: coba lagi setelah jeda (too many wrong passwords for this account: retry after the delay)"
            : "terlalu banyak percobaan gagal dari sambungan ini: coba lagi setelah jeda (too many failed logins from this connection: retry after the delay)"
        host.metrics.increment("identity.login_delayed")
        throw RPCError(.resourceExhausted, message, details: [
            "retry_at": .string(CloudEvent.format(until)), "retry_after_ms": .number(Double(milliseconds)),
            "limit": .string(limit.rawValue), "reason": "login_delay",
        ])
    }

    /// Counts a wrong password: the caller and unknown login names in memory, the account in
    /// its row, and, in the same transaction, the owner's alert when this failure completes a burst.
    func recordFailedLogin(_ login: LoginName, account: Account?, caller: String, now: Date, context: RequestContext) async throws {
        throttle.recordFailure(login: login.key, knownAccount: account != nil, caller: caller, now: now)
        guard let account else { return }
        let policy = settings.login, stream = host.configuration.stream
        let region = account.region ?? account.nik.flatMap { RegionCode(String($0.prefix(4)))?.value }
        let alert = try await host.store.write { db -> IdentityEvents.LoginAttackSuspected? in
            guard let stored = try Account.find(db, id: account.id) else { return nil }
            let failures = policy.account.failed(stored.loginFailures, now: now)
            let (burst, alert) = policy.burst.failed(stored.failureBurst, now: now)
            try Account.saveLoginFailures(db, id: account.id, failures, burst)
            guard alert else { return nil }
            let event = IdentityEvents.LoginAttackSuspected(sub: account.id, failures: burst.failures,
                                                            since: CloudEvent.format(burst.start ?? now), last_at: CloudEvent.format(now),
                                                            region: region)
            try Outbox.append(db, stream: stream, type: IdentityEvents.LoginAttackSuspected.type, data: event, time: now,
                              traceID: context.traceID, subject: account.id)
            return event
        }
        if let alert {
            host.metrics.increment("identity.login_attack_suspected")
            context.logger.warning("login attack suspected: owner told", [
                "sub": .string(account.id), "failures": .number(Double(alert.failures)), "since": .string(alert.since),
                "caller": .string(caller)])
        }
    }
}
