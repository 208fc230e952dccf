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
    private let owners: LeaseOwners

    public init(host: ServiceHost, sweepInterval: Duration = .milliseconds(200)) {
        self.host = host
        self.sweepInterval = sweepInterval
        owners = LeaseOwners(keys: host.keys)
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
        methods.on("registry.register") { [unowned self] (request: RegistryAPI.Register, context: RequestContext) in
            try await self.register(request, context)
        }
        methods.inline("registry.heartbeat") { [unowned self] (request: RegistryAPI.InstanceRef, context: RequestContext) -> Empty in
            try self.heartbeat(request, context)
        }
        methods.on("registry.deregister") { [unowned self] (request: RegistryAPI.InstanceRef, context: RequestContext) -> Empty in
            try await self.deregister(request, context)
        }
        methods.inline("registry.lookup") { [unowned self] (request: RegistryAPI.Lookup, _: RequestContext) in
            if let problem = TextCheck.nameProblem(request.service, maxLength: 128) { throw RPCError.invalid(["service": problem]) }
            return RegistryAPI.Instances(instances: self.table.get().lookup(service: request.service))
        }
        methods.inline("registry.list") { [unowned self] (_: Empty, _: RequestContext) in
            RegistryAPI.Instances(instances: self.table.get().all)
        }
    }

    func register(_ request: RegistryAPI.Register, _ context: RequestContext) async throws -> RegistryAPI.Lease {
        try Self.validate(request)
        let owner = try owners.owner(registering: request, context)
        let since = CloudEvent.format(host.clock.now())
        try await change(context, instance: request.instance) { (table: inout LeaseTable, now: Int64) throws(LeaseTable.Refusal) in
            try table.register(request, owner: owner, now: now, since: since)
        }
        return RegistryAPI.Lease(lease_ms: min(max(request.ttl_ms, LeaseTable.ttlRange.lowerBound), LeaseTable.ttlRange.upperBound))
    }

    func heartbeat(_ request: RegistryAPI.InstanceRef, _ context: RequestContext) throws -> Empty {
        let owner = try owners.owner(of: request, context)
        let now = nowMilliseconds
        do throws(LeaseTable.Refusal) {
            try table.update { (table: inout LeaseTable) throws(LeaseTable.Refusal) in
                try table.heartbeat(instance: request.instance, owner: owner, now: now)
            }
        } catch {
            throw refusal(error, instance: request.instance, context)
        }
        return Empty()
    }

    func deregister(_ request: RegistryAPI.InstanceRef, _ context: RequestContext) async throws -> Empty {
        let owner = try owners.owner(of: request, context)
        try await change(context, instance: request.instance) { (table: inout LeaseTable, _: Int64) throws(LeaseTable.Refusal) in
            try table.deregister(instance: request.instance, owner: owner)
        }
        return Empty()
    }

    /// The error a caller gets for a refused lease change; refusals of another owner are logged.
    private func refusal(_ refusal: LeaseTable.Refusal, instance: String, _ context: RequestContext) -> RPCError {
        switch refusal {
        case .unknown:
            return RPCError(.notFound, "instance \(instance) tidak terdaftar: daftar ulang (register again)")
        case .heldByAnother:
            context.logger.warning("lease change refused: instance held by another caller",
                                   ["instance": .string(instance), "caller": .string(context.caller ?? "anonymous")])
            return RPCError(.permissionDenied, "instance \(instance) milik pemanggil lain (held by another caller)",
                            details: ["fields": .object(["instance": .string("milik pemanggil lain (held by another caller)")])])
        case .full:
            context.logger.warning("registration refused: registry full", ["instance": .string(instance), "caller": .string(context.caller ?? "anonymous")])
            return RPCError(.resourceExhausted, "registry penuh (registry full: \(LeaseTable.capacity) instances, \(LeaseTable.perOwnerCapacity) per caller)")
        case .endpointTaken(let endpoint):
            context.logger.warning("registration refused: endpoint served by another caller",
                                   ["instance": .string(instance), "endpoint": .string(endpoint), "caller": .string(context.caller ?? "anonymous")])
            return RPCError(.alreadyExists, "endpoint \(endpoint) dipakai instance lain (served by another instance)",
                            details: ["fields": .object(["rpc": .string("dipakai instance lain (in use by another instance)")])])
        }
    }

    /// Applies a change to the table and writes its events in the same write transaction, so the
    /// event order is the order of the changes.
    private func change(_ context: RequestContext? = nil, instance: String = "",
                        _ body: @escaping @Sendable (inout LeaseTable, Int64) throws(LeaseTable.Refusal) -> [LeaseTable.Change]) async throws {
        let now = nowMilliseconds
        let time = host.clock.now()
        let table = table, stream = host.configuration.stream
        let outcome = try await host.store.write { db -> LeaseTable.Refusal? in
            let changes: [LeaseTable.Change]
            do throws(LeaseTable.Refusal) {
                changes = try table.update { (table: inout LeaseTable) throws(LeaseTable.Refusal) in try body(&table, now) }
            } catch {
                return error
            }
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
            return nil
        }
        if let outcome, let context { throw refusal(outcome, instance: instance, context) }
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
        if let problem = LeaseOwners.problem(request.lease_token) { fields["lease_token"] = problem }
        if !fields.isEmpty { throw RPCError.invalid(fields) }
    }
}
