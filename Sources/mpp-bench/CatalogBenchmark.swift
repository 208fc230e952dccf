import Bus
import Catalog
import Foundation
import ServiceKit
import Store
import Support
import ZMQ

/// The catalog in this process, served over the bus to a client on its own I/O thread (as
/// another process would be): service search latency against the same queries run straight on
/// SQLite, and region lookups per second against `sys.health` round trips with the same window
/// (lookups come from memory, so they should run at the bus's speed).
func catalogBenchmark(directory: String, quick: Bool) async throws -> [String] {
    let folder = (directory as NSString).appendingPathComponent("mpp-bench-catalog-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let configuration = try ServiceConfiguration.fromEnvironment(service: CatalogService.name, environment: Environment([
        "MPP_DATA": folder, "MPP_RPC_PORT": "0", "MPP_EVENTS_PORT": "0", "MPP_REGISTRY": "tcp://127.0.0.1:1",
        "MPP_LOG_LEVEL": "error", "MPP_DRAIN_SECONDS": "1",
    ]))
    let started = Monotonic.nanoseconds()
    let host = try await ServiceHost(configuration: configuration, migrations: CatalogSchema.migrations, publishesEvents: true,
                                     logSink: .memory())
    let catalog = try await CatalogService(host: host, followIdentity: false)
    let endpoint = try await host.start().rpc
    let startMilliseconds = Double(Monotonic.nanoseconds() - started) / 1e6
    let seedMilliseconds = Double(catalog.seed?.milliseconds ?? 0)

    let clientLoop = try IOLoop(name: "bench-catalog-client-io")
    let client = RPCClient(loop: clientLoop)
    let queries = ["ktp", "akta lahir", "kk", "sip bidan", "surat izin praktik dokter gigi", "pindah datang", "kartu identitas anak",
                   "izin praktik apoteker", "e-ktp hilang", "fisioterapis"]
    let count = quick ? 2_000 : 20_000

    // Baseline: the same search straight on SQLite, one read-only connection, no bus.
    let database = try Database(path: configuration.databasePath, readOnly: true)
    let codes = try database.query("SELECT code FROM regions ORDER BY random() LIMIT 10000").compactMap { $0.string("code") }
    for query in queries { _ = try ServiceSearch.run(database, text: query) }
    var direct: [UInt64] = []
    for index in 0..<count {
        let start = Monotonic.nanoseconds()
        _ = try ServiceSearch.run(database, text: queries[index % queries.count])
        direct.append(Monotonic.nanoseconds() - start)
    }
    database.close()

    // Search through the bus.
    let searchBodies = try queries.map { try JSON.encode(CatalogAPI.SearchServices(q: $0)) }
    for body in searchBodies { _ = try await client.send(to: endpoint, method: "catalog.services.search", body: body) }
    var health: [UInt64] = []
    for _ in 0..<count {
        let start = Monotonic.nanoseconds()
        _ = try await client.send(to: endpoint, method: "sys.health", body: Envelope.emptyObject)
        health.append(Monotonic.nanoseconds() - start)
    }
    catalog.searchCacheEnabled = false
    let uncached = try await sequential(client, endpoint, count: count, bodies: searchBodies)
    catalog.searchCacheEnabled = true
    let cached = try await sequential(client, endpoint, count: count, bodies: searchBodies)

    // Region lookups and sys.health, pipelined with the same window.
    let lookups = quick ? 20_000 : 200_000, window = 200
    let regionBodies = try codes.map { try JSON.encode(CatalogAPI.GetRegion(code: $0)) }
    let healthSeconds = try await pipelined(client, endpoint, count: lookups, window: window) { _ in ("sys.health", Envelope.emptyObject) }
    let lookupSeconds = try await pipelined(client, endpoint, count: lookups, window: window) { index in
        ("catalog.regions.get", regionBodies[index % regionBodies.count])
    }
    await client.shutdown()
    await host.shutdown()
    withExtendedLifetime(catalog) {}

    let directTimes = Percentiles(direct), uncachedTimes = Percentiles(uncached), cachedTimes = Percentiles(cached)
    let healthTimes = Percentiles(health)
    let healthRate = Double(lookups) / healthSeconds, lookupRate = Double(lookups) / lookupSeconds
    return [
        "Catalog: start-up with seed (\(catalog.regionCount()) regions, one transaction) \(String(format: "%.0f ms", startMilliseconds))"
            + " (seed \(String(format: "%.0f ms", seedMilliseconds)))",
        "services.search, sequential (goal: p99 < 2 ms over the bus)",
        cells("", "SQLite direct", "bus, no cache", "bus, cached", "sys.health"),
        cells("p50", micro(directTimes.p50), micro(uncachedTimes.p50), micro(cachedTimes.p50), micro(healthTimes.p50)),
        cells("p99", micro(directTimes.p99), micro(uncachedTimes.p99), micro(cachedTimes.p99), micro(healthTimes.p99)),
        "region lookups (goal: as fast as the bus)",
        cells("", "sys.health", "regions.get", "ratio", ""),
        cells("pipelined (\(window) in flight)", rate(healthRate), rate(lookupRate), ratio(lookupRate, healthRate), "≈ 1.00×"),
        "  (\(count) sequential searches over \(queries.count) queries; \(lookups) lookups of \(codes.count) random codes)",
    ]
}

/// A table row with five 14-character columns (the figures here are wider than `row`'s last one).
private func cells(_ values: String...) -> String {
    "| " + values.enumerated().map { $1.padding(toLength: $0 == 0 ? 28 : 14, withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
}

/// Sends `count` searches one after the other; returns each round trip in nanoseconds.
private func sequential(_ client: RPCClient, _ endpoint: String, count: Int, bodies: [[UInt8]]) async throws -> [UInt64] {
    var times: [UInt64] = []
    times.reserveCapacity(count)
    for index in 0..<count {
        let start = Monotonic.nanoseconds()
        let outcome = try await client.send(to: endpoint, method: "catalog.services.search", body: bodies[index % bodies.count])
        times.append(Monotonic.nanoseconds() - start)
        if outcome.isError { throw outcome.error! }
    }
    return times
}

/// Sends `count` requests with `window` in flight; returns the seconds taken.
private func pipelined(_ client: RPCClient, _ endpoint: String, count: Int, window: Int,
                       _ request: @escaping @Sendable (Int) -> (String, [UInt8])) async throws -> Double {
    let start = Monotonic.nanoseconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<window {
            group.addTask {
                for index in stride(from: worker, to: count, by: window) {
                    let (method, body) = request(index)
                    let outcome = try await client.send(to: endpoint, method: method, body: body)
                    if outcome.isError { throw outcome.error! }
                }
            }
        }
        try await group.waitForAll()
    }
    return Double(Monotonic.nanoseconds() - start) / 1e9
}
