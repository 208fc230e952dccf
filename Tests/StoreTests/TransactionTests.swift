import Testing
@testable import Store

private struct Abort: Error {}

@Suite struct TransactionTests {
    private func openDatabase(_ dir: TemporaryDirectory) throws -> Database {
        let db = try Database(path: dir.file("tx.db"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE NOT NULL)")
        return db
    }

    private func values(_ db: Database) throws -> [String] {
        try db.query("SELECT v FROM t ORDER BY id").compactMap { $0.string("v") }
    }

    @Test func commitsAndReturnsValue() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try openDatabase(dir)
        let id = try db.transaction { db in
            try db.run("INSERT INTO t (v) VALUES ('a')")
            return db.lastInsertRowID
        }
        #expect(id == 1)
        #expect(!db.isInTransaction)
        #expect(try values(db) == ["a"])
    }

    @Test func rollsBackOnThrow() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try openDatabase(dir)
        #expect(throws: Abort.self) {
            try db.transaction { db in
                try db.run("INSERT INTO t (v) VALUES ('gone')")
                throw Abort()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try values(db).isEmpty)
    }

    @Test func nestedSavepointRollsBackOnlyInner() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try openDatabase(dir)
        try db.transaction { db in
            try db.run("INSERT INTO t (v) VALUES ('outer')")
            #expect(throws: Abort.self) {
                try db.transaction { db in
                    try db.run("INSERT INTO t (v) VALUES ('inner')")
                    throw Abort()
                }
            }
            try db.transaction { db in
                try db.run("INSERT INTO t (v) VALUES ('second inner')")
            }
        }
        #expect(try values(db) == ["outer", "second inner"])
    }

    @Test func badSQLIsAnErrorWithMessage() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try openDatabase(dir)
        let syntax = #expect(throws: StoreError.self) { try db.run("INSERT INTO t VALUES (,)") }
        #expect(syntax?.message.contains("syntax error") == true)
        #expect(syntax?.sql == "INSERT INTO t VALUES (,)")
        #expect(syntax?.description.contains("INSERT INTO t VALUES (,)") == true)
        let missing = #expect(throws: StoreError.self) { try db.query("SELECT * FROM nowhere") }
        #expect(missing?.message.contains("no such table") == true)
        #expect(throws: StoreError.self) { try db.execute("CREATE TABLE; DROP") }
        #expect(throws: StoreError.self) { try db.run("SELECT 1; SELECT 2") }
        #expect(throws: StoreError.self) { try db.run("SELECT 1; garbage") }
        #expect(try db.queryOne("SELECT 2 AS two; -- trailing comment\n")?.int("two") == 2)
        #expect(throws: StoreError.self) { try db.run("") }
        #expect(throws: StoreError.self) { try Database(path: dir.file("no/such/dir/x.db")) }
        // The connection is still usable afterwards.
        #expect(try db.queryOne("SELECT 1 AS one")?.int("one") == 1)
    }

    @Test func constraintViolationDetectable() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try openDatabase(dir)
        try db.run("INSERT INTO t (v) VALUES ('x')")
        let unique = #expect(throws: StoreError.self) { try db.run("INSERT INTO t (v) VALUES ('x')") }
        #expect(unique?.isConstraintViolation == true)
        #expect(unique?.isBusy == false)
        let notNull = #expect(throws: StoreError.self) { try db.run("INSERT INTO t (v) VALUES (NULL)") }
        #expect(notNull?.isConstraintViolation == true)
        try db.execute("CREATE TABLE child (parent INTEGER REFERENCES t(id))")
        let foreignKey = #expect(throws: StoreError.self) { try db.run("INSERT INTO child VALUES (999)") }
        #expect(foreignKey?.isConstraintViolation == true)
    }

    @Test func closedDatabaseThrows() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try openDatabase(dir)
        db.close()
        db.close()
        #expect(!db.isOpen)
        #expect(throws: StoreError.self) { try db.query("SELECT 1") }
    }
}
