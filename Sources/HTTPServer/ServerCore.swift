import CEpoll
import Glibc
import Support

/// Everything the server holds: listeners, connections, counters. An actor whose executor is the
/// server's `EventLoop`, so its state is touched by that one thread only; the loop calls in with
/// `assumeIsolated` (no task, no hop), other threads with `EventLoop.execute`.
actor ServerCore {
    nonisolated let loop: EventLoop
    nonisolated let configuration: HTTPServer.Configuration
    nonisolated let handler: HTTPServer.Handler
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    var listeners: [ListeningSocket]
    /// Indexed by file descriptor (8 bytes a slot).
    var connections: [Connection?] = []
    var openConnections = 0
    var counters = HTTPServerCounters()
    var drain: Drain?
    var acceptPaused = false
    /// The `Date` value, refreshed by the tick.
    var date = ""
    var dateSecond = 0
    /// Monotonic time of the event being handled.
    var now: UInt64 = 0
    private var generation: UInt32 = 0
    /// One read buffer for every connection: only unparsed leftovers are copied per connection.
    nonisolated(unsafe) private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    /// While this many bytes wait to be written, no further pipelined request is read.
    static let outputPauseBytes = 256 * 1024
    static let connectionEvents = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue

    init(loop: EventLoop, listeners: [ListeningSocket], configuration: HTTPServer.Configuration, handler: @escaping HTTPServer.Handler) {
        self.loop = loop
        self.listeners = listeners
        self.configuration = configuration
        self.handler = handler
        dateSecond = Self.wallClockSecond()
        date = HTTPDate.format(secondsSince1970: dateSecond)
    }

    deinit { readBuffer.deallocate() }

    // MARK: events

    func handle(_ events: ReadyEvents) {
        now = EventLoop.now()
        for event in events.buffer {
            let token = event.data.u64
            let fd = Int32(truncatingIfNeeded: token & 0xFFFF_FFFF)
            if token >> 32 == 0 {
                acceptConnections(on: fd)
                continue
            }
            guard let connection = connection(for: token) else { continue }
            let flags = event.events
            if flags & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { connection.canWrite = true }
            if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { connection.canRead = true }
            pump(connection)
        }
    }

    func connection(for token: UInt64) -> Connection? {
        let fd = Int(token & 0xFFFF_FFFF)
        guard fd < connections.count, let connection = connections[fd], connection.token == token else { return nil }
        return connection
    }

    // MARK: accepting

    private func acceptConnections(on fd: Int32) {
        guard let listener = listeners.first(where: { $0.fd == fd }) else { return }
        for _ in 0..<64 {
            switch listener.accept() {
            case .connection(let connectionFD, let remoteAddress):
                if drain != nil || openConnections >= configuration.maxConnections {
                    refuseOverCapacity(connectionFD)
                } else {
                    register(connectionFD, remoteAddress: remoteAddress)
                }
            case .wouldBlock:
                return
            case .failed(let code) where code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM:
                // Out of descriptors or memory: stop asking until the next tick instead of spinning.
                counters.acceptErrors += 1
                acceptPaused = true
                for listener in listeners { loop.modify(listener.fd, token: listener.token, events: 0) }
                configuration.logger?.warning("http: accept paused", ["error": .string(String(cString: strerror(code)))])
                return
            case .failed:
                counters.acceptErrors += 1  // the client gave up (ECONNABORTED and the like)
            }
        }
    }

    func resumeAccepting() {
        guard acceptPaused, drain == nil else { return }
        acceptPaused = false
        for listener in listeners { loop.modify(listener.fd, token: listener.token, events: EPOLLIN.rawValue) }
    }

    /// Over the connection cap (or draining): a canned 503, then close.
    private func refuseOverCapacity(_ fd: Int32) {
        counters.connectionsRefused += 1
        _ = Self.overCapacityResponse.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        _ = recv(fd, readBuffer.baseAddress, readBuffer.count, Int32(MSG_DONTWAIT))  // fewer resets for a client that already wrote
        Glibc.close(fd)
    }

    private static let overCapacityResponse = Array(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n".utf8)

    private func register(_ fd: Int32, remoteAddress: String) {
        generation = generation == UInt32.max ? 1 : generation + 1
        let token = UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
        guard loop.add(fd, token: token, events: Self.connectionEvents) else {
            counters.acceptErrors += 1
            Glibc.close(fd)
            return
        }
        if Int(fd) >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count))
        }
        connections[Int(fd)] = Connection(fd: fd, token: token, remoteAddress: remoteAddress, limits: configuration.limits, now: now)
        openConnections += 1
        counters.connectionsAccepted += 1
        counters.connectionsOpen = openConnections
    }

    // MARK: moving bytes

    /// Does everything the connection is ready for: taking buffered requests, queuing responses
    /// whose turn came, writing, reading. Loops until nothing moves, then closes it if it is done.
    func pump(_ connection: Connection) {
        while !connection.isClosed {
            var moved = takeRequests(connection)
            if writeReadyResponses(connection) { moved = true }
            flush(connection)
            if connection.isClosed { return }
            if readSome(connection) { moved = true }
            if !moved { break }
        }
        if connection.peerClosed && connection.responsesDue == 0 && connection.output.isEmpty && !connection.isClosed {
            close(connection, .clientClosed)
        }
    }

    /// Whether the connection may take another request now (pipelining and output backpressure).
    func acceptsRequests(_ connection: Connection) -> Bool {
        !connection.stopParsing && connection.stream == nil && connection.phase == .open
            && connection.responsesDue < configuration.maxPipelinedRequests && connection.output.byteCount <= Self.outputPauseBytes
    }

    /// One read; true when bytes came in. Bytes nobody will parse (a stream's, a closing
    /// connection's) are read and dropped, so that the client's close is still seen.
    private func readSome(_ connection: Connection) -> Bool {
        let discarding = connection.stream != nil || connection.phase != .open || connection.stopParsing
        guard connection.canRead, discarding || acceptsRequests(connection) else { return false }
        let count = recv(connection.fd, readBuffer.baseAddress, readBuffer.count, 0)
        if count > 0 {
            counters.bytesReceived += count
            if connection.stream == nil { connection.lastActivity = now }
            if !discarding { connection.parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])) }
            return true
        }
        if count == 0 {
            connection.canRead = false
            connection.peerClosed = true
            if connection.stream != nil || connection.phase != .open { close(connection, .clientClosed) }
            return false
        }
        switch errno {
        case EINTR: return true
        case EAGAIN, EWOULDBLOCK: connection.canRead = false
        default: close(connection, .clientClosed)
        }
        return false
    }

    /// Writes what is queued while the socket takes it; starts the lingering close once a last
    /// response is out.
    func flush(_ connection: Connection) {
        if connection.canWrite && !connection.output.isEmpty {
            let (outcome, written) = connection.output.write(to: connection.fd)
            counters.bytesSent += written
            if written > 0 { connection.lastActivity = now }
            switch outcome {
            case .flushed: break
            case .wouldBlock: connection.canWrite = false
            case .failed:
                close(connection, .clientClosed)
                return
            }
        }
        if connection.output.isEmpty && connection.closeAfterWrite && connection.phase == .open { startLingering(connection) }
    }

    /// Shuts our side, then reads and drops until the client closes (or the linger time passes), so
    /// that unread request bytes do not make the kernel reset the connection over our last response.
    private func startLingering(_ connection: Connection) {
        if connection.peerClosed {
            close(connection, .clientClosed)
            return
        }
        shutdown(connection.fd, Int32(SHUT_WR))
        connection.phase = .lingering(until: now + configuration.lingerTimeout.nanoseconds)
        connection.parser = HTTPRequestParser(limits: configuration.limits)
    }

    func close(_ connection: Connection, _ end: EventStreamEnd) {
        guard !connection.isClosed else { return }
        connection.phase = .closed
        connection.output.discard()
        Glibc.close(connection.fd)  // also leaves the epoll set
        connections[Int(connection.fd)] = nil
        openConnections -= 1
        counters.connectionsOpen = openConnections
        if let stream = connection.stream {
            connection.stream = nil
            counters.eventStreamsOpen -= 1
            stream.finish(end)
        }
        checkDrainProgress()
    }

    /// Every open connection (a snapshot: closing one while iterating is fine).
    var openConnectionList: [Connection] { connections.compactMap { $0 } }
}
