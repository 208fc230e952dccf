/// One accepted connection, confined to the server's loop. Small on purpose: an idle keep-alive
/// connection or SSE stream is this object (plus the stream's handle) and the kernel's buffers;
/// its parser and output queue hold no memory while empty.
final class Connection {
    let fd: Int32
    /// `generation << 32 | fd`: epoll hands it back, and a stale event for a reused fd misses.
    let token: UInt64
    let remoteAddress: String
    var parser: HTTPRequestParser
    var output = OutputQueue()
    /// Responses owed, in request order; filled in as handlers return, written from the front.
    private(set) var due: [DueResponse] = []
    /// The sequence number of `due[0]`.
    private var firstDueSequence: UInt32 = 0
    /// Set once the connection carries a Server-Sent Events response.
    var stream: EventStream?
    var phase = Phase.open
    /// Edge-triggered readiness: the socket may have bytes to read / room to write.
    var canRead = true
    var canWrite = true
    /// The client shut its side (read returned 0).
    var peerClosed = false
    /// No further request is taken (after `Connection: close`, an error, a stream, or drain).
    var stopParsing = false
    /// Shut down once the output is written.
    var closeAfterWrite = false
    /// Monotonic time of the last read or write progress (for a stream: of the last write).
    var lastActivity: UInt64
    /// When the first byte of the request being received arrived; 0 when none is.
    var requestStarted: UInt64 = 0
    /// Whether a request was ever taken (a connection that never sends one gets the request timeout).
    var tookRequest = false

    enum Phase: Equatable {
        case open
        /// Our side is shut; reading and discarding until the client closes or `until` passes.
        case lingering(until: UInt64)
        case closed
    }

    init(fd: Int32, token: UInt64, remoteAddress: String, limits: HTTPLimits, now: UInt64) {
        self.fd = fd
        self.token = token
        self.remoteAddress = remoteAddress
        self.parser = HTTPRequestParser(limits: limits)
        self.lastActivity = now
    }

    var isClosed: Bool { phase == .closed }

    /// Nothing received, owed or unsent, and not a stream: a keep-alive connection at rest.
    var isIdle: Bool { due.isEmpty && output.isEmpty && parser.isIdle && stream == nil && phase == .open }

    var responsesDue: Int { due.count }

    /// Records a response owed for a request taken; returns its sequence number.
    func owe(_ entry: DueResponse) -> UInt32 {
        due.append(entry)
        return firstDueSequence &+ UInt32(due.count - 1)
    }

    /// Fills in the response of `sequence`; false when it is no longer owed (the connection moved on).
    func fill(_ sequence: UInt32, with response: HTTPResponse) -> Bool {
        let index = Int(sequence &- firstDueSequence)
        guard index >= 0, index < due.count, due[index].response == nil else { return false }
        due[index].response = response
        return true
    }

    /// The front response if its handler has returned: responses leave in request order.
    func takeReady() -> (DueResponse, HTTPResponse)? {
        guard let first = due.first, let response = first.response else { return nil }
        due.removeFirst()
        if due.isEmpty { due = [] }
        firstDueSequence &+= 1
        return (first, response)
    }

    /// Forgets every owed response (a stream took the connection over); late ones are ignored.
    func forgetDue() {
        firstDueSequence &+= UInt32(due.count)
        due = []
    }

    /// Makes the last owed response the last one of the connection (drain).
    func closeAfterLastDue() {
        guard !due.isEmpty else { return }
        due[due.count - 1].keepAlive = false
        stopParsing = true
    }
}

/// A response owed to a request, and what the request said about how to write it.
struct DueResponse {
    var isHead: Bool
    var keepAlive: Bool
    var version: HTTPVersion
    var response: HTTPResponse?
}
