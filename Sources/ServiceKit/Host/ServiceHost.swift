import Bus
import Foundation
import Store
import Support
import ZMQ

/// Runs one service instance: its store, RPC server, event publisher, registry membership,
/// CURVE security and graceful shutdown. A service library registers its handlers on `methods`
/// (and its subscribers) between `init` and `run()`.
///
/// Shutdown order (SIGTERM/SIGINT): deregister → drain (new requests get `unavailable`,
/// in-flight ones finish within `MPP_DRAIN_SECONDS`) → the service's own hooks, newest first →
/// publisher → sockets → store.
public final class ServiceHost: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let metrics: Metrics
    public let clock: any Clock
    public let store: Store
    public let methods: MethodTable
    public let publisher: EventPublisher?
    public let rpc: RPCClient
    public let directory: ServiceDirectory
    public let client: ServiceClient
    public let keys: KeyRing?
    public let loop: IOLoop
    /// Token checks: the roles declared with `methods.on(…, roles:)`, and `auth.claims(context)` in handlers.
    public let auth: Authenticator
    /// Events this instance's consumers parked, counted for `sys.health` and `sys.metrics`.
    public let parked: ParkedTally
    let server: RPCServer
    let zap: ZAPAuthenticator?
    /// Every stream followed with `subscribe`, for `sys.events.retry`.
    let followed = Mutexed<[FollowedStream]>([])
    private let serviceWarnings = Mutexed<@Sendable () -> [String]>({ [] })
    private let hooks = Mutexed<[@Sendable () async -> Void]>([])
    private let endpoints = Mutexed<(rpc: String, events: String?)?>(nil)
    private let stopped = Mutexed(false)
    private let held = Mutexed<[any Sendable]>([])

    public init(configuration: ServiceConfiguration, migrations: [Migration], publishesEvents: Bool,
                clock: any Clock = SystemClock(), loop: IOLoop = .shared, logSink: LogSink = .standardError) async throws {
        self.configuration = configuration
        self.clock = clock
        self.loop = loop
        let logger = Logger(service: configuration.service, instance: configuration.instance,
                            level: configuration.logLevel, sink: logSink)
        self.logger = logger
        metrics = Metrics()
        let auth = Authenticator()
        self.auth = auth
        methods = MethodTable(roleCheck: { context, roles in try auth.admit(context, roleNames: roles) })
        store = try Store(path: configuration.databasePath, migrations: migrations)

        if configuration.curve {
            let ring = try KeyRing.load(directory: configuration.keysDirectory, name: configuration.service)
            keys = ring
            let authenticator = ZAPAuthenticator(loop: loop, allowed: ring.allowed) { address, key, reason in
                logger.warning("connection refused by ZAP", ["peer": .string(address), "client_key": .string(key), "reason": .string(reason)])
            }
            try await authenticator.start()
            zap = authenticator
        } else {
            keys = nil
            zap = nil
        }
        let stack = ClientStack(registries: configuration.registries, keys: keys, loop: loop, logger: logger,
                                maxMessageBytes: configuration.maxMessageBytes)
        rpc = stack.rpc
        directory = stack.directory
        client = stack.client

        let idempotency = try await IdempotencyCache(store: store, window: configuration.idempotencyWindow, clock: clock)
        var limits = ServerLimits()
        limits.maxMessageBytes = Int64(configuration.maxMessageBytes)
        server = RPCServer(loop: loop, identity: ServiceIdentity(service: configuration.service, instance: configuration.instance,
                                                                 version: configuration.version),
                           methods: methods, idempotency: idempotency,
                           security: keys.map { .curve(secretKey: $0.own.secretKey) } ?? .plain,
                           limits: limits, logger: logger, metrics: metrics,
                           callerIdentity: { auth.callerIdentity($0) })
        if publishesEvents {
            let publisher = EventPublisher(loop: loop, stream: configuration.stream, store: store, metrics: metrics)
            publisher.registerReplay(on: methods)
            self.publisher = publisher
        } else {
            publisher = nil
        }
        parked = ParkedTally(metrics: metrics)
        try await ParkedEvents.install(in: store)
        try await parked.load(from: store)
        let warnings = serviceWarnings, parked = parked, service = configuration.service
        await server.setHealthWarnings { warnings.get()() + [parked.warning(service: service)].compactMap { $0 } }
        registerParkedEvents()
    }

    /// Keeps `service` alive as long as the host (handlers may hold it weakly).
    public func hold(_ service: any Sendable) { held.update { $0.append(service) } }

    /// Adds work to do on shutdown (stop loops, close subscribers); hooks run newest first.
    public func onShutdown(_ hook: @escaping @Sendable () async -> Void) {
        hooks.update { $0.append(hook) }
    }

    /// Sets the service's warnings `sys.health` reports (checked on every health request: keep it
    /// cheap), besides the host's own (parked events).
    public func setHealthWarnings(_ provider: @escaping @Sendable () -> [String]) async {
        serviceWarnings.set(provider)
    }

    /// The bound rpc and events endpoints (after `start`).
    public var boundEndpoints: (rpc: String, events: String?)? { endpoints.get() }

    /// Binds the sockets and registers with the registries. Returns the advertised endpoints.
    @discardableResult
    public func start() async throws -> (rpc: String, events: String?) {
        let security: ServerSecurity = keys.map { .curve(secretKey: $0.own.secretKey) } ?? .plain
        let rpcEndpoint = advertised(try await server.start(bind: configuration.rpcBindAddress))
        var eventsEndpoint: String?
        if let publisher {
            eventsEndpoint = advertised(try await publisher.start(bind: configuration.eventsBindAddress, security: security))
        }
        endpoints.set((rpcEndpoint, eventsEndpoint))
        await directory.register(RegistryAPI.Register(
            service: configuration.service, instance: configuration.instance, rpc: rpcEndpoint, events: eventsEndpoint,
            version: configuration.version, ttl_ms: configuration.leaseMilliseconds, public_key: keys?.own.publicKey.z85))
        logger.info("serving", ["rpc": .string(rpcEndpoint), "events": eventsEndpoint.map { .string($0) } ?? .null,
                                "curve": .bool(keys != nil), "data": .string(configuration.databasePath)])
        return (rpcEndpoint, eventsEndpoint)
    }

    /// Starts, waits for SIGTERM/SIGINT, shuts down gracefully.
    public func run() async throws {
        try await start()
        let signal = await ShutdownSignal.waitOrOrphaned()
        logger.info("shutting down", ["signal": .string(signal)])
        await shutdown()
    }

    /// Graceful shutdown. Idempotent.
    public func shutdown() async {
        guard stopped.update({ value -> Bool in defer { value = true }; return !value }) else { return }
        await directory.deregister()
        await server.beginDraining()
        await server.waitUntilIdle(timeout: configuration.drainTimeout)
        for hook in hooks.get().reversed() { await hook() }
        await publisher?.shutdown()
        await server.shutdown()
        await rpc.shutdown()
        await zap?.shutdown()
        store.close()
        logger.info("stopped")
    }

    /// Follows every instance of `service`'s event stream with a durable cursor in this
    /// service's store; new instances are picked up as they register. An event whose data breaks
    /// its contract (`apply` throws `DecodingError` or `EventContractViolation`) is parked and the
    /// stream goes on; other errors are retried (see `EventSubscriber`).
    public func subscribe(to service: String, consumer: String, topics: [String],
                          apply: @escaping EventSubscriber.Apply) async throws -> EventSubscriber {
        let subscriber = EventSubscriber(loop: loop, consumer: consumer, store: store, client: rpc, topics: topics,
                                         logger: logger.with(["consumer": .string(consumer)]), metrics: metrics,
                                         clock: clock, parked: parked, apply: apply)
        try await subscriber.start()
        followed.update { $0.append(FollowedStream(service: service, subscriber: subscriber)) }
        let directory = directory, keys = keys, logger = logger
        let follower = Task {
            var followed: [String: EventSource] = [:]
            while !Task.isCancelled {
                let live = await directory.instances(of: service)
                for (rpc, source) in followed where !live.contains(where: { $0.rpc == rpc }) {
                    await subscriber.unfollow(source)  // gone from the registry: its replays are not waited for
                    followed.removeValue(forKey: rpc)
                }
                for instance in live where followed[instance.rpc] == nil {
                    guard let events = instance.events else { continue }
                    do {
                        let curve = try keys.map { ring -> (serverKey: CurveKey, keyPair: CurveKeyPair) in
                            guard let key = instance.public_key.flatMap({ CurveKey(z85: $0) }) else {
                                throw KeyRingError("\(instance.instance) has no public key")
                            }
                            return (key, ring.own)
                        }
                        let source = EventSource(events: events, rpc: instance.rpc)
                        try await subscriber.follow(source, curve: curve)
                        followed[instance.rpc] = source
                        logger.info("following events", ["consumer": .string(consumer), "instance": .string(instance.instance),
                                                         "events": .string(events)])
                    } catch {
                        logger.warning("cannot follow events", ["instance": .string(instance.instance), "error": .string("\(error)")])
                    }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        onShutdown {
            follower.cancel()
            await subscriber.stop()
        }
        return subscriber
    }

    private func advertised(_ bound: String) -> String {
        guard configuration.advertiseHost != configuration.bindHost,
              let portStart = bound.lastIndex(of: ":") else { return bound }
        return "tcp://\(configuration.advertiseHost)\(bound[portStart...])"
    }
}
