import Foundation
import Identity
import ServiceKit
import Support
import Testing

/// The failed-login rules without sockets: delays per account and per caller, never a lock,
/// bursts that alert the owner once per window, and the in-memory tables.
@Suite("Login policy")
struct LoginPolicyTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let account = DelayRule(freeFailures: 5, baseDelay: 1, maximumDelay: 300, forgetAfter: 86_400)

    func record(_ failures: Int, at offset: TimeInterval = 0) -> FailureRecord {
        FailureRecord(failures: failures, last: start + offset)
    }

    // MARK: delays

    @Test func delaysDoubleAfterTheFreeFailuresUpToTheCap() {
        #expect((0..<5).map { account.delay(afterFailures: $0) } == [0, 0, 0, 0, 0])
        #expect((5...14).map { account.delay(afterFailures: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300])
        #expect(account.delay(afterFailures: 1_000_000) == 300)
        #expect(account.delay(afterFailures: Int.max) == 300)
        #expect(DelayRule(freeFailures: 1, baseDelay: 0.5, maximumDelay: 10, forgetAfter: 60).delay(afterFailures: 3) == 2)
    }

    @Test func theNextAttemptWaitsFromTheLastFailure() {
        #expect(account.retryAt(.none, now: start) == nil)
        #expect(account.retryAt(record(4), now: start) == nil)
        #expect(account.retryAt(record(5), now: start) == start + 1)
        #expect(account.retryAt(record(5), now: start + 0.999) == start + 1)
        #expect(account.retryAt(record(5), now: start + 1) == nil)
        #expect(account.retryAt(record(8), now: start + 3) == start + 8)
        #expect(account.retryAt(record(50), now: start + 299) == start + 300)
        #expect(account.retryAt(record(50), now: start + 300) == nil)
        // A clock that went back still waits until the end of the delay.
        #expect(account.retryAt(record(5), now: start - 10) == start + 1)
        // A count without a time (never stored that way) asks for no wait.
        #expect(account.retryAt(FailureRecord(failures: 9, last: nil), now: start) == nil)
    }

    @Test func failuresAreForgottenAfterAQuietTime() {
        #expect(account.current(record(9), now: start + 86_399) == record(9))
        #expect(account.current(record(9), now: start + 86_400) == .none)
        #expect(account.failed(record(9), now: start + 10) == record(10, at: 10))
        #expect(account.failed(record(9), now: start + 86_400) == record(1, at: 86_400))
        #expect(account.failed(.none, now: start) == record(1))
        #expect(account.failed(FailureRecord(failures: Int.max, last: start), now: start).failures == 1_000_001)
    }

    /// Whatever the count, nobody waits longer than the cap after the last failure: a delay, not a lock.
    @Test func neverALock() {
        for failures in [0, 5, 14, 20, 100, 10_000, 999_999] {
            let until = account.retryAt(record(failures), now: start) ?? start
            #expect(until <= start + account.maximumDelay, "\(failures) failures")
        }
    }

    /// An attacker who fails 50 times, each time as soon as allowed, holds the account for at
    /// most the cap after their last try; the owner then gets through.
    @Test func anAttackersFiftyFailuresOnlyDelayTheOwner() {
        let policy = LoginPolicy()
        var stored = FailureRecord.none
        var now = start
        for _ in 1...50 {
            if case .wait(let until, _) = policy.decide(account: stored, caller: "attacker", callerRecord: .none, now: now) { now = until }
            #expect(policy.decide(account: stored, caller: "attacker", callerRecord: .none, now: now) == .allowed)
            stored = policy.account.failed(stored, now: now)
        }
        #expect(stored.failures == 50)
        let waited: TimeInterval = 31 + 32 + 64 + 128 + 256 + 300 * 36
        #expect(now.timeIntervalSince(start) == waited)
        let owner = policy.decide(account: stored, caller: "owner-phone", callerRecord: .none, now: now + 1)
        #expect(owner == .wait(until: now + 300, limit: .account))
        #expect(policy.decide(account: stored, caller: "owner-phone", callerRecord: .none, now: now + 300) == .allowed)
    }

    // MARK: two dimensions

    @Test func theLaterWaitWinsAndExemptCallersSkipOnlyTheCallerLimit() {
        var policy = LoginPolicy()
        policy.exemptCallers = ["mpp-frontdesk"]
        let quiet = FailureRecord.none
        let busyAccount = record(7)           // waits 4 s
        let busyCaller = record(25)           // waits 32 s under the caller rule (20 free)
        #expect(policy.decide(account: quiet, caller: "kiosk", callerRecord: quiet, now: start) == .allowed)
        #expect(policy.decide(account: busyAccount, caller: "kiosk", callerRecord: quiet, now: start) == .wait(until: start + 4, limit: .account))
        #expect(policy.decide(account: quiet, caller: "kiosk", callerRecord: busyCaller, now: start) == .wait(until: start + 32, limit: .caller))
        #expect(policy.decide(account: busyAccount, caller: "kiosk", callerRecord: busyCaller, now: start) == .wait(until: start + 32, limit: .caller))
        #expect(policy.decide(account: record(14), caller: "kiosk", callerRecord: busyCaller, now: start) == .wait(until: start + 300, limit: .account))
        #expect(policy.decide(account: quiet, caller: "mpp-frontdesk", callerRecord: busyCaller, now: start) == .allowed)
        #expect(policy.decide(account: busyAccount, caller: "mpp-frontdesk", callerRecord: busyCaller, now: start)
            == .wait(until: start + 4, limit: .account))
        #expect(LoginPolicy.Decision.wait(until: start, limit: .caller).retryAt == start)
        #expect(LoginPolicy.Decision.allowed.retryAt == nil)
    }

    @Test func defaults() {
        let policy = LoginPolicy()
        #expect(policy.account == DelayRule(freeFailures: 5, baseDelay: 1, maximumDelay: 300, forgetAfter: 86_400))
        #expect(policy.caller == DelayRule(freeFailures: 20, baseDelay: 1, maximumDelay: 300, forgetAfter: 900))
        #expect(policy.exemptCallers.isEmpty)
        #expect(policy.burst == BurstRule(threshold: 10, window: 900))
    }

    // MARK: bursts

    @Test func aBurstAlertsOncePerWindow() {
        let rule = BurstRule(threshold: 3, window: 900)
        var burst = BurstRecord()
        var alerts: [Bool] = []
        for offset in [0.0, 10, 20, 30, 899] {
            let (next, alert) = rule.failed(burst, now: start + offset)
            burst = next
            alerts.append(alert)
        }
        #expect(alerts == [false, false, true, false, false])
        #expect(burst == BurstRecord(start: start, failures: 5, alerted: true))
        // The window is over: a new one opens, and may alert again.
        var (next, alert) = rule.failed(burst, now: start + 900)
        #expect(next == BurstRecord(start: start + 900, failures: 1, alerted: false))
        #expect(!alert)
        (next, alert) = rule.failed(next, now: start + 901)
        (next, alert) = rule.failed(next, now: start + 902)
        #expect(alert)
        #expect(next == BurstRecord(start: start + 900, failures: 3, alerted: true))
    }

    @Test func slowFailuresNeverMakeABurst() {
        let rule = BurstRule(threshold: 3, window: 900)
        var burst = BurstRecord()
        for index in 0..<20 {
            let (next, alert) = rule.failed(burst, now: start + Double(index) * 450)
            #expect(!alert)
            burst = next
        }
    }

    @Test func aZeroThresholdNeverAlertsAndAClockGoingBackOpensAWindow() {
        var (burst, alert) = BurstRule(threshold: 0, window: 900).failed(BurstRecord(start: start, failures: 50, alerted: false), now: start)
        #expect(!alert)
        #expect(burst.failures == 51)
        (burst, alert) = BurstRule(threshold: 1, window: 900).failed(BurstRecord(start: start, failures: 5, alerted: true), now: start - 1)
        #expect(alert)
        #expect(burst == BurstRecord(start: start - 1, failures: 1, alerted: true))
    }

    // MARK: memory

    @Test func callersCountOverEveryLoginAndExemptCallersAreNotCounted() {
        var policy = LoginPolicy()
        policy.caller.freeFailures = 3
        policy.exemptCallers = ["mpp-frontdesk"]
        let throttle = LoginThrottle(policy: policy, capacity: 16)
        for index in 0..<3 {
            throttle.recordFailure(login: "nik:320201000000000\(index)", knownAccount: false, caller: "kiosk", now: start)
            throttle.recordFailure(login: "nik:320201000000000\(index)", knownAccount: false, caller: "mpp-frontdesk", now: start)
        }
        #expect(throttle.callers.record("kiosk", now: start) == record(3))
        #expect(throttle.callers.record("mpp-frontdesk", now: start) == .none)
        #expect(throttle.decide(login: "nik:3202010000000009", account: nil, caller: "kiosk", now: start) == .wait(until: start + 1, limit: .caller))
        #expect(throttle.decide(login: "nik:3202010000000009", account: nil, caller: "mpp-frontdesk", now: start) == .allowed)
        // Names without an account count under the account rule, as a real account would.
        #expect(throttle.unknownLogins.record("nik:3202010000000000", now: start) == record(2))
        throttle.recordFailure(login: "nik:3202010000000001", knownAccount: true, caller: "mpp-frontdesk", now: start)
        #expect(throttle.unknownLogins.record("nik:3202010000000001", now: start) == record(2))
        // The caller's count is forgotten after its quiet time.
        #expect(throttle.callers.record("kiosk", now: start + 900) == .none)
    }

    @Test func tablesAreBoundedAndChecksAreOneAtATime() {
        let table = FailureTable(rule: account, capacity: 16)
        for index in 0..<100 { table.recordFailure("k\(index)", now: start + Double(index)) }
        #expect(table.count <= 16)
        table.recordFailure("x", now: start)
        table.clear("x")
        #expect(table.record("x", now: start) == .none)
        let throttle = LoginThrottle(policy: LoginPolicy())
        #expect(throttle.beginCheck("nik:1"))
        #expect(!throttle.beginCheck("nik:1"))
        throttle.endCheck("nik:1")
        #expect(throttle.beginCheck("nik:1"))
    }

    // MARK: settings

    @Test func settingsReadTheLoginVariables() throws {
        let settings = try IdentitySettings.fromEnvironment(Environment([
            "MPP_LOGIN_FREE_FAILURES": "3", "MPP_LOGIN_MAX_DELAY_SECONDS": "120", "MPP_LOGIN_CALLER_FREE_FAILURES": "50",
            "MPP_LOGIN_CALLER_MAX_DELAY_SECONDS": "600", "MPP_LOGIN_EXEMPT_CALLERS": "mpp-frontdesk, kiosk-3273 ,",
            "MPP_LOGIN_ALERT_FAILURES": "0", "MPP_LOGIN_ALERT_MINUTES": "30", "MPP_LOGIN_LOCK_MINUTES": "30",
        ]))
        #expect(settings.login.account.freeFailures == 3)
        #expect(settings.login.account.maximumDelay == 120)
        #expect(settings.login.caller.freeFailures == 50)
        #expect(settings.login.caller.maximumDelay == 600)
        #expect(settings.login.exemptCallers == ["mpp-frontdesk", "kiosk-3273"])
        #expect(settings.login.burst == BurstRule(threshold: 0, window: 1_800))
        #expect(settings.retiredVariables == ["MPP_LOGIN_LOCK_MINUTES"])
        #expect(try IdentitySettings.fromEnvironment(Environment([:])).login == LoginPolicy())

        do {
            _ = try IdentitySettings.fromEnvironment(Environment([
                "MPP_LOGIN_FREE_FAILURES": "0", "MPP_LOGIN_MAX_DELAY_SECONDS": "soon", "MPP_LOGIN_ALERT_MINUTES": "0"]))
            Issue.record("bad variables were accepted")
        } catch let problems as ConfigurationProblems {
            #expect(Set(problems.problems.map(\.variable)) == ["MPP_LOGIN_FREE_FAILURES", "MPP_LOGIN_MAX_DELAY_SECONDS", "MPP_LOGIN_ALERT_MINUTES"])
        }
    }
}
