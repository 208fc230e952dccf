import Foundation
import Store

/// Compares one transaction (one fsync) per write with `Store.write` group commit.
///
/// (a) baseline: a single `Database`, each insert in its own `BEGIN IMMEDIATE … COMMIT`;
/// (b) `Store.write` from `concurrency` concurrent writers, `writes` inserts in all.
/// Both use WAL with `synchronous=FULL`, in a fresh folder under `directory` that is removed
/// afterwards. The baseline pays one fsync per write: on a slow disk (~10 ms per fsync),
/// 1 000 writes take about 10 s, so keep `writes` in the hundreds or low thousands.
func storeBenchmark(directory: String, writes: Int, concurrency: Int) async throws -> [String] {
    precondition(writes > 0 && concurrency > 0, "storeBenchmark needs writes > 0 and concurrency > 0")
    let folder = directory + "/store-benchmark-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let schema = "CREATE TABLE events (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, payload TEXT NOT NULL)"
    let insert = "INSERT INTO events (seq, payload) VALUES (?, ?)"
    let payload = SQLValue(String(repeating: "x", count: 200))
    let clock = ContinuousClock()

    // (a) One transaction per write.
    let database = try Database(path: folder + "/baseline.db")
    try database.execute(schema)
    let baselineStart = clock.now
    for seq in 0..<writes {
        try database.transaction { db in try db.run(insert, [SQLValue(seq), payload]) }
    }
    let baselineSeconds = seconds(clock.now - baselineStart)
    database.close()

    // (b) Group commit with concurrent writers.
    let store = try Store(path: folder + "/group.db", migrations: [Migration(1, "events", schema)])
    defer { store.close() }
    let groupStart = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                for seq in stride(from: worker, to: writes, by: concurrency) {
                    try await store.write { db in try db.run(insert, [SQLValue(seq), payload]) }
                }
            }
        }
        try await group.waitForAll()
    }
    let groupSeconds = seconds(clock.now - groupStart)
    let stored = try await store.read { db in try db.queryOne("SELECT count(*) AS n FROM events")?.int("n") ?? 0 }
    guard stored == writes else {
        throw StoreError(code: 1, message: "store benchmark: expected \(writes) rows, found \(stored)")
    }
    let statistics = store.statistics

    let baselineRate = Double(writes) / baselineSeconds
    let groupRate = Double(writes) / groupSeconds
    return [
        String(format: "store baseline (one transaction per write): %d writes in %.3f s = %.0f writes/s",
               writes, baselineSeconds, baselineRate),
        String(format: "store group commit (%d concurrent writers): %d writes in %.3f s = %.0f writes/s",
               concurrency, writes, groupSeconds, groupRate),
        String(format: "store group commit / baseline: %.1fx", groupRate / baselineRate),
        String(format: "store commits per write: %.4f (%d commits for %d writes, largest batch %d)",
               Double(statistics.commits) / Double(statistics.writes), statistics.commits, statistics.writes,
               statistics.largestBatch),
    ]
}

private func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return max(Double(parts.seconds) + Double(parts.attoseconds) / 1e18, 1e-9)
}
