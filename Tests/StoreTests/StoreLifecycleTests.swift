import Foundation
import Testing
@testable import Store

@Suite struct StoreLifecycleTests {
    @Test func dataSurvivesCloseAndReopen() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        do {
            let store = try makeItemStore(dir)
            for value in 1...3 {
                try await store.write { db in try db.run("INSERT INTO items (value) VALUES (?)", [SQLValue(value)]) }
            }
            store.close()
            await #expect(throws: StoreError.self) { try await store.write { _ in 0 } }
            await #expect(throws: StoreError.self) { try await store.read { _ in 0 } }
        }
        let reopened = try makeItemStore(dir)
        defer { reopened.close() }
        let count = try await reopened.read { db in try db.queryOne("SELECT count(*) AS n FROM items")?.int("n") }
        #expect(count == 3)
    }

    /// What a `kill -9` leaves: the database and WAL files as they are, never closed or checkpointed.
    @Test func acknowledgedWritesSurviveACrashImage() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir, name: "crash.db")
        defer { store.close() }
        for value in 1...20 {
            try await store.write { db in try db.run("INSERT INTO items (value) VALUES (?)", [SQLValue(value)]) }
        }
        let copyFolder = dir.file("crash-image")
        try FileManager.default.createDirectory(atPath: copyFolder, withIntermediateDirectories: true)
        for suffix in ["", "-wal"] {
            try FileManager.default.copyItem(atPath: store.path + suffix, toPath: copyFolder + "/crash.db" + suffix)
        }
        #expect(FileManager.default.fileExists(atPath: copyFolder + "/crash.db-wal"))
        let recovered = try Database(path: copyFolder + "/crash.db")
        #expect(try recovered.queryOne("SELECT count(*) AS n FROM items")?.int("n") == 20)
        #expect(try recovered.queryOne("PRAGMA integrity_check")?.string("integrity_check") == "ok")
    }

    @Test func readRunsDuringALongWriteAndSeesOnlyCommittedData() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir)
        defer { store.close() }
        try await store.write { db in try db.run("INSERT INTO items (value) VALUES (1)") }
        let gate = Gate()
        let longWrite = Task {
            try await store.write { db in
                try db.run("INSERT INTO items (value) VALUES (2)")
                gate.hold()
            }
        }
        try await gate.waitUntilHeld()
        let during = try await store.read { db in try db.query("SELECT value FROM items").map { $0.int("value")! } }
        #expect(during == [1])
        gate.open()
        try await longWrite.value
        let after = try await store.read { db in try db.query("SELECT value FROM items ORDER BY value").map { $0.int("value")! } }
        #expect(after == [1, 2])
    }

    @Test func manyConcurrentReadsShareTheReaderPool() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir, readers: 2)
        defer { store.close() }
        try await store.write { db in try db.run("INSERT INTO items (value) VALUES (7)") }
        let sum = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask { try await store.read { db in try db.queryOne("SELECT value FROM items")?.int("value") ?? 0 } }
            }
            return try await group.reduce(0, +)
        }
        #expect(sum == 350)
    }

    @Test func readersAreReadOnly() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir)
        defer { store.close() }
        await #expect(throws: StoreError.self) {
            try await store.read { db in try db.run("INSERT INTO items (value) VALUES (1)") }
        }
    }

    @Test func closeWaitsForPendingWrites() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir)
        let gate = Gate()
        let held = Task { try await store.write { _ in gate.hold() } }
        try await gate.waitUntilHeld()
        let pending = (1...3).map { value in
            Task { try await store.write { db in try db.run("INSERT INTO items (value) VALUES (?)", [SQLValue(value)]) } }
        }
        try await eventually { store.pendingWrites == 3 }
        let closing = Task { await offPool { store.close() } }
        try await Task.sleep(for: .milliseconds(20))
        gate.open()
        await closing.value
        try await held.value
        for task in pending {
            #expect(try await task.value == 1)
        }
        let db = try Database(path: store.path, readOnly: true)
        #expect(try db.queryOne("SELECT count(*) AS n FROM items")?.int("n") == 3)
    }

    @Test func closeFromInsideAWriteDoesNotDeadlock() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try makeItemStore(dir)
        try await store.write { db in
            try db.run("INSERT INTO items (value) VALUES (1)")
            store.close()
        }
        await #expect(throws: StoreError.self) { try await store.write { _ in 0 } }
        let db = try Database(path: store.path, readOnly: true)
        #expect(try db.queryOne("SELECT count(*) AS n FROM items")?.int("n") == 1)
    }

    @Test func migrationFailureStopsStoreInit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: StoreError.self) {
            try Store(path: dir.file("bad/x.db"), migrations: [Migration(1, "bad", "CREATE TABLE")])
        }
    }
}
