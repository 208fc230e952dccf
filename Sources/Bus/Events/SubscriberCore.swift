import Foundation
import Store
import Support

/// The ordered, single-task part of a subscriber: cursors, gap detection, replay, apply (and
/// parking, `SubscriberCore+Parking.swift`).
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
    let clock: any Clock
    let tally: ParkedTally
    /// Whether this subscriber keeps its own tally (then it loads it at install).
    let loadsTally: Bool
    let apply: EventSubscriber.Apply
    private var cursors: [String: Int64] = [:]
    /// The rpc endpoint last seen answering `events.read` for each stream.
    private(set) var replaySources: [String: String] = [:]
    /// Instances no longer followed: their pending catch-ups are dropped.
    private var gone: Set<String> = []
    private var warnedNoSource: Set<String> = []
    private var queue: AsyncQueue<Item>?
    private var stopped = false

    init(consumer: String, store: Store, client: RPCClient, topics: [String], logger: Logger, metrics: Metrics,
         clock: any Clock, tally: ParkedTally, loadsTally: Bool, apply: @escaping EventSubscriber.Apply) {
        self.consumer = consumer
        self.store = store
        self.client = client
        self.topics = topics
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        self.tally = tally
        self.loadsTally = loadsTally
        self.apply = apply
    }

    func install() async throws {
        try await store.write { db in
            try db.execute("CREATE TABLE IF NOT EXISTS bus_cursors (consumer TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (consumer, stream));")
            try db.execute(ParkedEvents.schema)
        }
        if loadsTally { try await tally.load(from: store) }
    }

    /// Whether this consumer applies events of `topic` (the others only move the cursor).
    nonisolated func follows(_ topic: String) -> Bool {
        topics.isEmpty || topics.contains { topic.hasPrefix($0) }
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

    /// Applies a run of consecutive events and their cursors in one transaction. When an event
    /// breaks its contract, the run goes again at once, each event on its own savepoint, and that
    /// one is parked; other failures are retried with backoff.
    private func applyRun(_ run: inout [DeliveredEvent]) async {
        guard !run.isEmpty else { return }
        let events = run
        run.removeAll()
        var attempt = 0
        var oneByOne = false
        while true {
            do {
                let parked = try await store.write(transaction(events, parking: oneByOne, now: clock.now()))
                for event in events { cursors[event.stream] = event.seq }
                metrics.increment("events.applied", by: events.count - parked.count)
                noteParked(parked)
                return
            } catch let error where !oneByOne && EventContractViolation.isViolation(error) {
                oneByOne = true
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
