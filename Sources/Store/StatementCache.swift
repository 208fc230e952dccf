/// Prepared statements of one connection, keyed by SQL text, evicting the least recently used beyond `capacity`.
struct StatementCache {
    let capacity: Int
    private var entries: [String: (statement: Statement, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) {
        precondition(capacity > 0, "StatementCache capacity must be positive")
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// The cached statement for `sql`, preparing (and caching) it on a miss.
    mutating func statement(for sql: String, prepare: (String) throws -> Statement) throws -> Statement {
        clock &+= 1
        if let entry = entries[sql] {
            entries[sql] = (entry.statement, clock)
            return entry.statement
        }
        let statement = try prepare(sql)
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries[oldest] = nil
        }
        entries[sql] = (statement, clock)
        return statement
    }

    /// Finalizes every statement (needed before the connection closes).
    mutating func removeAll() { entries.removeAll() }
}
