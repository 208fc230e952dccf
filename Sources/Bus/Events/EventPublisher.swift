import Foundation
import Store
import Support
import ZMQ

/// Publishes a store's outbox on a PUB socket: after every commit it sends the new rows in order,
/// every second it sends `$heartbeat` with the last sequence number, and it answers
/// `events.read` from the outbox so subscribers can replay what they missed.
public final class EventPublisher: Sendable {
    public let stream: String
    private let store: Store
    private let socket: PublisherSocket
    private let pump: Pump
    private let metrics: Metrics
    private let heartbeat = Mutexed<Task<Void, Never>?>(nil)

    public init(loop: IOLoop = .shared, stream: String, store: Store, metrics: Metrics = Metrics()) {
        self.stream = stream
        self.store = store
        self.metrics = metrics
        socket = PublisherSocket(loop: loop)
        pump = Pump()
    }

    /// Creates the outbox, binds the PUB socket, starts publishing and the heartbeat.
    /// Events committed before this start are not re-sent: subscribers learn of them from the
    /// heartbeat and replay them.
    @discardableResult
    public func start(bind address: String, security: ServerSecurity = .plain) async throws -> String {
        try await Outbox.install(in: store)
        let last = try await store.read { try Outbox.lastSequence($0) }
        await pump.setLastSent(last)
        let endpoint = try await socket.bind(address, security: security)
        store.addCommitObserver { [weak self] in self?.kick() }
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await self?.sendHeartbeat()
            }
        }
        heartbeat.set(task)
        kick()
        return endpoint
    }

    /// Registers `events.read` on a server's method table.
    public func registerReplay(on methods: MethodTable, maxLimit: Int = 1_000) {
        let store = store, stream = stream
        methods.on("events.read") { (request: EventsReadRequest, _: RequestContext) -> EventsReadReply in
            guard request.after >= 0 else { throw RPCError.invalid(["after": "harus ≥ 0"]) }
            let limit = min(max(request.limit ?? 500, 1), maxLimit)
            return try await store.read { db in
                let rows = try Outbox.read(db, after: request.after, limit: limit)
                let items = try rows.map { row in
                    EventsReadReply.Item(seq: row.seq, topic: row.topic, event: try CloudEvent(bytes: row.event))
                }
                return EventsReadReply(stream: stream, events: items, last_seq: try Outbox.lastSequence(db))
            }
        }
    }

    /// Publishes whatever was committed and not yet sent.
    public func kick() {
        Task { await self.flush() }
    }

    /// Sends every committed row after the last one sent, in order.
    public func flush() async {
        guard await pump.beginFlush() else { return }
        while true {
            let after = await pump.lastSent
            let rows = (try? await store.read { try Outbox.read($0, after: after, limit: 1_000) }) ?? []
            if rows.isEmpty {
                if await pump.endFlush() { return }
                continue
            }
            let sequenceFrame = { (seq: Int64) in Array(String(seq).utf8) }
            await socket.send(rows.map { [Array($0.topic.utf8), Envelope.version, Array(stream.utf8), sequenceFrame($0.seq), $0.event] })
            metrics.increment("events.published", by: rows.count)
            await pump.setLastSent(rows.last!.seq)
        }
    }

    func sendHeartbeat() async {
        let last = await pump.lastSent
        await socket.send([[Array("$heartbeat".utf8), Envelope.version, Array(stream.utf8), Array(String(last).utf8), Envelope.emptyObject]])
    }

    /// Stops the heartbeat and closes the socket after a last flush.
    public func shutdown() async {
        heartbeat.get()?.cancel()
        await flush()
        await socket.close()
    }

    /// Serialises flushes; a kick during a flush makes that flush go round once more.
    actor Pump {
        var lastSent: Int64 = 0
        private var flushing = false
        private var again = false

        func setLastSent(_ seq: Int64) { lastSent = max(lastSent, seq) }

        func beginFlush() -> Bool {
            if flushing { again = true; return false }
            flushing = true
            again = false
            return true
        }

        /// Ends the flush unless a kick arrived meanwhile.
        func endFlush() -> Bool {
            if again { again = false; return false }
            flushing = false
            return true
        }
    }
}
