/// One numbered schema change. Versions must be strictly increasing in the list given to `migrate`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// One or more `;`-separated statements.
    public let sql: String

    public init(_ version: Int, _ name: String, _ sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

extension Database {
    /// Applies every migration not yet recorded in `schema_migrations`, in order, each in its own
    /// transaction. Throws before changing anything if the versions are not strictly increasing
    /// or the database already has a version newer than the newest known one (a downgrade).
    /// Safe to call on every start; safe against another process migrating at the same time.
    public func migrate(_ migrations: [Migration]) throws {
        for (previous, next) in zip(migrations, migrations.dropFirst()) where next.version <= previous.version {
            throw StoreError.misuse(
                "migrations out of order: version \(next.version) '\(next.name)' follows version \(previous.version) '\(previous.name)'")
        }
        if let first = migrations.first, first.version < 1 {
            throw StoreError.misuse("migration versions start at 1, got \(first.version) '\(first.name)'")
        }
        try execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        let newestKnown = migrations.last?.version ?? 0
        let current = try schemaVersion()
        guard current <= newestKnown else {
            throw StoreError.misuse(
                "database \(path) is at schema version \(current), newer than this program knows (\(newestKnown)); refusing to downgrade")
        }
        let applied = Set(try query("SELECT version FROM schema_migrations").compactMap { $0.int("version") })
        for migration in migrations where !applied.contains(migration.version) {
            try transaction { db in
                // Re-checked under the write lock: another process may have applied it meanwhile.
                guard try db.queryOne("SELECT 1 FROM schema_migrations WHERE version = ?", [SQLValue(migration.version)]) == nil else {
                    return
                }
                do {
                    try db.execute(migration.sql)
                } catch let error as StoreError {
                    throw StoreError(
                        code: error.code,
                        message: "migration \(migration.version) '\(migration.name)' failed: \(error.message)",
                        sql: error.sql)
                }
                try db.run(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    [SQLValue(migration.version), SQLValue(migration.name)])
            }
        }
    }

    /// The highest applied migration version, or 0 when none (or no `schema_migrations` table).
    public func schemaVersion() throws -> Int {
        let exists = try queryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") != nil
        guard exists else { return 0 }
        return try queryOne("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations")?.int("version") ?? 0
    }
}
