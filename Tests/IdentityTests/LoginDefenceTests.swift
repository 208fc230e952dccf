import Bus
import Domain
import Foundation
import Identity
import ServiceKit
import Support
import TestKit
import Testing
import ZMQ

/// Failed logins over real sockets: delays per account and per caller instead of a lock, the
/// owner's alert once per window, and the counter unlock.
@Suite("Failed logins")
struct LoginDefenceTests {
    static let nik = "3273011501900001"
    static let password = "kata-sandi-warga"
    static let wrong = LoginRequest(nik: nik, password: "tebakan-penyerang")

    /// A manual clock on a whole second, so that `retry_at` (milliseconds) is exact.
    static func clock() -> ManualClock {
        ManualClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
    }

    /// Sends `request` until `failures` passwords were checked and refused, moving the clock to
    /// each `retry_at` it is given. Returns the delays it was asked to wait.
    @discardableResult
    static func fail(_ stack: IdentityStack, _ request: LoginRequest, times failures: Int, clock: ManualClock,
                     via client: RPCClient? = nil) async throws -> [RPCError] {
        var delays: [RPCError] = []
        var checked = 0
        while checked < failures {
            let error = try #require(try await stack.send("identity.login", request, via: client).error)
            switch error.code {
            case .unauthenticated:
                checked += 1
            case .resourceExhausted:
                let until = try #require(error.details?["retry_at"]?.stringValue.flatMap(Timestamp.parse))
                #expect(until > clock.now())
                clock.set(until)
                delays.append(error)
            default:
                Issue.record("unexpected \(error)")
                return delays
            }
        }
        return delays
    }

    static func attackEvents(_ stack: IdentityStack, via client: RPCClient? = nil) async throws -> [EventsReadReply.Item] {
        let events = try EventsReadReply(bytes: try await stack.send("events.read", EventsReadRequest(after: 0, limit: 1_000), via: client).body)
        return events.events.filter { $0.topic == IdentityEvents.LoginAttackSuspected.type }
    }

    static func register(_ stack: IdentityStack, via client: RPCClient) async throws {
        let _: AccountView = try await stack.call("identity.citizens.register", RegisterCitizen(
            nik: nik, name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890", password: password), via: client)
    }

    /// The failures stored on the account.
    static func storedFailures(_ stack: IdentityStack) async throws -> Int? {
        try await stack.host.store.read { db in
            try db.queryOne("SELECT failed_logins FROM accounts WHERE nik = ?", [.text(nik)])?.int("failed_logins")
        }
    }

    @Test func fiftyWrongPasswordsSlowTheOwnerDownButNeverLockThemOut() async throws {
        let clock = Self.clock()
        let curve = try await CurveIdentity.start(clients: ["kiosk", "phone"], clock: clock)
        defer { Task { await curve.stop() } }
        let stack = curve.stack
        try await Self.register(stack, via: curve.client("phone"))
        let began = clock.now()

        // Someone who knows the NIK tries 50 passwords from a kiosk, each as soon as allowed.
        let delays = try await Self.fail(stack, Self.wrong, times: 50, clock: clock, via: curve.client("kiosk"))
        #expect(delays.count == 45)
        #expect(delays.allSatisfy { $0.code == .resourceExhausted && $0.details?["reason"]?.stringValue == "login_delay" })
        #expect(delays.first?.details?["limit"]?.stringValue == "account")
        #expect(delays.first?.details?["retry_after_ms"]?.doubleValue == 1_000)
        #expect(clock.now().timeIntervalSince(began) >= 11_000, "50 guesses took the attacker more than three hours")
        #expect(try await Self.storedFailures(stack) == 50)

        // The owner, on their phone: the current delay (never more than 5 min), then the right password works.
        let owner = LoginRequest(nik: Self.nik, password: Self.password)
        let waiting = try #require(try await stack.send("identity.login", owner, via: curve.client("phone")).error)
        #expect(waiting.code == .resourceExhausted)
        #expect(waiting.details?["limit"]?.stringValue == "account")
        let until = try #require(waiting.details?["retry_at"]?.stringValue.flatMap(Timestamp.parse))
        #expect(until.timeIntervalSince(clock.now()) <= 300)
        clock.set(until)
        let pair = try await stack.call("identity.login", owner, via: curve.client("phone"), as: TokenPair.self)
        #expect(!pair.access_token.isEmpty)
        #expect(try await Self.storedFailures(stack) == 0)
        // The slow attack was one burst: the owner was told once.
        #expect(try await Self.attackEvents(stack, via: curve.client("phone")).count == 1)
    }

    @Test func theCallerLimitStillAppliesExceptToExemptCallers() async throws {
        let clock = Self.clock()
        let curve = try await CurveIdentity.start(clients: ["kiosk", "frontdesk"], clock: clock, environment: [
            "MPP_LOGIN_CALLER_FREE_FAILURES": "3", "MPP_LOGIN_EXEMPT_CALLERS": "frontdesk"])
        defer { Task { await curve.stop() } }
        let stack = curve.stack
        try await Self.register(stack, via: curve.client("frontdesk"))
        func probe(_ index: Int) -> LoginRequest { LoginRequest(nik: "32730115019\(String(format: "%05d", 100 + index))", password: "tebakan") }

        // One kiosk guessing many NIKs: after 3 failures it waits, whatever NIK it tries next.
        for index in 0..<3 {
            #expect(try await stack.send("identity.login", probe(index), via: curve.client("kiosk")).error?.code == .unauthenticated)
        }
        let slowed = try #require(try await stack.send("identity.login", probe(3), via: curve.client("kiosk")).error)
        #expect(slowed.code == .resourceExhausted)
        #expect(slowed.details?["limit"]?.stringValue == "caller")
        let owner = LoginRequest(nik: Self.nik, password: Self.password)
        #expect(try await stack.send("identity.login", owner, via: curve.client("kiosk")).error?.details?["limit"]?.stringValue == "caller")
        clock.set(try #require(slowed.details?["retry_at"]?.stringValue.flatMap(Timestamp.parse)))
        #expect(try await stack.send("identity.login", probe(3), via: curve.client("kiosk")).error?.code == .unauthenticated)

        // The MPP front desk speaks for a whole hall: no per-caller limit ...
        for index in 10..<22 {
            #expect(try await stack.send("identity.login", probe(index), via: curve.client("frontdesk")).error?.code == .unauthenticated)
        }
        // ... but the account limit applies to it as to everyone.
        for _ in 0..<5 {
            #expect(try await stack.send("identity.login", Self.wrong, via: curve.client("frontdesk")).error?.code == .unauthenticated)
        }
        let account = try #require(try await stack.send("identity.login", owner, via: curve.client("frontdesk")).error)
        #expect(account.code == .resourceExhausted)
        #expect(account.details?["limit"]?.stringValue == "account")
    }

    @Test func theOwnerIsToldOncePerWindow() async throws {
        let clock = Self.clock()
        let stack = try await IdentityStack.start(clock: clock, environment: [
            "MPP_LOGIN_FREE_FAILURES": "100", "MPP_LOGIN_CALLER_FREE_FAILURES": "1000"])
        defer { Task { await stack.stop() } }
        let citizen = try await stack.registerCitizen()
        let began = clock.now()

        try await Self.fail(stack, Self.wrong, times: 9, clock: clock)
        #expect(try await Self.attackEvents(stack).isEmpty)
        clock.advance(by: 60)
        try await Self.fail(stack, Self.wrong, times: 1, clock: clock)
        let first = try #require(try await Self.attackEvents(stack).first)
        #expect(first.event.subject == citizen.sub)
        let data = try first.event.decodeData(IdentityEvents.LoginAttackSuspected.self)
        #expect(data == IdentityEvents.LoginAttackSuspected(sub: citizen.sub, failures: 10, since: Timestamp.format(began),
                                                            last_at: Timestamp.format(began + 60), region: "32.73"))
        // Neither what the attacker typed nor the NIK is in the event.
        let json = String(decoding: try JSON.encode(first.event), as: UTF8.self)
        #expect(!json.contains("tebakan-penyerang"))
        #expect(!json.contains(Self.nik))

        // More failures in the same window: no second message, even after the owner logged in.
        try await Self.fail(stack, Self.wrong, times: 5, clock: clock)
        _ = try await stack.login()
        clock.advance(by: 800)
        try await Self.fail(stack, Self.wrong, times: 5, clock: clock)
        #expect(try await Self.attackEvents(stack).count == 1)
        // The window (15 min from its first failure) is over: a new burst tells the owner again.
        clock.advance(by: 100)
        try await Self.fail(stack, Self.wrong, times: 10, clock: clock)
        #expect(try await Self.attackEvents(stack).count == 2)
        // Wrong passwords on NIKs without an account tell nobody.
        try await Self.fail(stack, LoginRequest(nik: "3273011501900099", password: "tebakan"), times: 12, clock: clock)
        #expect(try await Self.attackEvents(stack).count == 2)
    }

    @Test func aCounterOfficerUnlocksAfterCheckingTheKTPAndCitizensCannot() async throws {
        let clock = Self.clock()
        let stack = try await IdentityStack.start(clock: clock)
        defer { Task { await stack.stop() } }
        let ops = try await stack.opsToken()
        let admin = try await stack.staff("admin.bandung", role: .mppAdmin, region: "32.73", creator: ops).access_token
        let officer = try await stack.staff("petugas.loket", role: .officer, agency: "mpp", region: "32.73", creator: admin)
        let health = try await stack.staff("petugas.dinkes", role: .officer, agency: "dinkes", region: "32.73", creator: admin).access_token
        let citizen = try await stack.registerCitizen()
        let session = try await stack.login()

        try await Self.fail(stack, Self.wrong, times: 12, clock: clock)
        let owner = LoginRequest(nik: Self.nik, password: Self.password)
        #expect(try await stack.failure("identity.login", owner).code == .resourceExhausted)

        // A citizen may not call it at all: refused before the body is read.
        let bogus = ["nik": JSONValue.number(1), "note": .bool(true)]
        #expect(try await stack.failure("identity.citizens.unlock", bogus, token: session.access_token).code == .permissionDenied)
        #expect(try await stack.failure("identity.citizens.unlock", bogus, token: ops).code == .permissionDenied)
        #expect(try await stack.failure("identity.citizens.unlock", UnlockCitizen(nik: Self.nik, note: "KTP-el diperiksa"),
                                        token: session.access_token).code == .permissionDenied)
        // An officer of another agency may not either; the body is checked for the others.
        #expect(try await stack.failure("identity.citizens.unlock", UnlockCitizen(nik: Self.nik, note: "KTP-el diperiksa"),
                                        token: health).code == .permissionDenied)
        let missing = try await stack.failure("identity.citizens.unlock", UnlockCitizen(note: " "), token: officer.access_token)
        #expect(Set(missing.fields.keys) == ["sub", "note"])
        #expect(try await stack.failure("identity.citizens.unlock", UnlockCitizen(nik: "3273011501900099", note: "KTP-el diperiksa"),
                                        token: officer.access_token).code == .notFound)

        let reply: UnlockReply = try await stack.call("identity.citizens.unlock", UnlockCitizen(
            nik: Self.nik, note: "KTP-el diperiksa di loket 2"), token: officer.access_token, key: UUID().uuidString)
        #expect(reply.sub == citizen.sub)
        #expect(reply.failures_cleared == 12)
        #expect(reply.unlocked_by == officer.sub)
        #expect(reply.unlocked_at == Timestamp.format(clock.now()))
        // The owner logs in at once.
        #expect(try await stack.call("identity.login", owner, as: TokenPair.self).sub == citizen.sub)

        // Audited and logged.
        let audit = try await stack.host.store.read { db in
            try db.queryOne("SELECT * FROM account_unlocks WHERE account_id = ?", [.text(citizen.sub)])
        }
        #expect(audit?.string("unlocked_by") == officer.sub)
        #expect(audit?.string("agency") == "mpp")
        #expect(audit?.string("note") == "KTP-el diperiksa di loket 2")
        #expect(audit?.int("failures_cleared") == 12)
        #expect(audit?.double("unlocked_at") == clock.now().timeIntervalSince1970)
        let logs = stack.logs.captured.joined(separator: "\n")
        #expect(logs.contains("login delays cleared at a counter"))
        #expect(!logs.contains("tebakan-penyerang"))
    }

    @Test func theUnlockVerbAtTheCounter() async throws {
        let platform = try await TestPlatform.start()
        let clock = Self.clock()
        let stack = try await IdentityStack.start(clock: clock, environment: ["MPP_REGISTRY": platform.registryEndpoint])
        let folder = temporaryFolder("mpp-unlock-cli")
        defer {
            Task {
                await stack.stop()
                await platform.stop()
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        let ops = try await stack.opsToken()
        let admin = try await stack.staff("admin.bandung", role: .mppAdmin, region: "32.73", creator: ops).access_token
        let officer = try await stack.staff("petugas.loket", role: .officer, agency: "disdukcapil", region: "32.73", creator: admin)
        _ = try await stack.registerCitizen()
        try await Self.fail(stack, Self.wrong, times: 7, clock: clock)
        let environment = ["MPP_REGISTRY": platform.registryEndpoint, "MPP_TOKEN": officer.access_token]

        let usage = try await runCommand(["unlock", Self.nik], environment: environment, folder: folder)
        #expect(usage.status == 2 && usage.errors.contains("--note"), "\(usage.errors)")
        let run = try await runCommand(["unlock", Self.nik, "--note", "KTP-el diperiksa di loket 1"], environment: environment, folder: folder)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("login delays cleared (7 wrong password(s))"), "\(run.output)")
        #expect(try await Self.storedFailures(stack) == 0)
        _ = try await stack.login()
    }
}

/// Identity in CURVE mode, with clients whose key names are the callers the throttle sees.
struct CurveIdentity: Sendable {
    let stack: IdentityStack
    let keys: String
    let clients: [String: ClientStack]

    static func start(clients names: [String], clock: ManualClock, environment: [String: String] = [:]) async throws -> CurveIdentity {
        let keys = temporaryFolder("mpp-identity-keys")
        try KeyRing.generate(directory: keys, names: ["identity"] + names)
        let stack = try await IdentityStack.start(clock: clock, environment: ["MPP_CURVE": "on", "MPP_KEYS": keys].merging(environment) { $1 },
                                                  loop: try IOLoop(name: "identity-curve"))
        let identityKey = try #require(try KeyRing.load(directory: keys, name: "identity").publicKey(named: "identity"))
        var clients: [String: ClientStack] = [:]
        for name in names {
            let client = ClientStack(registries: [], keys: try KeyRing.load(directory: keys, name: name),
                                     logger: Logger(service: name, sink: .memory()))
            client.directory.serverKeys.learn(endpoint: stack.endpoint, key: identityKey.z85)
            clients[name] = client
        }
        return CurveIdentity(stack: stack, keys: keys, clients: clients)
    }

    func client(_ name: String) -> RPCClient { clients[name]!.rpc }

    func stop() async {
        for client in clients.values { await client.rpc.shutdown() }
        await stack.stop()
        try? FileManager.default.removeItem(atPath: keys)
    }
}
