import Bus
import Foundation
import Notifications
import Support

/// A notify worker: claims jobs from the notifications service (found through the registry),
/// delivers them through its channels with `concurrency` in flight, and reports each outcome.
/// It holds at most one batch beyond what is in flight, so a status alert waits for at most
/// one batch of bulk work; a worker that dies leaves its jobs to expire and be re-leased.
public final class NotifyWorker: Sendable {
    public let configuration: WorkerConfiguration
    let client: ServiceClient
    let channels: [String: any DeliveryChannel]
    let logger: Logger
    public let metrics: Metrics
    private let stopping = Mutexed(false)
    private let active = Mutexed(0)
    private let slots = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    public init(configuration: WorkerConfiguration, client: ServiceClient, channels: [String: any DeliveryChannel],
                logger: Logger, metrics: Metrics = Metrics()) {
        self.configuration = configuration
        self.client = client
        self.channels = channels
        self.logger = logger
        self.metrics = metrics
    }

    /// Asks `run()` to stop claiming; it returns once the jobs it holds are delivered and reported.
    public func stop() {
        stopping.set(true)
        slots.continuation.yield()
    }

    /// Claims and delivers until `stop()`.
    public func run() async {
        logger.info("worker started", ["worker": .string(configuration.name), "channels": .string(channels.keys.sorted().joined(separator: ",")),
                                       "lanes": .string(configuration.lanes.joined(separator: ",")), "batch": .number(Double(configuration.batch)),
                                       "concurrency": .number(Double(configuration.concurrency))])
        var failures = 0
        let reports = ReportQueue()
        let reporter = Task { await reports.run(send: { try await self.report($0) }, logger: logger) }
        await withDiscardingTaskGroup { group in
            var buffer: ArraySlice<ClaimedJob> = []
            while true {
                while active.get() < configuration.concurrency, let job = buffer.popFirst() {
                    active.update { $0 += 1 }
                    group.addTask {
                        await self.handle(job, reports: reports)
                        self.active.update { $0 -= 1 }
                        self.slots.continuation.yield()
                    }
                }
                if !buffer.isEmpty {
                    await waitForSlot()
                    continue
                }
                if stopping.get() { break }
                if active.get() >= configuration.concurrency {
                    await waitForSlot()
                    continue
                }
                do {
                    let jobs = try await claim()
                    failures = 0
                    if jobs.isEmpty {
                        try? await Task.sleep(for: .milliseconds(configuration.pollMilliseconds))
                    } else {
                        buffer = ArraySlice(jobs)
                    }
                } catch {
                    failures += 1
                    let delay = Backoff(initial: 0.2, maximum: 5).delay(attempt: failures)
                    if failures == 1 || failures % 20 == 0 {
                        logger.warning("claim failed", ["error": .string("\(error)"), "retry_s": .number(delay)])
                    }
                    try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                }
            }
        }
        reports.close()
        await reporter.value
        logger.info("worker stopped", ["worker": .string(configuration.name), "delivered": .number(Double(metrics.counter("worker.delivered")))])
    }

    private func waitForSlot() async {
        for await _ in slots.stream { return }
    }

    func claim() async throws -> [ClaimedJob] {
        let request = ClaimJobs(worker: configuration.name, lanes: configuration.lanes.compactMap(Lane.init(rawValue:)), channels: configuration.channels.filter { channels[$0] != nil },
                                   max: configuration.batch, lease_ms: configuration.leaseMilliseconds)
        // No idempotency key and no resend on timeout: a claim whose reply is lost only leaves its
        // jobs to come back when their lease runs out, and polling claims are not worth remembering.
        let options = CallOptions(timeout: .seconds(5), retryOnTimeout: false)
        let reply = try await client.call("notifications.jobs.claim", request, as: ClaimedJobs.self, options: options)
        if !reply.jobs.isEmpty { metrics.increment("worker.claimed", by: reply.jobs.count) }
        return reply.jobs
    }

    /// Delivers one job and queues its report.
    func handle(_ job: ClaimedJob, reports: ReportQueue) async {
        let result: DeliveryResult
        if let channel = channels[job.channel] {
            result = await channel.deliver(job)
        } else {
            result = DeliveryResult(.temporaryFailure, "worker \(configuration.name) has no \(job.channel) channel")
        }
        metrics.increment("worker.\(result.outcome.rawValue)")
        if result.outcome != .delivered {
            logger.info("delivery failed", ["job": .number(Double(job.job)), "attempt": .number(Double(job.attempt)),
                                            "outcome": .string(result.outcome.rawValue), "detail": .string(result.detail)])
        }
        reports.add(CompleteJob(job: job.job, lease: job.lease, outcome: result.outcome, detail: String(result.detail.prefix(2_000))),
                    giveUpAt: Monotonic.nanoseconds() + UInt64(configuration.leaseMilliseconds) * 1_000_000)
    }

    /// Sends reports in one call; a report the service refuses (lease lost, unknown job) is logged, not retried.
    func report(_ batch: [CompleteJob]) async throws {
        let reply = try await client.call("notifications.jobs.complete_many", CompleteJobs(reports: batch), as: CompletedJobs.self,
                                          options: CallOptions(idempotencyKey: "report-\(configuration.name)-\(UUID().uuidString)", timeout: .seconds(10)))
        for refused in reply.results where refused.error != nil {
            logger.warning("report refused", ["job": .number(Double(refused.job)), "error": .string(refused.error.map { "\($0)" } ?? "")])
        }
    }
}
