import CEpoll
import Glibc
import Support
import Synchronization

/// A strict, small HTTP/1.1 server for behind nginx: one epoll thread holds every connection (no
/// task or thread per connection, so idle keep-alive connections and SSE streams cost a few hundred
/// bytes each), each complete request goes to an async handler, responses leave in request order.
///
/// It refuses what nginx never sends upstream: chunked or other transfer codings, absolute-form
/// targets, obs-fold, bare LF; every framing error is answered and the connection closed.
///
///     let server = try HTTPServer(listeningOn: .tcp(host: "127.0.0.1", port: 8081)) { request in
///         switch request.path {
///         case "/healthz": return HTTPResponse(status: .ok, text: "ok")
///         case "/api/v1/events": return .eventStream { stream in hub.add(stream) }  // hub: the gateway's table
///         default: return HTTPResponse(status: .notFound, text: "not found")
///         }
///     }
///     // on SIGTERM:
///     await server.shutdown(gracePeriod: .seconds(10))
///
/// Call `shutdown` before letting go of it: the loop thread and the listening socket live until then.
public final class HTTPServer: Sendable {
    /// Answers one request. A response may be a Server-Sent Events stream (`HTTPResponse.eventStream`).
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    /// Where handlers run.
    public enum HandlerExecution: Sendable {
        /// On the global concurrent executor (the default).
        case concurrent
        /// On the server's loop thread, with no hop: only for handlers that never block and answer fast.
        case onLoop
        /// With this executor as task preference (e.g. the bus's I/O loop, so MPP/1 calls leave with no hop).
        case on(any TaskExecutor)
    }

    /// How the server behaves; the defaults suit running behind nginx.
    public struct Configuration: Sendable {
        /// Request line, header and body limits (414, 431, 413).
        public var limits = HTTPLimits()
        /// Open connections (streams included); more are answered 503 and closed.
        public var maxConnections = 16_384
        /// Requests of one connection taken before their responses are written.
        public var maxPipelinedRequests = 16
        /// A keep-alive connection with nothing to do is closed after this (above nginx's upstream
        /// `keepalive_timeout`, 60 s by default, so that nginx closes first).
        public var idleTimeout: Duration = .seconds(75)
        /// The head and body of a request must arrive within this of its first byte (slowloris);
        /// also how long a new connection may wait before sending its first request.
        public var requestTimeout: Duration = .seconds(10)
        /// A response or stream the client stops reading is dropped after this without progress.
        public var writeTimeout: Duration = .seconds(30)
        /// How long a closing connection reads and drops what the client still sends.
        public var lingerTimeout: Duration = .seconds(2)
        /// A comment (`: ping`) on a stream that has been quiet this long, so proxies keep it.
        public var heartbeatInterval: Duration = .seconds(15)
        /// Unsent bytes a stream may hold before it is dropped as too slow.
        public var maxStreamBacklogBytes = 64 * 1024
        /// Connections the kernel holds before they are accepted.
        public var listenBacklog: Int32 = 1024
        /// Permissions of a unix socket (e.g. `0o666` so that nginx workers running as `nobody` can connect).
        public var unixSocketMode: UInt32?
        public var handlerExecution = HandlerExecution.concurrent
        /// Where accept failures, unwritable handler responses (warning, error) and refused requests (debug) go.
        public var logger: Logger?
        /// The loop thread's name (15 characters show).
        public var threadName = "mpp-http"

        public init() {}

        /// How often the loop checks deadlines: a quarter of the shortest one, at most a second.
        var tick: Duration {
            let shortest = [requestTimeout, idleTimeout, writeTimeout, lingerTimeout, heartbeatInterval].min() ?? .seconds(1)
            return max(.milliseconds(5), min(.seconds(1), shortest / 4))
        }
    }

    /// The address listened on (with the kernel's port when port 0 was asked for).
    public let address: HTTPListenAddress
    private let core: ServerCore
    private let loop: EventLoop
    /// The one drain, whoever asks for it first (later callers wait for the same).
    private let stopping = Mutex<Task<Void, Never>?>(nil)
    /// The counters as the drain left them (the loop that kept them is gone).
    private let finalCounters = Mutex(HTTPServerCounters())

    /// Binds `address` and starts serving on a new loop thread.
    public init(listeningOn address: HTTPListenAddress, configuration: Configuration = Configuration(),
                handler: @escaping Handler) throws(HTTPServerError) {
        let listener = try ListeningSocket.open(address, backlog: configuration.listenBacklog, unixSocketMode: configuration.unixSocketMode)
        let loop: EventLoop
        do {
            loop = try EventLoop(name: configuration.threadName)
        } catch {
            listener.close()
            throw error
        }
        self.address = listener.address
        self.loop = loop
        let core = ServerCore(loop: loop, listeners: [listener], configuration: configuration, handler: handler)
        self.core = core
        loop.start(tick: configuration.tick,
                   onEvents: { events in core.assumeIsolated { $0.handle(events) } },
                   onTick: { core.assumeIsolated { $0.tick() } })
        guard loop.add(listener.fd, token: listener.token, events: EPOLLIN.rawValue) else {
            let code = errno
            loop.stop()
            listener.close()
            throw .system("epoll_ctl", code)
        }
    }

    /// The server's loop as an executor (what `HandlerExecution.onLoop` uses).
    public var loopExecutor: any TaskExecutor { loop }

    /// A snapshot of the counters (after shutdown: the last one).
    public func counters() async -> HTTPServerCounters {
        await withCheckedContinuation { continuation in
            let queued = loop.execute { [core] in continuation.resume(returning: core.assumeIsolated { $0.counters }) }
            if !queued { continuation.resume(returning: finalCounters.withLock { $0 }) }
        }
    }

    /// Graceful drain, for SIGTERM: stops accepting, closes idle keep-alive connections, finishes the
    /// requests in flight (answered with `Connection: close`), then ends the event streams; at the
    /// deadline, closes whatever is left. Then the loop thread ends. A second call waits for the first.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let task = stopping.withLock { stopping in
            if let stopping { return stopping }
            let task = Task { [self] in
                await core.drain(within: gracePeriod)
                let last = await core.snapshot()
                finalCounters.withLock { $0 = last }
                loop.stop()
            }
            stopping = task
            return task
        }
        await task.value
    }
}

extension ServerCore {
    func snapshot() -> HTTPServerCounters { counters }

    func drain(within gracePeriod: Duration) async {
        await withCheckedContinuation { beginDrain(within: gracePeriod, $0) }
    }
}
