import Foundation
import Synchronization
import Testing
@testable import Store

@Suite struct GroupCommitTests {
    @Test func concurrentWritesAreGroupedAndEachCallerGetsItsResult() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir)
        defer { store.close() }
        let count = 500
        let results = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
            for value in 0..<count {
                group.addTask {
                    let id = try await store.write { db in
                        try db.run("INSERT INTO items (value) VALUES (?)", [SQLValue(value)])
                        return db.lastInsertRowID
                    }
                    return (value, id)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == count)
        let rows = try await store.read { db in
            try db.query("SELECT id, value FROM items").map { ($0.int("value")!, $0.int64("id")!) }
        }
        #expect(rows.count == count)
        for (value, id) in rows {
            #expect(results[value] == id)
        }
        let statistics = store.statistics
        #expect(statistics.writes == count)
        #expect(statistics.failedWrites == 0)
        #expect(statistics.commits < statistics.writes)
        #expect(statistics.largestBatch > 1)
        print("group commit: \(statistics.writes) writes in \(statistics.commits) commits, largest batch \(statistics.largestBatch)")
    }

    @Test func throwingBodyRollsBackOnlyItselfWithinItsBatch() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir)
        defer { store.close() }
        let gate = Gate()
        let held = Task { try await store.write { _ in gate.hold() } }
        try await gate.waitUntilHeld()
        let before = store.statistics

        let first = Task { try await store.write { db in try db.run("INSERT INTO items (value) VALUES (1)") } }
        try await eventually { store.pendingWrites == 1 }
        let failing = Task {
            try await store.write { db -> Int in
                try db.run("INSERT INTO items (value) VALUES (2)")
                throw BodyFailure(tag: 2)
            }
        }
        try await eventually { store.pendingWrites == 2 }
        let duplicate = Task { try await store.write { db in try db.run("INSERT INTO items (value) VALUES (1)") } }
        try await eventually { store.pendingWrites == 3 }
        let last = Task { try await store.write { db in try db.run("INSERT INTO items (value) VALUES (4)") } }
        try await eventually { store.pendingWrites == 4 }
        gate.open()
        try await held.value

        #expect(try await first.value == 1)
        await #expect(throws: BodyFailure(tag: 2)) { try await failing.value }
        let constraint = await #expect(throws: StoreError.self) { try await duplicate.value }
        #expect(constraint?.isConstraintViolation == true)
        #expect(try await last.value == 1)

        let values = try await store.read { db in try db.query("SELECT value FROM items ORDER BY value").map { $0.int("value")! } }
        #expect(values == [1, 4])
        let after = store.statistics
        #expect(after.commits - before.commits == 2)  // the gate's batch, then all four bodies together
        #expect(after.writes - before.writes == 5)  // the gate's write is counted when its batch ends
        #expect(after.failedWrites - before.failedWrites == 2)
        #expect(after.largestBatch == 4)
    }

    @Test func nestedTransactionInsideWriteUsesSavepoint() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir)
        defer { store.close() }
        try await store.write { db in
            try db.run("INSERT INTO items (value) VALUES (10)")
            _ = try? db.transaction { db in
                try db.run("INSERT INTO items (value) VALUES (11)")
                throw BodyFailure(tag: 11)
            }
        }
        let values = try await store.read { db in try db.query("SELECT value FROM items").map { $0.int("value")! } }
        #expect(values == [10])
    }

    @Test func noCallerResumedBeforeCommit() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir)
        defer { store.close() }
        let path = store.path
        let observed = CountLog()
        store.addCommitObserver {
            // A separate connection sees only committed data.
            let count = (try? Database(path: path, readOnly: true).queryOne("SELECT count(*) AS n FROM items")?.int("n")) ?? -1
            observed.values.withLock { $0.append(count) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for value in 0..<100 {
                group.addTask {
                    let id = try await store.write { db in
                        try db.run("INSERT INTO items (value) VALUES (?)", [SQLValue(value)])
                        return db.lastInsertRowID
                    }
                    // The observer of this caller's batch ran (after COMMIT) before the caller resumed.
                    let committedSoFar = observed.values.withLock { $0.max() ?? 0 }
                    #expect(committedSoFar >= Int(id))
                    let seenByReader = try await store.read { db in
                        try db.queryOne("SELECT value FROM items WHERE id = ?", [SQLValue(id)])?.int("value")
                    }
                    #expect(seenByReader == value)
                    let fresh = try Database(path: path, readOnly: true)
                    #expect(try fresh.queryOne("SELECT value FROM items WHERE id = ?", [SQLValue(id)])?.int("value") == value)
                }
            }
            try await group.waitForAll()
        }
        let counts = observed.values.withLock { $0 }
        #expect(counts.count == store.statistics.commits)
        #expect(counts == counts.sorted())
        #expect(counts.last == 100)
    }
}
