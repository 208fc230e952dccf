import Foundation
import Store
import Support
import ZMQ

/// Where a publisher can be reached: its events endpoint (SUB) and rpc endpoint (`events.read`).
public struct EventSource: Sendable, Hashable {
    public var events: String
    public var rpc: String
    public init(events: String, rpc: String) {
        self.events = events
        self.rpc = rpc
    }
}

/// A durable event consumer (PROTOCOL §3). Each event is applied and the stream's cursor moved
/// in ONE transaction of the consumer's store, so a crash loses nothing and applies nothing twice.
/// On start, on every gap and when a heartbeat shows a missed tail, it replays the missing range
/// with `events.read`. Events arrive in order, once.
///
/// One rule for events that cannot be applied: an event whose data breaks its contract (the
/// apply function throws `DecodingError` or `EventContractViolation`) is parked — written to
/// `parked_events` in the transaction that moves the cursor past it — and the stream goes on;
/// every other error rolls back and is retried with backoff (the stream waits). Ops list parked
/// events and apply them again after a fix (`retryParked`, `sys.events.retry`).
public final class EventSubscriber: Sendable {
    /// Applies one event inside the consumer's write transaction. Throw `DecodingError` or
    /// `EventContractViolation` when the event's data breaks its contract (it is parked); any
    /// other error rolls back the event and its cursor, and the subscriber retries with backoff.
    public typealias Apply = @Sendable (Database, DeliveredEvent) throws -> Void

    private let core: SubscriberCore
    private let socket: SubscriberSocket
    private let queue = AsyncQueue<SubscriberCore.Item>()
    private let frames = AsyncQueue<[[UInt8]]>()
    private let tasks = Mutexed<[Task<Void, Never>]>([])

    /// - Parameters:
    ///   - consumer: the cursor's owner name (one per logical consumer in the store).
    ///   - topics: event type prefixes to apply; other events only move the cursor.
    ///   - clock: the consumer's clock (when an event was parked or retried).
    ///   - parked: the store's tally of parked events, shared by its subscribers (a `ServiceHost`
    ///     passes its own); by default the subscriber keeps one of its own, loaded at `start`.
    public init(loop: IOLoop = .shared, consumer: String, store: Store, client: RPCClient, topics: [String],
                logger: Logger, metrics: Metrics = Metrics(), clock: any Clock = SystemClock(), parked: ParkedTally? = nil,
                apply: @escaping Apply) {
        core = SubscriberCore(consumer: consumer, store: store, client: client, topics: topics, logger: logger, metrics: metrics,
                              clock: clock, tally: parked ?? ParkedTally(metrics: metrics), loadsTally: parked == nil, apply: apply)
        socket = SubscriberSocket(loop: loop, queue: frames)
    }

    public var consumer: String { core.consumer }

    /// Parked events of this consumer waiting in the store, as the tally counts them.
    public var parkedCount: Int { core.tally.byConsumer[core.consumer] ?? 0 }

    /// Opens the SUB socket and starts applying events.
    public func start() async throws {
        try await core.install()
        try await socket.open(topics: core.topics)
        let frames = frames, queue = queue, core = core
        let forward = Task { while true { let batch = await frames.popAll(); if batch.isEmpty { queue.close(); return }; for f in batch { queue.push(.message(f)) } } }
        let process = Task { await core.run(queue) }
        tasks.set([forward, process])
    }

    /// Follows one more publisher instance, replaying what this consumer has not applied yet.
    public func follow(_ source: EventSource, curve: (serverKey: CurveKey, keyPair: CurveKeyPair)? = nil) async throws {
        if let curve { try await socket.secure(serverKey: curve.serverKey, keyPair: curve.keyPair) }
        try await socket.connect(source.events)
        await core.remember(source.rpc)
        queue.push(.catchUp(rpc: source.rpc, attempt: 1))
    }

    /// Stops following an instance that went away (its replays are not waited for any more).
    public func unfollow(_ source: EventSource) async {
        await socket.disconnect(source.events)
        await core.forget(source.rpc)
    }

    /// The last applied sequence number of `stream`.
    public func cursor(_ stream: String) async throws -> Int64 { try await core.loadCursor(stream) }

    /// Applies parked events of this consumer again (after a fix), each in one transaction with
    /// the same apply function: as the publisher's outbox holds the event now (read with
    /// `events.read`), else as it was parked. Applied ones leave `parked_events`; the others stay
    /// with their new error. Events after them were applied meanwhile: apply functions must not
    /// assume order for a retried event (they are idempotent anyway).
    public func retryParked(_ events: [ParkedEvent]) async -> [ParkedEventsAPI.RetryResult] {
        await core.retry(events)
    }

    /// Stops receiving; events not yet applied stay unapplied (they are replayed on next start).
    public func stop() async {
        await socket.close()
        frames.close()
        queue.close()
        for task in tasks.get() { await task.value }
    }
}
