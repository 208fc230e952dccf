import Applications
import Bus
import Catalog
import Foundation
import ServiceKit
import Store
import Support
import TestKit
import ZMQ

/// Applications: durable submissions per second over the bus from 50 concurrent clients (each
/// a KTP-el application with its full form and a 4 KiB scanned PDF, validated, written with its
/// vault document, history entry and outbox event, acknowledged after the commit), with p50/p99
/// latency, next to raw SQLite group commit (`Store.write` inserting the same rows, the same 50
/// writers) measured in the same run.
func applicationsBenchmark(directory: String, quick: Bool) async throws -> [String] {
    let total = quick ? 2_000 : 20_000, clients = 50
    let platform = try await TestPlatform.start()
    defer { Task { await platform.stop() } }
    let catalogHost = try await platform.host(CatalogService.name, migrations: CatalogSchema.migrations)
    let catalog = try await CatalogService(host: catalogHost, followIdentity: false)
    try await catalogHost.start()
    let host = try await platform.host(ApplicationsService.name, migrations: ApplicationsSchema.migrations, extra: ["MPP_LOG_LEVEL": "error"])
    let service = try await ApplicationsService(host: host)
    let endpoint = try await host.start().rpc
    host.auth.verifier.setKeys([platform.signingKey.verificationKey])

    let loop = try IOLoop(name: "bench-applications-client-io")
    let client = RPCClient(loop: loop)
    let tokens = (0..<clients).map { platform.token(sub: "bench-citizen-\($0)", role: .citizen, verified: true, lifetime: 3600) }
    let scan = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 4096 - 9)
    // The clients' request bodies are written before the clock starts: the figure is the service's.
    let bodies = try (0..<(total + clients)).map { index in
        try JSON.encode(SubmitApplication(service: "ktp-el", region: "32.02", form: [
            "nik": "3202011501900001", "nama_lengkap": .string("Warga Uji \(index)"), "nomor_kk": "3202010101900001",
            "alamat": .string("Jl. Pelabuhan \(index)"), "desa": "32.02.01.1001", "alasan": "rusak",
        ], documents: ["kk": DocumentInput(attachment: 0, name: "kk.pdf")]))
    }
    @Sendable func submit(_ index: Int) async throws -> UInt64 {
        var document = scan
        withUnsafeBytes(of: UInt64(index).bigEndian) { document.replaceSubrange(16..<24, with: $0) }  // one vault entry each
        let start = Monotonic.nanoseconds()
        let outcome = try await client.send(to: endpoint, method: "applications.submit",
                                            metadata: RequestMetadata(token: tokens[index % clients], idempotencyKey: "bench-\(index)"),
                                            body: bodies[index], attachments: [document], timeout: .seconds(30))
        if let error = outcome.error { throw error }
        return Monotonic.nanoseconds() - start
    }
    for index in 0..<clients { _ = try await submit(total + index) }  // warm: catalog caches, statements, connections

    let busStart = Monotonic.nanoseconds(), busCPU = processCPUSeconds()
    let latencies = try await concurrently(clients: clients, total: total) { try await submit($0) }
    let busSeconds = seconds(since: busStart), busCPUPerSubmission = (processCPUSeconds() - busCPU) / Double(total)
    let busStatistics = host.store.statistics
    let stored = try await host.store.read { db in try db.queryOne("SELECT count(*) AS n FROM applications")?.int("n") ?? 0 }
    guard stored == total + clients else { throw RPCError(.internal, "expected \(total + clients) applications, found \(stored)") }
    await client.shutdown()
    _ = (catalog, service)

    let raw = try await rawGroupCommit(directory: directory, total: total, clients: clients, document: scan)
    let busRate = Double(total) / busSeconds
    let percentiles = Percentiles(latencies)
    return [
        "Applications: durable submissions over the bus (50 clients) vs raw SQLite group commit of the same rows",
        row("", "per second", "p50", "p99", "target"),
        row("  submit over the bus", String(format: "%.0f/s", busRate), micro(percentiles.p50), micro(percentiles.p99), "≥ 5000/s"),
        row("  raw Store.write, same rows", String(format: "%.0f/s", raw.rate), micro(raw.percentiles.p50), micro(raw.percentiles.p99), ""),
        "  bus / raw: \(ratio(busRate, raw.rate)); \(total) submissions of a KTP-el form + 4 KiB PDF (request bodies written before the clock starts); "
            + String(format: "%.1f submissions per commit", busStatistics.writesPerCommit),
        String(format: "  the store's single writer was busy %.0f µs per submission (%.0f µs in the write bodies, the rest BEGIN/COMMIT and fsync)",
               Double(busStatistics.busyNanoseconds) / Double(busStatistics.writes) / 1000,
               Double(busStatistics.bodyNanoseconds) / Double(busStatistics.writes) / 1000),
        String(format: "  CPU per submission (user + system, client and service in this process): %.0f µs over the bus, %.0f µs raw; "
               + "on a shared machine this is the steadier figure", busCPUPerSubmission * 1e6, raw.cpuPerWrite * 1e6),
    ]
}

/// Runs `total` operations from `clients` concurrent loops; their latencies.
private func concurrently(clients: Int, total: Int, _ operation: @escaping @Sendable (Int) async throws -> UInt64) async throws -> [UInt64] {
    try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for client in 0..<clients {
            group.addTask {
                var samples: [UInt64] = []
                for index in stride(from: client, to: total, by: clients) { samples.append(try await operation(index)) }
                return samples
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
}

/// The rows of a submission (application, agency, vault document, link, history, outbox event)
/// written with `Store.write` by `clients` concurrent writers: the floor under the service.
private func rawGroupCommit(directory: String, total: Int, clients: Int, document: [UInt8]) async throws
    -> (rate: Double, percentiles: Percentiles, cpuPerWrite: Double) {
    let folder = (directory as NSString).appendingPathComponent("mpp-bench-applications-raw-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let store = try Store(path: folder + "/raw.db", migrations: ApplicationsSchema.migrations)
    defer { store.close() }
    try await Outbox.install(in: store)
    let form = String(decoding: try JSON.encode(["alasan": "rusak", "nama_lengkap": "Warga Uji", "desa": "32.02.01.1001"]), as: UTF8.self)
    let event = Array(String(repeating: "e", count: 600).utf8)
    let start = Monotonic.nanoseconds(), cpu = processCPUSeconds()
    let latencies = try await concurrently(clients: clients, total: total) { index in
        let begin = Monotonic.nanoseconds()
        try await store.write { db in
            let number = String(format: "3202-261123-%07ld", index), time = "2026-11-23T02:00:00Z"
            try db.run("""
                INSERT INTO applications (tracking_number, citizen, idempotency_key, service, service_version, agency, region, state,
                                          form, submitted_at, updated_at) VALUES (?, ?, ?, 'ktp-el', 1, 'disdukcapil', '32.02', 'submitted', ?, ?, ?)
                """, [.text(number), .text("c-\(index % clients)"), .text("k-\(index)"), .text(form), .text(time), .text(time)])
            let id = db.lastInsertRowID
            try db.run("INSERT INTO application_agencies VALUES ('disdukcapil', '32.02', ?)", [.integer(id)])
            try db.run("INSERT INTO vault_documents VALUES (?, ?, 'pdf', ?, 'kk.pdf', ?, ?)",
                       [.text("c-\(index % clients)"), .text("v-\(index)"), SQLValue(document.count), .blob(document), .text(time)])
            try db.run("INSERT INTO application_documents VALUES (?, 'kk', ?)", [.integer(id), .text("v-\(index)")])
            try db.run("""
                INSERT INTO history (application_id, seq, action, from_state, to_state, actor, actor_role, time, prev_hash, hash)
                VALUES (?, 1, 'submit', '', 'submitted', ?, 'citizen', ?, ?, ?)
                """, [.integer(id), .text("c-\(index % clients)"), .text(time), .text(String(repeating: "0", count: 64)),
                      .text(String(repeating: "1", count: 64))])
            let next = (try db.queryOne("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM bus_outbox")?.int64("next")) ?? 1
            try db.run("INSERT INTO bus_outbox (seq, topic, event, created_at) VALUES (?, 'application.submitted', ?, 0)",
                       [.integer(next), .blob(event)])
        }
        return Monotonic.nanoseconds() - begin
    }
    return (Double(total) / seconds(since: start), Percentiles(latencies), (processCPUSeconds() - cpu) / Double(total))
}

/// User + system CPU time of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let time = { (value: timeval) in Double(value.tv_sec) + Double(value.tv_usec) / 1e6 }
    return time(usage.ru_utime) + time(usage.ru_stime)
}
