import Bus
import Foundation
import Notifications
import Support

/// Outcomes waiting to be reported. Deliveries add to it and move on; one reporter sends
/// whatever has gathered in one `notifications.jobs.complete_many` call (while one call is in
/// flight the next batch fills up), and retries what failed in transit until each job's lease
/// would have run out — after that the job comes back to the queue anyway.
final class ReportQueue: Sendable {
    struct Pending: Sendable {
        var report: CompleteJob
        /// Monotonic nanoseconds after which reporting is pointless (the lease is over).
        var giveUpAt: UInt64
    }

    private let pending = Mutexed<[Pending]>([])
    private let closed = Mutexed(false)
    private let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    private let maxBatch: Int

    init(maxBatch: Int = 500) { self.maxBatch = maxBatch }

    func add(_ report: CompleteJob, giveUpAt: UInt64) {
        pending.update { $0.append(Pending(report: report, giveUpAt: giveUpAt)) }
        wake.continuation.yield()
    }

    /// No more reports will come: `run` returns once the queue is empty.
    func close() {
        closed.set(true)
        wake.continuation.yield()
    }

    /// Sends batches with `send` until closed and empty. `send` returns the reports it could not
    /// deliver for a passing reason (to retry); it throws when the whole call failed.
    func run(send: @Sendable ([CompleteJob]) async throws -> Void, logger: Logger) async {
        var failures = 0
        while true {
            let batch = pending.update { queue -> [Pending] in
                let taken = Array(queue.prefix(maxBatch))
                queue.removeFirst(taken.count)
                return taken
            }
            if batch.isEmpty {
                if closed.get() { return }
                for await _ in wake.stream { break }
                continue
            }
            do {
                try await send(batch.map(\.report))
                failures = 0
            } catch {
                failures += 1
                let now = Monotonic.nanoseconds()
                let kept = batch.filter { $0.giveUpAt > now && (!closed.get() || failures < 10) }
                if kept.count < batch.count {
                    logger.error("reports lost: those jobs will be delivered again after their lease",
                                 ["jobs": .string(batch.filter { item in !kept.contains { $0.report.job == item.report.job } }
                                                    .map { String($0.report.job) }.joined(separator: ",")), "error": .string("\(error)")])
                }
                pending.update { $0.insert(contentsOf: kept, at: 0) }
                try? await Task.sleep(for: .milliseconds(Int(Backoff(initial: 0.1, maximum: 2).delay(attempt: failures) * 1000)))
            }
        }
    }
}
