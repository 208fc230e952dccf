import Foundation
import Synchronization

/// A service's embedded store: one writer connection with group commit, plus a small pool
/// of read-only reader connections (WAL lets readers run during writes).
///
/// SQLite I/O never runs on Swift's cooperative pool: writes run on a dedicated serial
/// dispatch queue, reads on a concurrent one, bridged with continuations.
public final class Store: Sendable {
    /// The database file.
    public let path: String
    private let writer: GroupCommitWriter
    private let readers: ReaderPool
    private let closed = Mutex(false)

    /// Creates the parent directory if needed, opens the writer, applies `migrations`,
    /// then opens `readers` read-only connections. A batch holds at most `maxBatch` writes.
    public init(path: String, migrations: [Migration], readers: Int = 2, maxBatch: Int = 256) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try Database(path: path)
        try database.migrate(migrations)
        self.path = path
        let name = URL(fileURLWithPath: path).lastPathComponent
        self.writer = GroupCommitWriter(database: database, maxBatch: maxBatch, label: "mpp.store.writer.\(name)")
        self.readers = try ReaderPool(path: path, count: readers, label: "mpp.store.readers.\(name)")
    }

    deinit { close() }

    /// Runs `body` inside a write transaction.
    ///
    /// Concurrent calls are grouped: the writer takes every pending body and runs them in ONE
    /// `BEGIN IMMEDIATE … COMMIT` (one fsync), each inside its own SAVEPOINT, so a body that
    /// throws rolls back only its own changes and gets its own error while the others commit.
    /// No caller is resumed before the COMMIT has succeeded; if COMMIT fails, every caller of
    /// that batch gets an error. Once submitted a write is not cancellable.
    /// `body` should not block on anything but SQLite.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            writer.submit(WriteJob(
                body: { try body($0) },
                resume: { outcome in
                    // The writer hands back exactly what `body` returned, so the cast cannot fail.
                    continuation.resume(with: outcome.map { $0 as! T })
                }))
        }
    }

    /// Runs `body` on a reader connection, inside one read transaction (a consistent snapshot
    /// of committed data only). Reader connections are read-only.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = readers.submit { database in
                continuation.resume(with: Result { try database.deferredTransaction(body) })
            }
            if !accepted {
                continuation.resume(throwing: StoreError.misuse("store \(path) is closed"))
            }
        }
    }

    /// Registers `observer`, called on the writer thread after each successfully committed
    /// batch, before that batch's callers resume. Keep it short: the next batch waits for it.
    public func addCommitObserver(_ observer: @escaping @Sendable () -> Void) {
        writer.addCommitObserver(observer)
    }

    /// Counters of writes and commits so far.
    public var statistics: StoreStatistics { writer.statistics }

    /// Writes submitted but not yet taken into a batch (for tests and metrics).
    public var pendingWrites: Int { writer.pendingCount }

    /// Refuses new work, waits for pending writes and reads, then closes every connection.
    /// Idempotent. Blocks the calling thread until pending work is done (except when called
    /// from inside a write body, observer or read, where it closes once that work is done).
    public func close() {
        let alreadyClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        writer.close()
        readers.close()
    }
}
