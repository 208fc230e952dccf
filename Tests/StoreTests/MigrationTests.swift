import Testing
@testable import Store

@Suite struct MigrationTests {
    let base = [
        Migration(1, "create citizens", "CREATE TABLE citizens (nik TEXT PRIMARY KEY, name TEXT NOT NULL)"),
        Migration(2, "add phone", "ALTER TABLE citizens ADD COLUMN phone TEXT; CREATE INDEX citizens_name ON citizens(name);"),
    ]

    @Test func appliedInOrderAndRecorded() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("m.db"))
        try db.migrate(base)
        try db.run("INSERT INTO citizens (nik, name, phone) VALUES (?, ?, ?)", ["3273010101900001", "Siti", "0812"])
        let recorded = try db.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        #expect(recorded.map { $0.int("version") } == [1, 2])
        #expect(recorded.map { $0.string("name") } == ["create citizens", "add phone"])
        #expect(recorded.allSatisfy { ($0.string("applied_at") ?? "").hasSuffix("Z") })
        #expect(try db.schemaVersion() == 2)
    }

    @Test func idempotentOnReopenAndNewMigrationApplied() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("m.db")
        do {
            let db = try Database(path: path)
            try db.migrate(base)
            try db.run("INSERT INTO citizens (nik, name) VALUES ('1', 'A')")
        }
        do {
            let db = try Database(path: path)
            try db.migrate(base)  // would fail ("table citizens already exists") if re-applied
            #expect(try db.query("SELECT version FROM schema_migrations").count == 2)
        }
        do {
            let db = try Database(path: path)
            try db.migrate(base + [Migration(3, "add email", "ALTER TABLE citizens ADD COLUMN email TEXT")])
            try db.run("UPDATE citizens SET email = 'a@example.id'")
            #expect(try db.schemaVersion() == 3)
            #expect(try db.queryOne("SELECT count(*) AS n FROM citizens")?.int("n") == 1)
        }
    }

    @Test func outOfOrderListRejected() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("m.db"))
        let error = #expect(throws: StoreError.self) {
            try db.migrate([base[1], base[0]])
        }
        #expect(error?.message.contains("out of order") == true)
        let duplicate = #expect(throws: StoreError.self) {
            try db.migrate([base[0], Migration(1, "again", "SELECT 1")])
        }
        #expect(duplicate != nil)
        #expect(try db.schemaVersion() == 0)
    }

    @Test func downgradeRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("m.db"))
        try db.migrate(base)
        let error = #expect(throws: StoreError.self) { try db.migrate([base[0]]) }
        #expect(error?.message.contains("downgrade") == true)
    }

    @Test func failingMigrationLeavesNoTrace() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("m.db"))
        let broken = Migration(3, "broken", "CREATE TABLE extra (x); INSERT INTO nowhere VALUES (1);")
        let error = #expect(throws: StoreError.self) { try db.migrate(base + [broken]) }
        #expect(error?.message.contains("migration 3 'broken'") == true)
        #expect(try db.schemaVersion() == 2)
        #expect(try db.queryOne("SELECT 1 FROM sqlite_master WHERE name = 'extra'") == nil)
    }
}
