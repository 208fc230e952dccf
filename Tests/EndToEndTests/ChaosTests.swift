import Bus
import Foundation
import Identity
import ServiceKit
import Support
import TestKit
import Testing

/// Issue 14, "Chaos in the suite": the whole platform under `mpp up` takes applications and
/// officers' work while random services are SIGKILLed (and restarted by `mpp up`) for a bounded
/// time. Afterwards: every acknowledged application exists once, every status change is in the
/// citizen's inbox exactly once, every application has an SLA clock, and the audit chain verifies.
@Suite(.serialized) struct ChaosTests {
    static let chaosWindow: Duration = .seconds(30)
    static let victims = ["catalog", "identity", "applications", "sla", "notifications", "registry"]
    static let services = ["registry", "catalog", "identity", "applications", "sla", "notifications"]

    /// Calls a method on whichever instance the registry lists, retrying the same request (same
    /// idempotency key) through kills and restarts until it is answered or `patience` runs out.
    struct Caller: Sendable {
        let stack: ClientStack

        func call(_ method: String, _ json: String, token: String?, key: String? = UUID().uuidString,
                  patience: Duration = .seconds(60)) async throws -> JSONValue {
            let deadline = ContinuousClock.now + patience
            var last: any Error = RPCError(.unavailable, "not tried")
            while ContinuousClock.now < deadline {
                do {
                    let outcome = try await stack.client.callRaw(method, body: Array(json.utf8),
                                                                 options: CallOptions(token: token, idempotencyKey: key, timeout: .seconds(3)))
                    if let error = outcome.error {
                        guard [ErrorCode.unavailable, .deadlineExceeded, .aborted, .internal].contains(error.code) else { throw error }
                        last = error
                    } else {
                        return try JSONParser.parse(outcome.body)
                    }
                } catch let error as RPCError where [ErrorCode.unavailable, .deadlineExceeded].contains(error.code) {
                    last = error
                }
                await stack.directory.invalidate(String(method.prefix { $0 != "." }))
                try await Task.sleep(for: .milliseconds(200))
            }
            throw last
        }
    }

    static func submitBody(_ index: Int) -> String {
        #"{"service":"kartu-keluarga","region":"32.02","form":{"nik":"3273011501900001","nama_lengkap":"Siti Aminah","nomor_kk":"3273010101900001","alamat":"Jl. Merdeka \#(index)","desa":"32.02.01.1001","jenis":"baru","jumlah_anggota":3}}"#
    }

    /// One application: submitted, then verified and processed by the officer; returns its tracking number.
    static func apply(_ caller: Caller, _ index: Int, citizen: String, officer: String) async throws -> String {
        let submitted = try await caller.call("applications.submit", submitBody(index), token: citizen)
        let number = try #require(submitted["tracking_number"]?.stringValue)
        for action in ["verify", "process"] {
            _ = try await caller.call("applications.transition", #"{"tracking_number":"\#(number)","action":"\#(action)"}"#, token: officer)
        }
        return number
    }

    static func pids(_ caller: Caller) async -> [String: Int32] {
        let instances = (try? await caller.stack.directory.list()) ?? []
        return Dictionary(instances.compactMap { instance in
            instance.instance.split(separator: "-").last.flatMap { Int32($0) }.map { (instance.service, $0) }
        }) { $1 }
    }

    @Test func randomKillsUnderLoadLoseNothingAndDoubleNothing() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (port, _) = freePorts()
        let registry = "tcp://127.0.0.1:\(port)"
        _ = try await IdentityBootstrap.createOperator(dataDirectory: folder + "/var", username: "ops", name: "Operator Uji",
                                                      password: "Sandi-Rahasia-Uji-2026", force: false, parameters: .minimum)
        let up = try Child(try Binaries.path("mpp"), ["up"], environment: childEnvironment([
            "MPP_DATA": folder + "/var", "MPP_REGISTRY": registry, "MPP_ARGON2": "minimum", "MPP_LOG_LEVEL": "warning",
            "MPP_DRAIN_SECONDS": "2", "MPP_LEASE_MS": "1500"]), folder: folder)
        defer { up.kill() }
        let caller = Caller(stack: ClientStack(registries: [registry], keys: nil, logger: Logger(service: "chaos", level: .error, sink: .memory())))
        defer { Task { await caller.stack.rpc.shutdown() } }
        let started = await eventually(timeout: .seconds(90)) {
            Set(await Self.pids(caller).keys).isSuperset(of: Self.services) || !up.isRunning
        }
        try #require(started && up.isRunning, "mpp up did not start every service:\n\(up.errors.suffix(3_000))")

        let ops = try #require(try await caller.call("identity.login", #"{"username":"ops","password":"Sandi-Rahasia-Uji-2026"}"#, token: nil)["access_token"]?.stringValue)
        _ = try await caller.call("identity.staff.create", #"{"username":"petugas","name":"Petugas Uji","password":"Sandi-Loket-Uji-2026","role":"officer","agency":"disdukcapil","region":"32.02"}"#, token: ops)
        let officer = try #require(try await caller.call("identity.login", #"{"username":"petugas","password":"Sandi-Loket-Uji-2026"}"#, token: nil)["access_token"]?.stringValue)
        _ = try await caller.call("identity.citizens.register", #"{"nik":"3273011501900001","name":"Siti Aminah","birth_date":"1990-01-15","phone":"081234567890","password":"kata-sandi-warga"}"#, token: nil)
        let citizen = try #require(try await caller.call("identity.login", #"{"nik":"3273011501900001","password":"kata-sandi-warga"}"#, token: nil)["access_token"]?.stringValue)

        // A control application before any kill: how many inbox entries three steps make.
        let control = try await Self.apply(caller, 0, citizen: citizen, officer: officer)
        let expectedEntries = try await eventuallyValue(timeout: .seconds(30)) { () -> Int? in
            let count = try await Self.inboxEntries(caller, citizen)[control] ?? 0
            return count >= 3 ? count : nil
        }

        // Chaos: kill a random service every 1.5–3 s while applications keep coming.
        let killer = Task {
            var kills: [String] = []
            let end = ContinuousClock.now + Self.chaosWindow
            while ContinuousClock.now < end, !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int.random(in: 1_500...3_000)))
                let victim = Self.victims.randomElement()!
                if let pid = await Self.pids(caller)[victim], commandLine(pid).contains("mpp-\(victim)") {
                    kill(pid, SIGKILL)
                    kills.append(victim)
                }
            }
            return kills
        }
        var acknowledged: [String] = [control]
        var index = 1
        let loadEnd = ContinuousClock.now + Self.chaosWindow
        while ContinuousClock.now < loadEnd {
            acknowledged.append(try await Self.apply(caller, index, citizen: citizen, officer: officer))
            index += 1
            try await Task.sleep(for: .milliseconds(50))  // a steady stream, not a benchmark
        }
        let kills = await killer.value
        let acknowledgedNumbers = acknowledged
        print("chaos: \(kills.count) kills (\(kills.joined(separator: ", "))), \(acknowledged.count) applications acknowledged")
        #expect(kills.count >= 5)

        // Invariants, once everything is back.
        var listed: [String] = []
        for page in 1... {
            let mine = try await caller.call("applications.mine", #"{"page":\#(page),"page_size":200}"#, token: citizen)
            let items = mine["items"]?.arrayValue?.compactMap { $0["tracking_number"]?.stringValue } ?? []
            listed += items
            if items.count < 200 { break }
        }
        #expect(listed.count == acknowledged.count && Set(listed) == Set(acknowledged), "each acknowledged application exists once")
        for number in acknowledged {
            let view = try await caller.call("applications.get", #"{"tracking_number":"\#(number)"}"#, token: citizen)
            #expect(view["state"]?.stringValue == "processing", "\(number)")
        }
        let clocks = await eventually(timeout: .seconds(60)) {
            for number in acknowledgedNumbers {
                guard let status = try? await caller.call("sla.status", #"{"tracking_number":"\#(number)"}"#, token: ops, patience: .seconds(5)),
                      status["state"]?.stringValue == "processing" else { return false }
            }
            return true
        }
        #expect(clocks, "every application has an SLA clock that followed it")
        let inboxes = await eventually(timeout: .seconds(60)) {
            guard let entries = try? await Self.inboxEntries(caller, citizen) else { return false }
            return acknowledgedNumbers.allSatisfy { entries[$0] == expectedEntries }
        }
        let entries = try await Self.inboxEntries(caller, citizen)
        #expect(inboxes, "each status change is in the inbox exactly once: \(acknowledged.map { "\($0): \(entries[$0] ?? 0)" })")
        let audit = try await caller.call("applications.audit.verify", "{}", token: ops)
        #expect(audit["ok"] == .bool(true) && audit["applications"]?.intValue ?? 0 >= acknowledged.count, "\(audit)")
        up.signal(SIGTERM)
        _ = await up.waitForExit(timeout: .seconds(30))
    }

    /// Inbox entries per application (reference), every page.
    static func inboxEntries(_ caller: Caller, _ token: String) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        var page = 1
        while true {
            let reply = try await caller.call("notifications.inbox", #"{"page":\#(page),"page_size":200}"#, token: token, patience: .seconds(10))
            let items = reply["items"]?.arrayValue ?? []
            for item in items { if let reference = item["reference"]?.stringValue { counts[reference, default: 0] += 1 } }
            if items.count < 200 { return counts }
            page += 1
        }
    }
}

/// Polls `produce` until it returns a value, or fails after `timeout`.
func eventuallyValue<T: Sendable>(timeout: Duration, _ produce: @Sendable () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let value = try? await produce() { return value }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw RPCError(.deadlineExceeded, "no value within \(timeout)")
}
