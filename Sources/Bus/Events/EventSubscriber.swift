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
public final class EventSubscriber: Sendable {
    /// Applies one event inside the consumer's write transaction. Throwing rolls back the event
    /// and its cursor; the subscriber retries with backoff (the stream waits: nothing is skipped).
    public typealias Apply = @Sendable (Database, DeliveredEvent) throws -> Void

    private let core: SubscriberCore
    private let socket: SubscriberSocket
    private let queue = AsyncQueue<SubscriberCore.Item>()
    private let frames = AsyncQueue<[[UInt8]]>()
    private let tasks = Mutexed<[Task<Void, Never>]>([])

    /// - Parameters:
    ///   - consumer: the cursor's owner name (one per logical consumer in the store).
    ///   - topics: event type prefixes to apply; other events only move the cursor.
    public init(loop: IOLoop = .shared, consumer: String, store: Store, client: RPCClient, topics: [String],
                logger: Logger, metrics: Metrics = Metrics(), apply: @escaping Apply) {
        core = SubscriberCore(consumer: consumer, store: store, client: client, topics: topics,
                              logger: logger, metrics: metrics, apply: apply)
        socket = SubscriberSocket(loop: loop, queue: frames)
    }

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

    /// Stops receiving; events not yet applied stay unapplied (they are replayed on next start).
    public func stop() async {
        await socket.close()
        frames.close()
        queue.close()
        for task in tasks.get() { await task.value }
    }
}

/// The ordered, single-task part of a subscriber: cursors, gap detection, replay, apply.
actor SubscriberCore {
    enum Item: Sendable {
        case message([[UInt8]])
        case catchUp(rpc: String, attempt: Int)
    }

    let consumer: String
    let store: Store
    let client: RPCClient
    let topics: [String]
    let logger: Logger
    let metrics: Metrics
    let apply: EventSubscriber.Apply
    private var cursors: [String: Int64] = [:]
    private var replaySources: [String: String] = [:]
    /// Instances no longer followed: their pending catch-ups are dropped.
    private var gone: Set<String> = []
    private var warnedNoSource: Set<String> = []
    private var queue: AsyncQueue<Item>?
    private var stopped = false

    init(consumer: String, store: Store, client: RPCClient, topics: [String], logger: Logger, metrics: Metrics,
         apply: @escaping EventSubscriber.Apply) {
        self.consumer = consumer
        self.store = store
        self.client = client
        self.topics = topics
        self.logger = logger
        self.metrics = metrics
        self.apply = apply
    }

    func install() async throws {
        try await store.write { db in
            try db.execute("CREATE TABLE IF NOT EXISTS bus_cursors (consumer TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (consumer, stream));")
        }
    }

    func loadCursor(_ stream: String) async throws -> Int64 {
        if let cursor = cursors[stream] { return cursor }
        let consumer = consumer
        let seq = try await store.read { db in
            try db.queryOne("SELECT seq FROM bus_cursors WHERE consumer = ? AND stream = ?", [.text(consumer), .text(stream)])?.int64("seq")
        } ?? 0
        cursors[stream] = seq
        return seq
    }

    func remember(_ rpc: String) { gone.remove(rpc) }

    func forget(_ rpc: String) {
        gone.insert(rpc)
        for (stream, source) in replaySources where source == rpc { replaySources.removeValue(forKey: stream) }
    }

    func run(_ queue: AsyncQueue<Item>) async {
        self.queue = queue
        while true {
            let items = await queue.popAll()
            if items.isEmpty { return }
            var run: [DeliveredEvent] = []
            var pendingInRun: [String: Int64] = [:]
            for item in items {
                switch item {
                case .catchUp(let rpc, let attempt):
                    guard !gone.contains(rpc) else { continue }
                    await applyRun(&run)
                    pendingInRun.removeAll()
                    if await !replay(rpc: rpc, stream: nil) { retryLater(rpc, attempt: attempt) }
                case .message(let frames):
                    guard let message = Self.parse(frames) else { metrics.increment("events.unreadable"); continue }
                    let cursor = (try? await loadCursor(message.stream)) ?? 0
                    let expected = cursor + (pendingInRun[message.stream] ?? 0) + 1
                    if message.topic == "$heartbeat" {
                        if message.seq >= expected {
                            await applyRun(&run)
                            pendingInRun.removeAll()
                            await replay(stream: message.stream)
                        }
                    } else if message.seq < expected {
                        metrics.increment("events.duplicates")
                    } else if message.seq == expected, let event = message.event {
                        run.append(DeliveredEvent(stream: message.stream, seq: message.seq, topic: message.topic, event: event))
                        pendingInRun[message.stream, default: 0] += 1
                    } else {
                        await applyRun(&run)
                        pendingInRun.removeAll()
                        await replay(stream: message.stream)
                    }
                }
            }
            await applyRun(&run)
        }
    }

    /// A catch-up that failed goes to the back of the queue and is tried again later, so a dead
    /// instance never holds up the others (give up after a few tries: heartbeats retry).
    private func retryLater(_ rpc: String, attempt: Int) {
        guard attempt < 8, let queue else { return }
        let delay = Backoff(initial: 0.5, maximum: 5).delay(attempt: attempt)
        Task {
            try? await Task.sleep(for: .seconds(delay))
            queue.push(.catchUp(rpc: rpc, attempt: attempt + 1))
        }
    }

    private func replay(stream: String) async {
        guard let rpc = replaySources[stream] else {
            if warnedNoSource.insert(stream).inserted {
                logger.warning("gap in a stream with no known replay source yet", ["stream": .string(stream)])
            }
            return
        }
        if await !replay(rpc: rpc, stream: stream), replaySources[stream] == rpc {
            replaySources.removeValue(forKey: stream)  // a later catch-up names a live source
        }
    }

    /// Reads from `rpc`'s outbox until its last sequence number is applied. False when `rpc`
    /// did not answer (after two short tries).
    @discardableResult
    private func replay(rpc: String, stream: String?) async -> Bool {
        var attempt = 0
        var stream = stream
        while true {
            do {
                var after: Int64 = 0
                if let stream { after = try await loadCursor(stream) }
                // Until the stream's name is known, ask for one event only: just enough to learn it.
                let body = try JSON.encode(EventsReadRequest(after: after, limit: stream == nil ? 1 : 500))
                let outcome = try await client.send(to: rpc, method: "events.read", body: body, timeout: .seconds(2))
                if let error = outcome.error { throw error }
                let reply = try EventsReadReply(bytes: outcome.body)
                replaySources[reply.stream] = rpc
                warnedNoSource.remove(reply.stream)
                if stream == nil {
                    stream = reply.stream
                    if try await loadCursor(reply.stream) != after { continue }
                }
                var run = reply.events.map { DeliveredEvent(stream: reply.stream, seq: $0.seq, topic: $0.topic, event: $0.event) }
                metrics.increment("events.replayed", by: run.count)
                let reachedEnd = (run.last?.seq ?? after) >= reply.last_seq
                await applyRun(&run)
                if reachedEnd || reply.events.isEmpty { return true }
                attempt = 0
            } catch {
                attempt += 1
                logger.warning("event replay failed", ["rpc": .string(rpc), "error": .string("\(error)"), "attempt": .number(Double(attempt))])
                if attempt >= 2 || gone.contains(rpc) { return false }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Applies a run of consecutive events and their cursors in one transaction; retries on failure.
    private func applyRun(_ run: inout [DeliveredEvent]) async {
        guard !run.isEmpty else { return }
        let events = run
        run.removeAll()
        let consumer = consumer, topics = topics, apply = apply
        var attempt = 0
        while true {
            do {
                try await store.write { db in
                    var last: [String: Int64] = [:]
                    for event in events {
                        if topics.isEmpty || topics.contains(where: { event.topic.hasPrefix($0) }) { try apply(db, event) }
                        last[event.stream] = event.seq
                    }
                    for (stream, seq) in last {
                        try db.run("INSERT INTO bus_cursors (consumer, stream, seq) VALUES (?, ?, ?) ON CONFLICT (consumer, stream) DO UPDATE SET seq = excluded.seq",
                                   [.text(consumer), .text(stream), .integer(seq)])
                    }
                }
                for event in events { cursors[event.stream] = event.seq }
                metrics.increment("events.applied", by: events.count)
                return
            } catch {
                attempt += 1
                let delay = Backoff(initial: 0.1, maximum: 10).delay(attempt: attempt)
                logger.error("applying events failed, retrying", ["first_seq": .number(Double(events[0].seq)),
                                                                  "error": .string("\(error)"), "retry_s": .number(delay)])
                try? await Task.sleep(for: .seconds(delay))
            }
        }
    }

    struct Message {
        var topic: String
        var stream: String
        var seq: Int64
        var event: CloudEvent?
    }

    static func parse(_ frames: [[UInt8]]) -> Message? {
        guard frames.count == 5, frames[1] == Envelope.version,
              let seq = Int64(String(decoding: frames[3], as: UTF8.self)), seq >= 0 else { return nil }
        let topic = String(decoding: frames[0], as: UTF8.self)
        let event = topic == "$heartbeat" ? nil : try? CloudEvent(bytes: frames[4])
        if topic != "$heartbeat" && event == nil { return nil }
        return Message(topic: topic, stream: String(decoding: frames[2], as: UTF8.self), seq: seq, event: event)
    }
}
