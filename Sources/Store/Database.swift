import CSQLite

/// One SQLite connection.
///
/// Not thread-safe and deliberately not `Sendable`: a connection is owned by one
/// `Store` thread (or one caller) at a time. Opened in WAL mode with foreign keys on,
/// a busy timeout, and `synchronous=FULL` so nothing acknowledged is lost on power loss.
public final class Database {
    /// The file this connection opened.
    public let path: String
    /// True when opened with `readOnly: true`.
    public let isReadOnly: Bool

    private var handle: OpaquePointer?
    private var statements = StatementCache(capacity: 128)
    private var transactionDepth = 0

    /// Opens (creating if needed, unless `readOnly`) the database at `path`.
    public init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5_000) throws {
        self.path = path
        self.isReadOnly = readOnly
        var connection: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &connection, flags, nil)
        guard rc == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(connection)
            throw StoreError(code: rc, message: "cannot open \(path): \(message)")
        }
        handle = connection
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        if readOnly {
            try execute("PRAGMA foreign_keys = ON; PRAGMA query_only = ON;")
        } else {
            try execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        }
    }

    deinit { close() }

    /// Finalizes cached statements and closes the connection. Later calls throw. Idempotent.
    public func close() {
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// True until `close()`.
    public var isOpen: Bool { handle != nil }

    /// Runs one or more `;`-separated statements without parameters (schema scripts, pragmas).
    public func execute(_ sql: String) throws {
        let connection = try open(sql)
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(connection, sql, nil, nil, &errorMessage)
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(connection))
            sqlite3_free(errorMessage)
            throw StoreError(code: sqlite3_extended_errcode(connection), message: message, sql: sql)
        }
    }

    /// Runs one statement with positional (`?`) parameters; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ params: [SQLValue] = []) throws -> Int {
        let connection = try open(sql)
        try withStatement(sql, params) { statement in
            while try statement.step() {}
        }
        return Int(sqlite3_changes(connection))
    }

    /// Runs one statement with positional parameters and returns every row.
    public func query(_ sql: String, _ params: [SQLValue] = []) throws -> [Row] {
        try withStatement(sql, params) { statement in
            var rows: [Row] = []
            while try statement.step() {
                rows.append(statement.currentRow())
            }
            return rows
        }
    }

    /// The first row of the result, or nil when there is none.
    public func queryOne(_ sql: String, _ params: [SQLValue] = []) throws -> Row? {
        try withStatement(sql, params) { statement in
            try statement.step() ? statement.currentRow() : nil
        }
    }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool {
        handle.map { sqlite3_get_autocommit($0) == 0 } ?? false
    }

    /// Runs `body` in a transaction: `BEGIN IMMEDIATE … COMMIT`, or a SAVEPOINT when one is
    /// already open. Throwing from `body` rolls back (only the savepoint, when nested) and rethrows.
    @discardableResult
    public func transaction<T>(_ body: (Database) throws -> T) throws -> T {
        try withTransaction(begin: "BEGIN IMMEDIATE", body)
    }

    /// Like `transaction`, but `BEGIN DEFERRED`: takes no write lock until the first write.
    /// On a reader this gives `body` one consistent snapshot across several queries.
    @discardableResult
    public func deferredTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try withTransaction(begin: "BEGIN DEFERRED", body)
    }

    private func withTransaction<T>(begin: String, _ body: (Database) throws -> T) throws -> T {
        let depth = transactionDepth
        let savepoint = "mpp_savepoint_\(depth)"
        try execute(depth == 0 ? begin : "SAVEPOINT \(savepoint)")
        transactionDepth += 1
        defer { transactionDepth = depth }
        do {
            let result = try body(self)
            try execute(depth == 0 ? "COMMIT" : "RELEASE \(savepoint)")
            return result
        } catch {
            // SQLite may already have rolled everything back (I/O errors, full disk); then there is nothing to undo.
            if isInTransaction {
                try? execute(depth == 0 ? "ROLLBACK" : "ROLLBACK TO \(savepoint); RELEASE \(savepoint)")
            }
            throw error
        }
    }

    /// Binds `params` to the cached statement for `sql`, runs `use`, and always resets the statement.
    private func withStatement<T>(_ sql: String, _ params: [SQLValue], _ use: (Statement) throws -> T) throws -> T {
        let connection = try open(sql)
        let statement = try statements.statement(for: sql) {
            try Statement(connection: connection, sql: $0, persistent: true)
        }
        defer { statement.reset() }
        try statement.bind(params)
        return try use(statement)
    }

    private func open(_ sql: String) throws -> OpaquePointer {
        guard let handle else { throw StoreError.misuse("database \(path) is closed", sql: sql) }
        return handle
    }
}
