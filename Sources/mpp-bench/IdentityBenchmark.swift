import Bus
import Foundation
import Identity
import ServiceKit
import Sodium
import Support

/// Identity: token verification with the shared kit's cache against raw Ed25519 verification
/// (the baseline, same run), logins per second over the bus, and the peak memory of a flood of
/// 50 concurrent logins with interactive Argon2id (bounded by the hashing pool).
func identityBenchmark(directory: String, quick: Bool) async throws -> [String] {
    var lines = ["Identity: access-token verification (one thread), logins over the bus, memory under a login flood"]
    lines += verificationFigures(cached: quick ? 400_000 : 4_000_000, uncached: quick ? 4_000 : 40_000)
    lines += try await loginFigures(directory: directory, quick: quick)
    return lines
}

/// Verifications per second: raw Ed25519, the verifier without cache, the verifier with cache.
private func verificationFigures(cached: Int, uncached: Int) -> [String] {
    let key = SigningKey.generate()
    let now = SystemClock().now()
    let tokens = (0..<1_000).map { index in
        TokenCodec.sign(AccessClaims(sub: "c\(index)", role: .citizen, issuedAt: now, lifetime: 900, verified: true, name: "Warga \(index)"), with: key)
    }
    let decoded = tokens.compactMap(TokenCodec.decodeUnverified)
    let publicKey = key.keyPair.publicKey

    var start = Monotonic.nanoseconds()
    var valid = 0
    for index in 0..<uncached {
        let token = decoded[index % decoded.count]
        if Ed25519.verify(signature: token.signature, message: token.message, publicKey: publicKey) { valid += 1 }
    }
    let rawRate = Double(uncached) / seconds(since: start)

    let plain = TokenVerifier(keys: [key.verificationKey], cacheCapacity: 0)
    start = Monotonic.nanoseconds()
    for index in 0..<uncached where (try? plain.verify(tokens[index % tokens.count])) != nil { valid += 1 }
    let uncachedRate = Double(uncached) / seconds(since: start)

    let verifier = TokenVerifier(keys: [key.verificationKey])
    for token in tokens { _ = try? verifier.verify(token) }
    start = Monotonic.nanoseconds()
    for index in 0..<cached where (try? verifier.verify(tokens[index % tokens.count])) != nil { valid += 1 }
    let cachedRate = Double(cached) / seconds(since: start)
    precondition(valid == 2 * uncached + cached, "a benchmark token failed to verify")

    return [
        row("verifications per second", "raw Ed25519", "uncached", "cached", "target"),
        row("  one thread, 1000 tokens", perSecond(rawRate), perSecond(uncachedRate), perSecond(cachedRate), "≥ 200k/s"),
        "  cached / raw Ed25519: \(ratio(cachedRate, rawRate)); uncached / raw: \(ratio(uncachedRate, rawRate)) (token decoding and the checks cost on top of the signature)",
    ]
}

/// Logins over the bus (minimum and interactive Argon2id) and peak memory of 50 concurrent logins.
private func loginFigures(directory: String, quick: Bool) async throws -> [String] {
    let fast = try await LoginBench.start(directory: directory, argon2: "minimum", accounts: 50)
    let fastRate = try await fast.loginsPerSecond(total: quick ? 500 : 2_000, concurrency: 50)
    await fast.stop()

    let real = try await LoginBench.start(directory: directory, argon2: "interactive", accounts: 50)
    let before = residentMegabytes()
    resetPeakResident()
    let floodStart = Monotonic.nanoseconds()
    let floodRate = try await real.loginsPerSecond(total: 50, concurrency: 50)
    let floodSeconds = seconds(since: floodStart)
    let peak = peakResidentMegabytes()
    let sustained = try await real.loginsPerSecond(total: quick ? 50 : 200, concurrency: 50)
    let pool = real.service.hasher
    await real.stop()
    return [
        row("logins per second (bus)", "Argon2id min", "interactive", "", ""),
        row("  50 accounts, 50 in flight", perSecond(fastRate), perSecond(sustained), "", ""),
        "  (minimum cost shows the bus, store and token overhead of a login; interactive is the production cost: 2 passes, 64 MiB, hashed \(pool.concurrency) at a time)",
        "  memory under 50 concurrent logins, interactive Argon2id: RSS \(before) MiB before, peak \(peak) MiB (VmHWM) — +\(peak - before) MiB;",
        "  bounded by the pool (\(pool.concurrency) × 64 MiB = \(pool.concurrency * 64) MiB); unbounded would be 50 × 64 MiB = 3200 MiB. Flood served in \(String(format: "%.2f", floodSeconds)) s (\(perSecond(floodRate)))",
    ]
}

/// An identity instance with `accounts` staff accounts to log in with.
private struct LoginBench {
    let host: ServiceHost
    let service: IdentityService
    let rpc: RPCClient
    let endpoint: String
    let folder: String
    static let password = "kata-sandi-bench-2026"

    static func start(directory: String, argon2: String, accounts: Int) async throws -> LoginBench {
        let folder = (directory as NSString).appendingPathComponent("mpp-bench-identity-\(UUID().uuidString)")
        let environment = Environment([
            "MPP_DATA": folder, "MPP_RPC_PORT": "0", "MPP_EVENTS_PORT": "0", "MPP_REGISTRY": "tcp://127.0.0.1:9",
            "MPP_LOG_LEVEL": "error", "MPP_ARGON2": argon2,
        ])
        let settings = try IdentitySettings.fromEnvironment(environment)
        _ = try await IdentityBootstrap.createOperator(dataDirectory: folder, username: "ops", name: "Operator Bench",
                                                      password: password, force: false, parameters: settings.passwordParameters)
        let host = try await ServiceHost(configuration: try ServiceConfiguration.fromEnvironment(service: IdentityService.name,
                                                                                                environment: environment),
                                         migrations: IdentitySchema.migrations, publishesEvents: true)
        let rpc = RPCClient()
        let service = try await IdentityService(host: host, settings: settings, catalog: .fixed(rpc, endpoint: "tcp://127.0.0.1:9"))
        let endpoint = try await host.start().rpc
        let bench = LoginBench(host: host, service: service, rpc: rpc, endpoint: endpoint, folder: folder)
        let ops = try await bench.login("ops").access_token
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<accounts {
                group.addTask {
                    let request = CreateStaff(username: "bench\(index)", name: "Penilai Bench", password: password, role: .ministry)
                    _ = try await bench.call("identity.staff.create", request, token: ops, key: "bench-\(index)", as: AccountView.self)
                }
            }
            try await group.waitForAll()
        }
        return bench
    }

    /// Logs in `total` times spread over the accounts, `concurrency` at once.
    func loginsPerSecond(total: Int, concurrency: Int) async throws -> Double {
        let start = Monotonic.nanoseconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for _ in stride(from: worker, to: total, by: concurrency) { _ = try await self.login("bench\(worker)") }
                }
            }
            try await group.waitForAll()
        }
        return Double(total) / seconds(since: start)
    }

    func login(_ username: String) async throws -> TokenPair {
        try await call("identity.login", LoginRequest(username: username, password: Self.password), as: TokenPair.self)
    }

    func call<Body: Encodable, Reply: Decodable>(_ method: String, _ body: Body, token: String? = nil, key: String? = nil,
                                                 as: Reply.Type) async throws -> Reply {
        let outcome = try await rpc.send(to: endpoint, method: method, metadata: RequestMetadata(token: token, idempotencyKey: key),
                                         body: try JSON.encode(body), timeout: .seconds(60))
        if let error = outcome.error { throw error }
        return try JSON.decode(Reply.self, from: outcome.body)
    }

    func stop() async {
        await host.shutdown()
        await rpc.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

private func perSecond(_ rate: Double) -> String {
    if rate >= 10_000 { return String(format: "%.0fk/s", rate / 1000) }
    return String(format: rate >= 100 ? "%.0f/s" : "%.1f/s", rate)
}

/// Peak resident memory of this process in MiB (/proc/self/status VmHWM).
private func peakResidentMegabytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

/// Resets VmHWM to the current RSS (Linux: "5" to /proc/self/clear_refs), so the peak measured
/// is the flood's, not an earlier benchmark's.
private func resetPeakResident() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}
