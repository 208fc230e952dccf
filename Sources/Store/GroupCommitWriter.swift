import Dispatch
import Synchronization

/// A write body waiting for the writer, type-erased; `resume` is called exactly once.
struct WriteJob: Sendable {
    let body: @Sendable (Database) throws -> any Sendable
    let resume: @Sendable (Result<any Sendable, any Error>) -> Void
}

/// The single writer of a `Store`: a serial queue owning one connection, committing
/// every pending body of a batch in one transaction (one fsync), each in its own savepoint.
///
/// `@unchecked Sendable` by construction: `database` is only touched on `queue`
/// (and by `close()` through `queue.sync`); every other mutable state sits in `state`.
final class GroupCommitWriter: @unchecked Sendable {
    private struct State {
        var pending: [WriteJob] = []
        var draining = false
        var closed = false
        var statistics = StoreStatistics()
        var observers: [@Sendable () -> Void] = []
    }

    private let database: Database
    private let maxBatch: Int
    private let queue: DispatchQueue
    private let state = Mutex(State())
    private let queueKey = DispatchSpecificKey<Bool>()

    init(database: Database, maxBatch: Int, label: String) {
        precondition(maxBatch > 0, "maxBatch must be positive")
        self.database = database
        self.maxBatch = maxBatch
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
        queue.setSpecific(key: queueKey, value: true)
    }

    var statistics: StoreStatistics { state.withLock { $0.statistics } }

    /// Writes submitted but not yet taken into a batch.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    func addCommitObserver(_ observer: @escaping @Sendable () -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Queues `job`, starting a drain if none is running. Fails it at once if the writer is closed.
    func submit(_ job: WriteJob) {
        let (accepted, startDrain) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            state.pending.append(job)
            defer { state.draining = true }
            return (true, !state.draining)
        }
        guard accepted else {
            job.resume(.failure(StoreError.misuse("store \(database.path) is closed")))
            return
        }
        if startDrain {
            queue.async { self.drain() }
        }
    }

    /// Refuses new writes, waits for queued ones to commit, then closes the connection.
    /// Called from the writer itself (a body or observer), it cannot wait: the connection
    /// then closes once the current drain has finished.
    func close() {
        state.withLock { $0.closed = true }
        if DispatchQueue.getSpecific(key: queueKey) == true {
            queue.async { self.database.close() }
        } else {
            queue.sync { database.close() }
        }
    }

    /// Runs batches until nothing is pending. Jobs arriving during a commit form the next batch.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [WriteJob] in
                guard !state.pending.isEmpty else {
                    state.draining = false
                    return []
                }
                if state.pending.count <= maxBatch {
                    defer { state.pending = [] }
                    return state.pending
                }
                defer { state.pending.removeFirst(maxBatch) }
                return Array(state.pending.prefix(maxBatch))
            }
            guard !batch.isEmpty else { return }
            run(batch)
        }
    }

    /// One transaction for the whole batch; callers resume only after COMMIT (and observers) ran.
    private func run(_ batch: [WriteJob]) {
        let started = DispatchTime.now().uptimeNanoseconds
        var inBodies: UInt64 = 0
        var outcomes: [Result<any Sendable, any Error>] = []
        outcomes.reserveCapacity(batch.count)
        var batchError: (any Error)?
        do {
            try database.transaction { db in
                for job in batch {
                    let bodyStart = DispatchTime.now().uptimeNanoseconds
                    defer { inBodies += DispatchTime.now().uptimeNanoseconds - bodyStart }
                    do {
                        outcomes.append(.success(try db.transaction { try job.body($0) }))
                    } catch {
                        outcomes.append(.failure(error))
                        // Some errors (I/O, full disk) make SQLite roll back the whole transaction.
                        guard db.isInTransaction else {
                            throw StoreError(code: (error as? StoreError)?.code ?? 1,
                                             message: "batch transaction aborted: \(error)")
                        }
                    }
                }
            }
        } catch {
            batchError = error
        }

        let busy = DispatchTime.now().uptimeNanoseconds - started
        state.withLock { state in
            state.statistics.busyNanoseconds += busy
            state.statistics.bodyNanoseconds += inBodies
        }
        var observers: [@Sendable () -> Void] = []
        if let batchError {
            // Nothing of this batch was committed: bodies that succeeded get the batch error,
            // bodies that threw keep their own error, bodies never run get the batch error.
            outcomes = batch.indices.map { index in
                if index < outcomes.count, case .failure = outcomes[index] { return outcomes[index] }
                return .failure(batchError)
            }
            state.withLock { state in
                state.statistics.writes += batch.count
                state.statistics.failedWrites += batch.count
                state.statistics.failedBatches += 1
            }
        } else {
            let failed = outcomes.count { if case .failure = $0 { true } else { false } }
            observers = state.withLock { state in
                state.statistics.writes += batch.count
                state.statistics.failedWrites += failed
                state.statistics.commits += 1
                state.statistics.largestBatch = max(state.statistics.largestBatch, batch.count)
                return state.observers
            }
        }
        for observer in observers {
            observer()
        }
        for (job, outcome) in zip(batch, outcomes) {
            job.resume(outcome)
        }
    }
}
