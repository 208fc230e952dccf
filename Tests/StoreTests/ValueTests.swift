import Foundation
import Testing
@testable import Store

@Suite struct ValueTests {
    @Test func valuesRoundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("values.db"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
        let values: [SQLValue] = [
            .null, .integer(.max), .integer(.min), .integer(0), .real(3.25), .real(-1e300),
            .text(""), .text("Ibu Siti Nurhaliza — Jl. Merdeka №5, 日本語, 🇮🇩"), .text("a\u{0}b"),
            .blob([]), .blob([0, 1, 0, 255, 0]),
        ]
        for value in values {
            try db.run("INSERT INTO t (v) VALUES (?)", [value])
        }
        let read = try db.query("SELECT v FROM t ORDER BY id").map { $0["v"] }
        #expect(read == values)
    }

    @Test func convenienceInitsAndLiterals() {
        #expect(SQLValue(42) == .integer(42))
        #expect(SQLValue(Int64.min) == .integer(.min))
        #expect(SQLValue(String?.none) == .null)
        #expect(SQLValue("x" as String?) == .text("x"))
        #expect(SQLValue(1.5) == .real(1.5))
        #expect(SQLValue([UInt8]([1, 2])) == .blob([1, 2]))
        #expect(SQLValue(true) == .integer(1))
        #expect(SQLValue(Data([0, 9])) == .blob([0, 9]))
        let literals: [SQLValue] = [7, "s", nil, 2.5, false]
        #expect(literals == [.integer(7), .text("s"), .null, .real(2.5), .integer(0)])
    }

    @Test func paramsBindPositionallyAndRowAccessors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("params.db"))
        try db.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT, score REAL, flag INTEGER, data BLOB)")
        let changed = try db.run("INSERT INTO p (name, score, flag, data) VALUES (?, ?, ?, ?)",
                                 ["Budi", 9.5, SQLValue(true), SQLValue([UInt8]([1, 2, 3]))])
        #expect(changed == 1)
        #expect(db.lastInsertRowID == 1)
        let row = try #require(try db.queryOne("SELECT * FROM p WHERE name = ? AND flag = ?", ["Budi", 1]))
        #expect(row.columns == ["id", "name", "score", "flag", "data"])
        #expect(row.int("id") == 1)
        #expect(row.int64("id") == 1)
        #expect(row.string("name") == "Budi")
        #expect(row.double("score") == 9.5)
        #expect(row.bool("flag") == true)
        #expect(row.blob("data") == [1, 2, 3])
        #expect(row["missing"] == .null)
        #expect(row.string("id") == nil)
        #expect(try db.queryOne("SELECT * FROM p WHERE name = ?", ["Nobody"]) == nil)
        #expect(try db.run("UPDATE p SET score = score + 1") == 1)
    }

    @Test func wrongParameterCountIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("count.db"))
        let error = #expect(throws: StoreError.self) { try db.query("SELECT ?, ?", [1]) }
        #expect(error?.message.contains("expects 2 parameters") == true)
    }

    @Test func statementCacheStaysBoundedAndCorrect() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("cache.db"))
        for round in 0..<2 {
            for i in 0..<300 {
                let row = try db.queryOne("SELECT ? + \(i) AS n", [SQLValue(round)])
                #expect(row?.int("n") == i + round)
            }
        }
    }
}
