import Bus
import Foundation
import Identity
import Support
import TestKit
import Testing

/// Issue 14, findings 1 and 2 and "request-level fuzz test": the whole platform as `mpp up` runs
/// it receives 20,000 distinct hostile requests — every method `docs/protocol.md` documents,
/// anonymous, with garbage tokens and with real citizen and ops tokens, fresh idempotency keys,
/// absurd deadlines. Afterwards every service answers `sys.health`, no process restarted
/// (instance ids unchanged) and resident memory grew by less than `rssGrowthBound` per service
/// (documented in docs/operations.md, "Security testing").
@Suite(.serialized) struct HostileRequestTests {
    static let requests = 20_000
    static let rssGrowthBound = 48 << 20
    static let services = ["registry", "catalog", "identity", "applications", "sla", "notifications"]

    static func call(_ client: RPCClient, _ endpoint: String, _ method: String, _ json: String, token: String? = nil) async throws -> JSONValue {
        let outcome = try await client.send(to: endpoint, method: method, metadata: RequestMetadata(token: token, idempotencyKey: UUID().uuidString),
                                            body: Array(json.utf8), timeout: .seconds(20))
        if let error = outcome.error { throw error }
        return try JSONParser.parse(outcome.body)
    }

    static func instances(_ client: RPCClient, _ registry: String) async -> [RegistryAPI.Instance] {
        guard let outcome = try? await client.send(to: registry, method: "registry.list", body: Array("{}".utf8), timeout: .seconds(2)),
              let list = try? JSON.decode(RegistryAPI.Instances.self, from: outcome.body) else { return [] }
        return list.instances
    }

    /// Resident memory of the process whose instance id ends in its pid (`<service>-<host>-<pid>`).
    static func residentBytes(_ instance: RegistryAPI.Instance) -> Int? {
        guard let pid = instance.instance.split(separator: "-").last,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kib * 1_024
    }

    /// Valid bodies beyond the documented examples, for methods whose handlers read numbers from
    /// forms or pages (the shapes of the crashes issue 14 found).
    static let extraExamples: [(String, String)] = [
        ("applications.submit", #"{"service":"kartu-keluarga","region":"32.02","form":{"jenis":1,"alasan":"baru"}}"#),
        ("applications.submit", #"{"service":"ktp-el","region":"32.73","form":{"alasan":"rusak"}}"#),
        ("applications.queue", #"{"page":1,"page_size":20,"region":"32.73"}"#),
        ("applications.mine", #"{"page":1,"page_size":20}"#),
        ("notifications.inbox", #"{"page":1,"page_size":20}"#),
        ("notifications.dead_letters.list", #"{"page":1,"page_size":20}"#),
        ("sla.breaches", #"{"page":1,"page_size":50,"region":"32.73"}"#),
        ("catalog.regions.list", #"{"parent":"32","page":1,"page_size":20}"#),
    ]

    /// Every documented example and extra body, each leaf replaced by each hostile value (under each
    /// real token), then random hostile bodies for every method up to `count`.
    static func requests(methods: [String], examples: [(String, JSONValue)], tokens: [String?], count: Int,
                         seed: UInt64) -> [PipelinedRequest] {
        var bodies = HostileBodies(seed: seed)
        var requests: [PipelinedRequest] = []
        func metadata(_ index: Int) -> RequestMetadata {
            let token = bodies.random(8) == 0 ? bodies.token() : tokens[index % tokens.count]
            let deadlines: [Int?] = [nil, nil, nil, Int.max, Int.min, 0, 1 << 62]
            return RequestMetadata(token: token, idempotencyKey: bodies.random(4) == 0 ? nil : bodies.token() + "-\(index)",
                                   deadlineMilliseconds: deadlines[bodies.random(deadlines.count)],
                                   traceID: bodies.random(2) == 0 ? nil : bodies.token())
        }
        // Mutations of valid bodies go out under every real token, so they reach every role's handlers.
        for (method, example) in examples {
            for body in HostileBodies.everyMutation(of: example) {
                for token in tokens.compactMap({ $0 }) {
                    var signed = metadata(requests.count)
                    signed.token = token
                    signed.deadlineMilliseconds = nil
                    requests.append(PipelinedRequest(method: method, metadata: signed, body: body))
                }
            }
        }
        while requests.count < count {
            let method = methods[requests.count % methods.count]
            requests.append(PipelinedRequest(method: method, metadata: metadata(requests.count), body: bodies.next()))
        }
        return requests
    }

    /// Sends the requests pipelined per service; returns the answers tallied by code.
    static func attack(_ client: RPCClient, endpoints: [String: String], _ requests: [PipelinedRequest]) async -> [String: Int] {
        let batches = Dictionary(grouping: requests) { endpoints[String($0.method.prefix { $0 != "." })] ?? "" }
        return await withTaskGroup(of: [String: Int].self) { group in
            for (endpoint, batch) in batches where !endpoint.isEmpty {
                group.addTask {
                    // In chunks: a service that stops answering (it crashed) ends its part at once.
                    var tally: [String: Int] = [:]
                    for start in stride(from: 0, to: batch.count, by: 256) {
                        for result in await client.pipeline(to: endpoint, Array(batch[start..<min(start + 256, batch.count)]), window: 16,
                                                            timeout: .seconds(10)) {
                            switch result {
                            case .success(let outcome): tally[outcome.error.map { "\($0.code)" } ?? "ok", default: 0] += 1
                            case .failure(let error): tally["no reply (\(error.code))", default: 0] += 1
                            }
                        }
                        if tally.keys.contains(where: { $0.hasPrefix("no reply") }) { break }
                    }
                    return tally
                }
            }
            return await group.reduce(into: [:]) { total, tally in total.merge(tally, uniquingKeysWith: +) }
        }
    }

    @Test func twentyThousandHostileRequestsCrashNothingAndMemoryStaysBounded() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (port, _) = freePorts()
        let registry = "tcp://127.0.0.1:\(port)"
        _ = try await IdentityBootstrap.createOperator(dataDirectory: folder + "/var", username: "ops", name: "Operator Uji",
                                                      password: "Sandi-Rahasia-Uji-2026", force: false, parameters: .minimum)
        let environment = childEnvironment(["MPP_DATA": folder + "/var", "MPP_REGISTRY": registry, "MPP_ARGON2": "minimum",
                                            "MPP_LOG_LEVEL": "warning", "MPP_DRAIN_SECONDS": "2"])
        let up = try Child(try Binaries.path("mpp"), ["up"], environment: environment, folder: folder)
        defer { up.kill() }
        let client = RPCClient()
        defer { Task { await client.shutdown() } }
        let started = await eventually(timeout: .seconds(90)) {
            Set(await Self.instances(client, registry).map(\.service)).isSuperset(of: Self.services) || !up.isRunning
        }
        try #require(started && up.isRunning, "mpp up did not start every service:\n\(up.errors.suffix(3_000))")
        let before = await Self.instances(client, registry).filter { Self.services.contains($0.service) }
        let endpoints = Dictionary(before.map { ($0.service, $0.rpc) }) { first, _ in first }

        // Real tokens, so hostile bodies reach the handlers behind the role checks.
        let identity = try #require(endpoints["identity"])
        let ops = try await Self.call(client, identity, "identity.login", #"{"username":"ops","password":"Sandi-Rahasia-Uji-2026"}"#)
        _ = try await Self.call(client, identity, "identity.citizens.register",
                                #"{"nik":"3273011501900001","name":"Siti Aminah","birth_date":"1990-01-15","phone":"081234567890","password":"kata-sandi-warga"}"#)
        let citizen = try await Self.call(client, identity, "identity.login", #"{"nik":"3273011501900001","password":"kata-sandi-warga"}"#)
        let opsToken = try #require(ops["access_token"]?.stringValue)
        _ = try await Self.call(client, identity, "identity.staff.create",
                                #"{"username":"petugas","name":"Petugas Uji","password":"Sandi-Loket-Uji-2026","role":"officer","agency":"disdukcapil","region":"32.73"}"#,
                                token: opsToken)
        let officer = try await Self.call(client, identity, "identity.login", #"{"username":"petugas","password":"Sandi-Loket-Uji-2026"}"#)
        _ = try await Self.call(client, identity, "identity.citizens.verify", #"{"nik":"3273011501900001","method":"ktp_el"}"#,
                                token: officer["access_token"]?.stringValue)
        let verified = try await Self.call(client, identity, "identity.login", #"{"nik":"3273011501900001","password":"kata-sandi-warga"}"#)
        let tokens: [String?] = [nil, verified["access_token"]?.stringValue, opsToken, officer["access_token"]?.stringValue,
                                 citizen["access_token"]?.stringValue]
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/protocol.md").standardized.path
        let methods = try documentedMethods(protocolDoc: doc), examples = try documentedExamples(protocolDoc: doc)
        try #require(methods.count > 50, "methods from docs/protocol.md: \(methods)")
        try #require(examples["applications.submit"] != nil && examples["notifications.inbox"] != nil, "examples: \(examples.keys.sorted())")
        let seeds = examples.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            + (try Self.extraExamples.map { ($0.0, try JSONParser.parse(Array($0.1.utf8))) })

        // Warm-up (caches, pools), then the measured run.
        _ = await Self.attack(client, endpoints: endpoints, Self.requests(methods: methods, examples: [], tokens: tokens, count: 2_000, seed: 1))
        let baseline = Dictionary(before.compactMap { instance in Self.residentBytes(instance).map { (instance.service, $0) } }) { $1 }
        let load = Self.requests(methods: methods, examples: seeds, tokens: tokens, count: Self.requests, seed: 2)
        let answers = await Self.attack(client, endpoints: endpoints, load)
        print("hostile load: \(load.count) requests, answers \(answers.sorted { $0.key < $1.key })")
        #expect(answers.keys.allSatisfy { !$0.hasPrefix("no reply") && $0 != "internal" }, "\(answers)")
        try await Task.sleep(for: .seconds(1))

        let after = await Self.instances(client, registry).filter { Self.services.contains($0.service) }
        #expect(Set(after.map(\.instance)) == Set(before.map(\.instance)), "a service restarted:\n\(up.errors.suffix(4_000))")
        for instance in after {
            let health = try? await Self.call(client, instance.rpc, "sys.health", "{}")
            #expect(health?["status"]?.stringValue == "serving", "\(instance.service) does not answer sys.health")
            if let start = baseline[instance.service], let end = Self.residentBytes(instance) {
                #expect(end - start < Self.rssGrowthBound, "\(instance.service): \(start >> 20) → \(end >> 20) MiB")
                print("hostile load: \(instance.service) resident \(start >> 20) → \(end >> 20) MiB")
            }
        }
        up.signal(SIGTERM)
        _ = await up.waitForExit(timeout: .seconds(30))
    }
}
