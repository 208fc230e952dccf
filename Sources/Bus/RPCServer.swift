import Foundation
import Support
import ZMQ

/// Who a server says it is, for `sys.health`.
public struct ServiceIdentity: Sendable {
    public var service: String
    public var instance: String
    public var version: String
    public init(service: String, instance: String, version: String) {
        self.service = service
        self.instance = instance
        self.version = version
    }
}

/// How a server socket is secured.
public enum ServerSecurity: Sendable {
    case plain
    /// CURVE with this secret key; a `ZAPAuthenticator` must run in the loop's context.
    case curve(secretKey: CurveKey)
}

/// Limits and socket settings of a server.
public struct ServerLimits: Sendable {
    public var maxMessageBytes: Int64 = 8 << 20
    public var heartbeatMilliseconds: Int32 = 2_000
    public var receiveBatch = 256
    public init() {}
}

/// The MPP/1 request side of a service: a ROUTER socket owned by the I/O loop, dispatching each
/// request to its handler off the loop and sending the reply back through the loop.
/// Malformed messages are answered with `invalid_argument` or dropped, never a crash.
public actor RPCServer {
    public nonisolated let loop: IOLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    let dispatcher: Dispatcher
    let identity: ServiceIdentity
    let security: ServerSecurity
    let limits: ServerLimits
    let logger: Logger
    public nonisolated let metrics: Metrics

    private var socket: Socket?
    public private(set) var endpoint: String?
    private var draining = false
    /// Replies waiting for the end of the receive batch (nil outside a batch).
    private var heldReplies: [[[UInt8]]]?
    private var inFlight = 0
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private let startedAt = Monotonic.nanoseconds()
    /// Problems ops should know about, reported in `sys.health` (e.g. a missing calendar).
    private var healthWarnings: @Sendable () -> [String] = { [] }

    public init(loop: IOLoop = .shared, identity: ServiceIdentity, methods: MethodTable,
                idempotency: IdempotencyCache? = nil, security: ServerSecurity = .plain,
                limits: ServerLimits = ServerLimits(), logger: Logger, metrics: Metrics = Metrics(),
                callerIdentity: @escaping @Sendable (RequestContext) -> String = { $0.caller ?? "anonymous" }) {
        self.loop = loop
        self.identity = identity
        self.security = security
        self.limits = limits
        self.logger = logger
        self.metrics = metrics
        self.dispatcher = Dispatcher(methods: methods, idempotency: idempotency, metrics: metrics,
                                     logger: logger, callerIdentity: callerIdentity)
    }

    /// Binds the ROUTER socket and starts serving. Returns the bound endpoint.
    @discardableResult
    public func start(bind address: String) throws -> String {
        precondition(socket == nil, "server already started")
        let router = try loop.context.socket(.router)
        do {
            try router.setLinger(milliseconds: 100)
            try router.setMaxMessageSize(bytes: limits.maxMessageBytes)
            try router.setHeartbeat(intervalMilliseconds: limits.heartbeatMilliseconds,
                                    timeoutMilliseconds: limits.heartbeatMilliseconds * 3,
                                    ttlMilliseconds: limits.heartbeatMilliseconds * 3)
            try router.setRouterMandatory(true)
            try router.setSendHighWaterMark(100_000)
            try router.setReceiveHighWaterMark(100_000)
            if case .curve(let secretKey) = security { try router.makeCurveServer(secretKey: secretKey) }
            let bound = try router.bind(address)
            socket = router
            endpoint = bound
            loop.watch(router) { [unowned self] in self.assumeIsolated { $0.receiveBatch() } }
            return bound
        } catch {
            router.close()
            throw error
        }
    }

    /// Sets what `sys.health` reports under `warnings`.
    public func setHealthWarnings(_ provider: @escaping @Sendable () -> [String]) { healthWarnings = provider }

    /// Stops taking new work: further requests get `unavailable` so callers go to another instance.
    public func beginDraining() { draining = true }

    public var isDraining: Bool { draining }

    /// Waits until no request is in flight, or `timeout` passes.
    public func waitUntilIdle(timeout: Duration) async {
        guard inFlight > 0 else { return }
        let waiter = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.releaseIdleWaiters()
        }
        await withCheckedContinuation { idleWaiters.append($0) }
        waiter.cancel()
    }

    /// Closes the socket. Call after draining.
    public func shutdown() {
        guard let socket else { return }
        loop.release(socket)
        self.socket = nil
        releaseIdleWaiters()
    }

    // MARK: loop side

    private func receiveBatch() {
        guard let socket else { return }
        // Replies answered during the batch leave together at its end: libzmq's I/O thread then
        // finds them queued and writes them in few system calls.
        heldReplies = []
        defer { flushHeldReplies() }
        for _ in 0..<limits.receiveBatch {
            let message: Multipart?
            do {
                message = try socket.receive(userID: isCurve)
            } catch {
                metrics.increment("rpc.receive_errors")
                return
            }
            guard let message else { return }
            accept(message)
        }
    }

    private var isCurve: Bool {
        if case .curve = security { return true }
        return false
    }

    private func accept(_ message: Multipart) {
        switch Envelope.parseRequest(message) {
        case .failure(.drop(let reason)):
            metrics.increment("rpc.dropped")
            logger.debug("dropped unreadable message", ["reason": .string(reason)])
        case .failure(.reject(let route, let requestID, let reason)):
            metrics.increment("rpc.rejected")
            send(route: route, requestID: requestID, outcome: Outcome(error: .invalid(["envelope": reason], message: reason)))
        case .success(let request):
            if let outcome = builtIn(request) {
                send(route: request.route, requestID: request.requestID, outcome: outcome)
                return
            }
            if draining {
                send(route: request.route, requestID: request.requestID,
                     outcome: Outcome(error: RPCError(.unavailable, "\(identity.instance) sedang berhenti (draining)")))
                return
            }
            let dispatcher = dispatcher
            switch dispatcher.plan(request) {
            case .answered(let outcome):
                send(route: request.route, requestID: request.requestID, outcome: outcome)
            case .startOnLoop(let entry):
                inFlight += 1
                // Runs synchronously here until its first suspension (none, for a cheap handler).
                Task.immediate { [self] in
                    let outcome = await dispatcher.dispatch(request, entry)
                    self.complete(request, outcome)
                }
            case .startOnPool(let entry):
                inFlight += 1
                Task.detached { [self] in
                    let outcome = await dispatcher.dispatch(request, entry)
                    loop.execute { self.assumeIsolated { $0.complete(request, outcome) } }
                }
            }
        }
    }

    private func complete(_ request: IncomingRequest, _ outcome: Outcome) {
        inFlight -= 1
        send(route: request.route, requestID: request.requestID, outcome: outcome)
        if inFlight == 0 { releaseIdleWaiters() }
    }

    private func send(route: [[UInt8]], requestID: [UInt8], outcome: Outcome) {
        let frames = Envelope.reply(route: route, requestID: requestID, outcome: outcome)
        guard heldReplies != nil else { return transmit(frames) }
        heldReplies?.append(frames)
        // A long batch still feeds the I/O thread as it goes.
        if heldReplies?.count ?? 0 >= Self.heldRepliesLimit { flushHeldReplies(keepHolding: true) }
    }

    /// Measured with `mpp-bench rpc`: 32 keeps the I/O thread busy while still batching its writes.
    private static let heldRepliesLimit = 32

    private func flushHeldReplies(keepHolding: Bool = false) {
        let replies = heldReplies ?? []
        heldReplies = keepHolding ? [] : nil
        for frames in replies { transmit(frames) }
    }

    private func transmit(_ frames: [[UInt8]]) {
        guard let socket else { return }
        do {
            if try !socket.send(frames) { metrics.increment("rpc.reply_dropped_hwm") }
        } catch {
            metrics.increment("rpc.reply_dropped_peer_gone")
        }
    }

    private func releaseIdleWaiters() {
        let waiters = idleWaiters
        idleWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// `sys.health` and `sys.metrics` are answered on the loop: cheap, and still answered while draining.
    private func builtIn(_ request: IncomingRequest) -> Outcome? {
        switch request.method {
        case "sys.health":
            let health = Health(service: identity.service, instance: identity.instance, version: identity.version,
                                status: draining ? "draining" : "serving",
                                uptime_s: Double(Monotonic.nanoseconds() - startedAt) / 1e9,
                                requests: metrics.totalRequests, in_flight: inFlight,
                                warnings: { let list = healthWarnings(); return list.isEmpty ? nil : list }())
            return Outcome(body: (try? JSON.encode(health)) ?? Envelope.emptyObject)
        case "sys.metrics":
            return Outcome(body: (try? JSON.encode(metrics.snapshot())) ?? Envelope.emptyObject)
        default:
            return nil
        }
    }
}

/// The `sys.health` body.
public struct Health: Codable, Sendable {
    public var service: String
    public var instance: String
    public var version: String
    public var status: String
    public var uptime_s: Double
    public var requests: Int?
    public var in_flight: Int?
    public var warnings: [String]?
}
