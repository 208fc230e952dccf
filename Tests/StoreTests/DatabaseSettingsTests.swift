import Testing
@testable import Store

@Suite struct DatabaseSettingsTests {
    @Test func writerUsesWALFullSyncAndForeignKeys() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("settings.db"))
        #expect(try db.queryOne("PRAGMA journal_mode")?.string("journal_mode") == "wal")
        #expect(try db.queryOne("PRAGMA synchronous")?.int("synchronous") == 2)  // FULL
        #expect(try db.queryOne("PRAGMA foreign_keys")?.int("foreign_keys") == 1)
        #expect(try db.queryOne("PRAGMA busy_timeout")?.int("timeout") == 5_000)
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("ro.db")
        let writer = try Database(path: path)
        try writer.execute("CREATE TABLE t (x)")
        let reader = try Database(path: path, readOnly: true)
        #expect(reader.isReadOnly)
        #expect(try reader.query("SELECT * FROM t").isEmpty)
        let error = #expect(throws: StoreError.self) { try reader.run("INSERT INTO t VALUES (1)") }
        #expect(error != nil)
        #expect(throws: StoreError.self) { try Database(path: dir.file("missing.db"), readOnly: true) }
    }
}
