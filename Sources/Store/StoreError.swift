import CSQLite

/// An error reported by SQLite (or by the store itself), with the SQL that caused it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// The SQLite result code; extended codes (e.g. `SQLITE_CONSTRAINT_UNIQUE`) when SQLite gave one.
    public let code: Int32
    /// `sqlite3_errmsg` or the store's own explanation.
    public let message: String
    /// The statement that failed, if any.
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of `code`).
    public var primaryCode: Int32 { code & 0xFF }

    /// True for the `SQLITE_CONSTRAINT` family: UNIQUE, PRIMARY KEY, FOREIGN KEY, CHECK, NOT NULL.
    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    /// True when the database was locked by another connection for longer than the busy timeout.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " [SQL: \(sql)]" }
        return text
    }

    /// An error raised by the store's own checks (misuse, migrations, closed store).
    static func misuse(_ message: String, sql: String? = nil) -> StoreError {
        StoreError(code: SQLITE_MISUSE, message: message, sql: sql)
    }
}
