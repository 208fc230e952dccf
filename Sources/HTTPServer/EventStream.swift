import Synchronization

/// Why an event stream ended.
public enum EventStreamEnd: Sendable, Equatable {
    /// The client went away (closed, reset, or stopped answering).
    case clientClosed
    /// The application called `close()`.
    case closed
    /// The client read too slowly: its unsent events passed the backlog limit.
    case tooSlow
    /// The server is shutting down.
    case serverStopping
}

/// Where a stream's bytes go: the server that holds its connection.
protocol EventStreamSink: AnyObject, Sendable {
    /// Queues `bytes` on the connections of `tokens` that are still open streams.
    func streamWrite(_ bytes: [UInt8], tokens: [UInt64])
    /// Ends the stream of `token` once what is queued is written.
    func streamClose(token: UInt64)
}

/// The handle of one open Server-Sent Events response. Usable from any thread; each call hops
/// onto the server's loop. No task waits behind it: an idle stream is a few hundred bytes.
public final class EventStream: Sendable {
    let token: UInt64
    private let sink: any EventStreamSink
    private let state = Mutex<State>(State())

    private struct State {
        var end: EventStreamEnd?
        var onClose: (@Sendable (EventStreamEnd) -> Void)?
    }

    init(token: UInt64, sink: any EventStreamSink) {
        self.token = token
        self.sink = sink
    }

    /// Whether the stream has not ended yet (as far as the server has told it).
    public var isOpen: Bool { state.withLock { $0.end == nil } }

    /// How it ended, or nil while open.
    public var end: EventStreamEnd? { state.withLock { $0.end } }

    /// Queues one event; false when the stream has already ended.
    @discardableResult
    public func send(_ event: ServerSentEvent) -> Bool { send(bytes: event.encoded) }

    /// Queues a comment (`: text`), which clients ignore; false when the stream has already ended.
    @discardableResult
    public func sendComment(_ text: String) -> Bool { send(bytes: ServerSentEvent.comment(text)) }

    private func send(bytes: [UInt8]) -> Bool {
        guard isOpen else { return false }
        sink.streamWrite(bytes, tokens: [token])
        return true
    }

    /// Ends the stream after what is queued is written (the client reconnects with `Last-Event-ID`).
    public func close() {
        guard isOpen else { return }
        sink.streamClose(token: token)
    }

    /// Calls `action` once when the stream ends, on the server's loop thread (keep it short), or
    /// at once if it already has. A later call replaces an earlier action.
    public func onClose(_ action: @escaping @Sendable (EventStreamEnd) -> Void) {
        let ended = state.withLock { state -> EventStreamEnd? in
            if state.end == nil { state.onClose = action }
            return state.end
        }
        if let ended { action(ended) }
    }

    /// Fans one event out to many streams: encoded once, one hop per server, whatever the count.
    /// Returns how many of them were still open.
    @discardableResult
    public static func send(_ event: ServerSentEvent, to streams: some Sequence<EventStream>) -> Int {
        let bytes = event.encoded
        var bySink: [ObjectIdentifier: (sink: any EventStreamSink, tokens: [UInt64])] = [:]
        var count = 0
        for stream in streams where stream.isOpen {
            bySink[ObjectIdentifier(stream.sink), default: (stream.sink, [])].tokens.append(stream.token)
            count += 1
        }
        for (sink, tokens) in bySink.values { sink.streamWrite(bytes, tokens: tokens) }
        return count
    }

    /// Marks the stream ended and runs the close action (by the server, on its loop).
    func finish(_ end: EventStreamEnd) {
        let action = state.withLock { state -> (@Sendable (EventStreamEnd) -> Void)? in
            guard state.end == nil else { return nil }
            state.end = end
            defer { state.onClose = nil }
            return state.onClose
        }
        action?(end)
    }
}
