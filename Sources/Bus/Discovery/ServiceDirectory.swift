import Foundation
import Support

/// The client side of the registry: registers this instance with every configured registry and
/// keeps the lease alive, and answers "where does service X run" from a cache that refreshes in
/// the background, after failures, and keeps serving while no registry answers.
public actor ServiceDirectory {
    public let registries: [String]
    private let client: RPCClient
    private let logger: Logger
    private let refreshInterval: Duration
    private var cache: [String: Entry] = [:]
    private var refreshing: Set<String> = []
    private var heartbeats: [Task<Void, Never>] = []
    private var registration: RegistryAPI.Register?
    /// Public keys of the instances seen in lookups, for CURVE clients.
    public nonisolated let serverKeys: ServerKeyBook
    /// Which listed instances to believe (in CURVE mode: those whose key may serve their service).
    private let trusts: @Sendable (RegistryAPI.Instance) -> Bool
    /// This process's proof of ownership of its registration (plain mode), never shown.
    private let leaseToken = (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 36) }.joined(separator: "-")

    private struct Entry {
        var instances: [RegistryAPI.Instance]
        var fetchedAt: UInt64
    }

    /// - Parameter trusts: which instances from a registry to use; the others are ignored (and
    ///   logged once per lookup).
    public init(registries: [String], client: RPCClient, logger: Logger, refreshInterval: Duration = .seconds(2),
                serverKeys: ServerKeyBook = ServerKeyBook(), trusts: @escaping @Sendable (RegistryAPI.Instance) -> Bool = { _ in true }) {
        self.registries = registries
        self.serverKeys = serverKeys
        self.trusts = trusts
        self.client = client
        self.logger = logger
        self.refreshInterval = refreshInterval
    }

    // MARK: lookups

    /// Live instances of `service`: from the cache when fresh, else from a registry; the stale
    /// cache when no registry answers.
    public func instances(of service: String) async -> [RegistryAPI.Instance] {
        if let entry = cache[service], !entry.instances.isEmpty {
            if Monotonic.nanoseconds() - entry.fetchedAt > refreshInterval.nanoseconds { refreshInBackground(service) }
            return entry.instances
        }
        return await refresh(service) ?? cache[service]?.instances ?? []
    }

    /// Marks `service`'s cache stale (a call to it failed): the next lookup asks a registry.
    public func invalidate(_ service: String) {
        cache[service]?.fetchedAt = 0
    }

    /// Every live instance of every service (`registry.list`) from the first registry that answers.
    public func list() async throws -> [RegistryAPI.Instance] {
        var lastError: any Error = RPCError(.unavailable, "no registry configured")
        for registry in registries {
            do {
                let instances = try await ask(registry, "registry.list", Empty(), as: RegistryAPI.Instances.self).instances
                for instance in instances where trusts(instance) { serverKeys.learn(instance) }  // so CURVE callers can reach each of them
                return instances
            } catch { lastError = error }
        }
        throw lastError
    }

    private func refreshInBackground(_ service: String) {
        guard !refreshing.contains(service) else { return }
        refreshing.insert(service)
        Task { _ = await self.refresh(service) }
    }

    @discardableResult
    private func refresh(_ service: String) async -> [RegistryAPI.Instance]? {
        defer { refreshing.remove(service) }
        for registry in registries {
            do {
                let listed = try await ask(registry, "registry.lookup", RegistryAPI.Lookup(service: service),
                                           as: RegistryAPI.Instances.self).instances
                let found = listed.filter(trusts)
                for stranger in listed where !found.contains(stranger) {
                    logger.warning("ignoring an instance whose key may not serve its service",
                                   ["service": .string(service), "instance": .string(stranger.instance), "rpc": .string(stranger.rpc)])
                }
                cache[service] = Entry(instances: found, fetchedAt: Monotonic.nanoseconds())
                for instance in found { serverKeys.learn(instance) }
                return found
            } catch {
                logger.debug("registry lookup failed", ["registry": .string(registry), "error": .string("\(error)")])
            }
        }
        return nil
    }

    // MARK: registration

    /// Registers with every registry and keeps each lease alive (heartbeat at a third of the TTL;
    /// re-registers when a registry forgot us, e.g. after its restart).
    public func register(_ registration: RegistryAPI.Register) {
        var registration = registration
        registration.lease_token = registration.lease_token ?? leaseToken
        self.registration = registration
        for registry in registries {
            heartbeats.append(Task { [weak self] in await self?.keepAlive(registry) })
        }
    }

    /// Stops heartbeats and deregisters from every registry (graceful shutdown).
    public func deregister() async {
        for task in heartbeats { task.cancel() }
        heartbeats.removeAll()
        guard let registration else { return }
        self.registration = nil
        await withTaskGroup(of: Void.self) { group in
            for registry in registries {
                group.addTask {
                    _ = try? await self.ask(registry, "registry.deregister", RegistryAPI.InstanceRef(instance: registration.instance, lease_token: registration.lease_token),
                                            as: Empty.self, timeout: .seconds(1))
                }
            }
        }
    }

    private func keepAlive(_ registry: String) async {
        var registered = false
        var attempt = 0
        while !Task.isCancelled, let registration {
            let interval = Duration.milliseconds(max(100, registration.ttl_ms / 3))
            do {
                if !registered {
                    _ = try await ask(registry, "registry.register", registration, as: RegistryAPI.Lease.self)
                    registered = true
                    logger.info("registered", ["registry": .string(registry), "rpc": .string(registration.rpc)])
                } else {
                    // A reply slower than a third of the lease is as good as none: try again sooner.
                    _ = try await ask(registry, "registry.heartbeat", RegistryAPI.InstanceRef(instance: registration.instance, lease_token: registration.lease_token),
                                      as: Empty.self, timeout: min(.seconds(2), interval))
                }
                attempt = 0
                try? await Task.sleep(for: interval)
            } catch let error as RPCError where error.code == .notFound {
                registered = false
            } catch let error as RPCError where error.code == .permissionDenied || error.code == .alreadyExists {
                // Another owner holds the id or endpoint (a predecessor whose lease has not run out yet, or a
                // misconfiguration): keep trying, the lease of a dead predecessor expires.
                registered = false
                attempt += 1
                if attempt == 1 { logger.error("registration refused", ["registry": .string(registry), "error": .string("\(error)")]) }
                try? await Task.sleep(for: .seconds(Backoff(initial: 0.5, maximum: 5).delay(attempt: attempt)))
            } catch {
                attempt += 1
                if attempt == 1 { logger.warning("registry unreachable", ["registry": .string(registry), "error": .string("\(error)")]) }
                registered = registered && attempt < 3
                try? await Task.sleep(for: .seconds(Backoff(initial: 0.2, maximum: 2).delay(attempt: attempt)))
            }
        }
    }

    private func ask<Body: Encodable, Result: Decodable>(_ registry: String, _ method: String, _ body: Body,
                                                        as: Result.Type, timeout: Duration = .seconds(2)) async throws -> Result {
        let outcome = try await client.send(to: registry, method: method, body: try JSON.encode(body), timeout: timeout)
        if let error = outcome.error { throw error }
        return try JSON.decode(Result.self, from: outcome.body)
    }
}
