import CSQLite

/// A prepared statement owned by one `Database`. Not thread-safe; never escapes its connection.
final class Statement {
    let handle: OpaquePointer
    let sql: String
    private let connection: OpaquePointer
    /// Column names, computed once per preparation and shared by every row.
    private(set) lazy var columnNames: [String] = (0..<sqlite3_column_count(handle)).map {
        String(cString: sqlite3_column_name(handle, $0))
    }

    /// Prepares exactly one statement. Trailing text other than whitespace or `;` is an error.
    init(connection: OpaquePointer, sql: String, persistent: Bool) throws {
        var statement: OpaquePointer?
        var hasTail = false
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let rc = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(connection, text, -1, flags, &statement, &tail)
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                // Only whitespace, `;` and comments may follow: they prepare to no statement.
                var extra: OpaquePointer?
                hasTail = sqlite3_prepare_v2(connection, tail, -1, &extra, nil) != SQLITE_OK || extra != nil
                sqlite3_finalize(extra)
            }
            return rc
        }
        guard rc == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw StoreError(code: sqlite3_extended_errcode(connection), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        guard let statement else { throw StoreError.misuse("empty SQL statement", sql: sql) }
        guard !hasTail else {
            sqlite3_finalize(statement)
            throw StoreError.misuse("more than one statement; use execute(_:) for scripts", sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds positional parameters (`?`, `?NNN`) after checking their count.
    func bind(_ params: [SQLValue]) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == params.count else {
            throw StoreError(code: SQLITE_RANGE, message: "statement expects \(expected) parameters, got \(params.count)", sql: sql)
        }
        for (offset, value) in params.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null:
                rc = sqlite3_bind_null(handle, index)
            case .integer(let number):
                rc = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                rc = sqlite3_bind_double(handle, index, number)
            case .text(let string):
                var string = string
                rc = string.withUTF8 { bytes in
                    // An empty buffer may have no base address, which SQLite would bind as NULL.
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        return sqlite3_bind_text(handle, index, "", 0, mpp_sqlite_transient())
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text64(handle, index, $0, UInt64(bytes.count), mpp_sqlite_transient(), UInt8(SQLITE_UTF8))
                    }
                }
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { buffer in
                    guard let base = buffer.baseAddress, !buffer.isEmpty else {
                        return sqlite3_bind_zeroblob(handle, index, 0)
                    }
                    return sqlite3_bind_blob64(handle, index, base, UInt64(buffer.count), mpp_sqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
    }

    /// Steps once; true while a row is available.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw error(rc)
        }
    }

    /// The current row's values.
    func currentRow() -> Row {
        let count = sqlite3_column_count(handle)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            values.append(value(at: column))
        }
        return Row(columns: columnNames, values: values)
    }

    /// Readies the statement for its next use and drops bound values.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private func value(at column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob([UInt8](UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private func error(_ rc: Int32) -> StoreError {
        let code = sqlite3_extended_errcode(connection)
        return StoreError(code: code == SQLITE_OK ? rc : code, message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}
