/// Counters of a `Store`'s writer, to show group commit at work.
public struct StoreStatistics: Sendable, Equatable {
    /// Write bodies executed (successful or not).
    public var writes: Int = 0
    /// Batches committed, i.e. `COMMIT`s (and fsyncs) issued.
    public var commits: Int = 0
    /// Writes whose caller got an error: the body threw, or its batch failed to commit.
    public var failedWrites: Int = 0
    /// Batches whose transaction could not begin or commit.
    public var failedBatches: Int = 0
    /// The largest number of bodies committed together.
    public var largestBatch: Int = 0
    /// Time the writer spent on batches (bodies, COMMIT and its fsync), in nanoseconds.
    public var busyNanoseconds: UInt64 = 0
    /// Of which in the write bodies themselves.
    public var bodyNanoseconds: UInt64 = 0

    public init() {}

    /// Average bodies per committed batch.
    public var writesPerCommit: Double { commits == 0 ? 0 : Double(writes - failedWrites) / Double(commits) }
}
