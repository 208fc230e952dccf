import Bus
import Foundation
import ServiceKit
import Store
import Support

/// The registry (PROTOCOL §4): instances register with a lease, renew it with heartbeats and are
/// removed when they deregister or fall silent. Leases live in memory (instances re-register
/// after a registry restart: their heartbeat gets `not_found`); every change is an event in the
/// registry's own outbox (`registry.instance_up` / `registry.instance_down`).
public final class RegistryService: Sendable {
    public static let name = "registry"
    public static let defaultRPCPort = 7700
    public static let defaultEventsPort = 7701

    let host: ServiceHost
    private let table = Mutexed(LeaseTable())
    private let started = Monotonic.nanoseconds()
    private let sweepInterval: Duration

    public init(host: ServiceHost, sweepInterval: Duration = .milliseconds(200)) {
        self.host = host
        self.sweepInterval = sweepInterval
        registerMethods()
        host.hold(self)
    }

    /// Starts serving and the expiry sweep.
    public func start() async throws {
        try await host.start()
        let sweeper = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                try? await Task.sleep(for: self.sweepInterval)
                await self.sweep()
            }
        }
        host.onShutdown { sweeper.cancel() }
    }

    /// Live instances right now (for tests and `sys.health`).
    public var instances: [RegistryAPI.Instance] { table.get().all }

    private var nowMilliseconds: Int64 { Int64((Monotonic.nanoseconds() - started) / 1_000_000) }

    private func registerMethods() {
        let methods = host.methods
        methods.on("registry.register") { [unowned self] (request: RegistryAPI.Register, _: RequestContext) in
            try Self.validate(request)
            let since = CloudEvent.format(self.host.clock.now())
            try await self.change { table, now in table.register(request, now: now, since: since) }
            return RegistryAPI.Lease(lease_ms: min(max(request.ttl_ms, LeaseTable.ttlRange.lowerBound), LeaseTable.ttlRange.upperBound))
        }
        methods.inline("registry.heartbeat") { [unowned self] (request: RegistryAPI.InstanceRef, _: RequestContext) -> Empty in
            let now = self.nowMilliseconds
            guard self.table.update({ $0.heartbeat(instance: request.instance, now: now) }) else {
                throw RPCError(.notFound, "instance \(request.instance) tidak terdaftar: daftar ulang (register again)")
            }
            return Empty()
        }
        methods.on("registry.deregister") { [unowned self] (request: RegistryAPI.InstanceRef, _: RequestContext) -> Empty in
            try await self.change { table, _ in table.deregister(instance: request.instance) }
            return Empty()
        }
        methods.inline("registry.lookup") { [unowned self] (request: RegistryAPI.Lookup, _: RequestContext) in
            if let problem = TextCheck.nameProblem(request.service, maxLength: 128) { throw RPCError.invalid(["service": problem]) }
            return RegistryAPI.Instances(instances: self.table.get().lookup(service: request.service))
        }
        methods.inline("registry.list") { [unowned self] (_: Empty, _: RequestContext) in
            RegistryAPI.Instances(instances: self.table.get().all)
        }
    }

    /// Applies a change to the table and writes its events in the same write transaction, so the
    /// event order is the order of the changes.
    private func change(_ body: @escaping @Sendable (inout LeaseTable, Int64) -> [LeaseTable.Change]) async throws {
        let now = nowMilliseconds
        let time = host.clock.now()
        let table = table, stream = host.configuration.stream
        try await host.store.write { db in
            let changes = table.update { body(&$0, now) }
            for change in changes {
                switch change {
                case .up(let instance):
                    try Outbox.append(db, stream: stream, type: "registry.instance_up",
                                      data: Self.eventData(instance, reason: nil), time: time, subject: instance.instance)
                case .down(let instance, let reason):
                    try Outbox.append(db, stream: stream, type: "registry.instance_down",
                                      data: Self.eventData(instance, reason: reason), time: time, subject: instance.instance)
                }
            }
        }
    }

    func sweep() async {
        do {
            try await change { table, now in table.expire(now: now) }
        } catch {
            host.logger.error("lease sweep failed", ["error": .string("\(error)")])
        }
    }

    static func eventData(_ instance: RegistryAPI.Instance, reason: String?) -> RegistryAPI.InstanceEvent {
        RegistryAPI.InstanceEvent(service: instance.service, instance: instance.instance, rpc: instance.rpc,
                                  events: instance.events, version: instance.version, reason: reason)
    }

    static func validate(_ request: RegistryAPI.Register) throws {
        var fields: [String: String] = [:]
        // Printable ASCII only: a NUL or an escape sequence in a name would reach every log and lookup.
        for (field, text, limit) in [("service", request.service, 128), ("instance", request.instance, 128), ("version", request.version, 64)] {
            if let problem = TextCheck.nameProblem(text, maxLength: limit) { fields[field] = problem }
        }
        for (field, endpoint) in [("rpc", request.rpc), ("events", request.events)] {
            guard let endpoint else { continue }
            if !endpoint.hasPrefix("tcp://") && !endpoint.hasPrefix("ipc://") {
                fields[field] = "harus endpoint tcp://HOST:PORT"
            } else if let problem = TextCheck.nameProblem(endpoint, maxLength: 256) {
                fields[field] = problem
            }
        }
        if !LeaseTable.ttlRange.contains(request.ttl_ms) {
            fields["ttl_ms"] = "harus \(LeaseTable.ttlRange.lowerBound)–\(LeaseTable.ttlRange.upperBound)"
        }
        if let key = request.public_key, key.count != 40 { fields["public_key"] = "harus 40 karakter Z85" }
        if !fields.isEmpty { throw RPCError.invalid(fields) }
    }
}
