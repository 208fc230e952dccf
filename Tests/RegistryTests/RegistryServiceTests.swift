import Bus
import Foundation
import Registry
import ServiceKit
import Store
import Support
import TestKit
import Testing

/// The registry served over real sockets in this process, with a real SQLite outbox.
@Suite struct RegistryServiceTests {
    /// Every event in the registry's outbox, via `events.read`.
    static func outbox(_ client: RPCClient, _ registry: RunningRegistry) async throws -> [EventsReadReply.Item] {
        let outcome = try await call(client, registry.rpc, "events.read", EventsReadRequest(after: 0, limit: 1_000))
        #expect(!outcome.isError)
        let reply = try EventsReadReply(bytes: outcome.body)
        #expect(reply.stream == "registry")
        return reply.events
    }

    static func data(_ item: EventsReadReply.Item) throws -> RegistryAPI.InstanceEvent {
        try item.event.decodeData(RegistryAPI.InstanceEvent.self)
    }

    @Test func registerLookupListHeartbeatDeregister() async throws {
        let registry = try await RunningRegistry.start()
        let client = RPCClient()

        let lease = try await call(client, registry.rpc, "registry.register", registration("echo-a", rpc: "tcp://127.0.0.1:5001",
                                                                                             events: "tcp://127.0.0.1:5002", ttl: 60_000))
        #expect(!lease.isError, "\(lease.error.map { "\($0)" } ?? "")")
        #expect(try JSON.decode(RegistryAPI.Lease.self, from: lease.body).lease_ms == 60_000)
        _ = try await call(client, registry.rpc, "registry.register", registration("echo-b", rpc: "tcp://127.0.0.1:5003"))
        _ = try await call(client, registry.rpc, "registry.register", registration("other-1", service: "other"))

        let lookup = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: "echo"))
        let found = try JSON.decode(RegistryAPI.Instances.self, from: lookup.body).instances
        #expect(found.map(\.instance).sorted() == ["echo-a", "echo-b"])
        let first = try #require(found.first { $0.instance == "echo-a" })
        #expect(first.rpc == "tcp://127.0.0.1:5001" && first.events == "tcp://127.0.0.1:5002" && first.version == "1.0")
        #expect(first.since.hasSuffix("Z") && first.since.count >= 20, "since is RFC 3339 UTC: \(first.since)")

        let none = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: "nobody"))
        #expect(try JSON.decode(RegistryAPI.Instances.self, from: none.body).instances.isEmpty)

        // The registry registers itself too, so `list` shows it among the others, by service then instance.
        let listed = try await eventually(timeout: .seconds(5)) {
            let list = try await call(client, registry.rpc, "registry.list", Empty())
            let names = try JSON.decode(RegistryAPI.Instances.self, from: list.body).instances.map(\.instance)
            return names == ["echo-a", "echo-b", "other-1", registry.host.configuration.instance]
        }
        #expect(listed)
        #expect(registry.service.instances.map(\.service) == ["echo", "echo", "other", "registry"])

        let beat = try await call(client, registry.rpc, "registry.heartbeat", RegistryAPI.InstanceRef(instance: "echo-a"))
        #expect(!beat.isError && beat.body == Array("{}".utf8))
        let unknown = try await call(client, registry.rpc, "registry.heartbeat", RegistryAPI.InstanceRef(instance: "ghost"))
        #expect(unknown.error?.code == .notFound)

        let gone = try await call(client, registry.rpc, "registry.deregister", RegistryAPI.InstanceRef(instance: "echo-a"))
        #expect(!gone.isError)
        let again = try await call(client, registry.rpc, "registry.deregister", RegistryAPI.InstanceRef(instance: "echo-a"))
        #expect(!again.isError, "deregistering an unknown instance is not an error")
        let after = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: "echo"))
        #expect(try JSON.decode(RegistryAPI.Instances.self, from: after.body).instances.map(\.instance) == ["echo-b"])
        let late = try await call(client, registry.rpc, "registry.heartbeat", RegistryAPI.InstanceRef(instance: "echo-a"))
        #expect(late.error?.code == .notFound, "a deregistered instance must register again")

        // Every change is an event, in order: up ×3 (+ the registry's own), then down (deregistered).
        let events = try await Self.outbox(client, registry)
        #expect(events.map(\.seq) == Array(1...Int64(events.count)))
        let echoA = try events.filter { try Self.data($0).instance == "echo-a" }
        #expect(echoA.map(\.topic) == ["registry.instance_up", "registry.instance_down"])
        #expect(try echoA.map { try Self.data($0).reason } == [nil, "deregistered"])
        #expect(echoA.allSatisfy { $0.event.type == $0.topic && $0.event.subject == "echo-a" && $0.event.specversion == "1.0" })
        let up = try #require(echoA.first)
        #expect(try Self.data(up) == RegistryAPI.InstanceEvent(service: "echo", instance: "echo-a", rpc: "tcp://127.0.0.1:5001",
                                                                  events: "tcp://127.0.0.1:5002", version: "1.0", reason: nil))

        await client.shutdown()
        await registry.stop()
    }

    @Test func changedRegistrationPublishesReplacedAndUp() async throws {
        let registry = try await RunningRegistry.start()
        let client = RPCClient()
        _ = try await call(client, registry.rpc, "registry.register", registration("echo-r", rpc: "tcp://127.0.0.1:6001"))
        let same = try await call(client, registry.rpc, "registry.register", registration("echo-r", rpc: "tcp://127.0.0.1:6001"))
        #expect(!same.isError)
        _ = try await call(client, registry.rpc, "registry.register", registration("echo-r", rpc: "tcp://127.0.0.1:6009"))
        let events = try await Self.outbox(client, registry).filter { try Self.data($0).instance == "echo-r" }
        #expect(events.map(\.topic) == ["registry.instance_up", "registry.instance_down", "registry.instance_up"])
        #expect(try events.map { try Self.data($0).reason } == [nil, "replaced", nil])
        #expect(try events.map { try Self.data($0).rpc } == ["tcp://127.0.0.1:6001", "tcp://127.0.0.1:6001", "tcp://127.0.0.1:6009"])
        let lookup = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: "echo"))
        #expect(try JSON.decode(RegistryAPI.Instances.self, from: lookup.body).instances.map(\.rpc) == ["tcp://127.0.0.1:6009"])
        await client.shutdown()
        await registry.stop()
    }

    @Test func invalidRegistrationNamesEveryBadField() async throws {
        let registry = try await RunningRegistry.start()
        let client = RPCClient()

        let bad = try await call(client, registry.rpc, "registry.register", json: """
            {"service": "", "instance": "has space", "rpc": "http://127.0.0.1:1", "events": "127.0.0.1:2",
             "version": "", "ttl_ms": 10, "public_key": "too-short"}
            """)
        #expect(bad.error?.code == .invalidArgument)
        #expect(Set(bad.error?.fields.keys ?? [:].keys) == ["service", "instance", "rpc", "events", "version", "ttl_ms", "public_key"])

        let tooLong = try await call(client, registry.rpc, "registry.register",
                                     registration("x", ttl: LeaseTable.ttlRange.upperBound + 1))
        #expect(tooLong.error?.fields.keys.sorted() == ["ttl_ms"])
        let longName = try await call(client, registry.rpc, "registry.register", registration(String(repeating: "n", count: 129)))
        #expect(longName.error?.fields.keys.sorted() == ["instance"])

        let missing = try await call(client, registry.rpc, "registry.register", json: #"{"service": "echo"}"#)
        #expect(missing.error?.code == .invalidArgument)
        #expect(missing.error?.fields.isEmpty == false, "names a missing field: \(missing.error.map { "\($0)" } ?? "")")

        let wrongType = try await call(client, registry.rpc, "registry.register", json: """
            {"service": "echo", "instance": "e", "rpc": "tcp://127.0.0.1:1", "version": "1", "ttl_ms": "soon"}
            """)
        #expect(wrongType.error?.fields["ttl_ms"] != nil)

        let notJSON = try await call(client, registry.rpc, "registry.register", json: "{nope")
        #expect(notJSON.error?.fields["body"] != nil)

        let emptyLookup = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: ""))
        #expect(emptyLookup.error?.fields.keys.sorted() == ["service"])

        let unknownMethod = try await call(client, registry.rpc, "registry.frobnicate", Empty())
        #expect(unknownMethod.error?.code == .unimplemented)

        // Nothing invalid got in, and nothing was published for it.
        #expect(registry.service.instances.allSatisfy { $0.service == "registry" })
        #expect(try await Self.outbox(client, registry).allSatisfy { try Self.data($0).service == "registry" })
        await client.shutdown()
        await registry.stop()
    }

    /// PROTOCOL §4 / issue 2: the registry expires a silent instance and publishes instance_down.
    @Test func silentInstanceExpiresAndInstanceDownIsPublished() async throws {
        let registry = try await RunningRegistry.start(sweep: .milliseconds(50))
        let client = RPCClient()

        // A durable subscriber (its own SQLite store) follows the registry's events endpoint.
        let folder = temporaryFolder("mpp-registry-subscriber")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(path: folder + "/consumer.db", migrations: [])
        let seen = Mutexed<[DeliveredEvent]>([])
        let subscriber = EventSubscriber(consumer: "registry-watcher", store: store, client: client, topics: ["registry."],
                                         logger: Logger(service: "watcher", sink: .memory())) { _, event in
            seen.update { $0.append(event) }
        }
        try await subscriber.start()
        try await subscriber.follow(EventSource(events: registry.events, rpc: registry.rpc))

        // A living instance keeps its 3 s lease alive through its directory's heartbeats (every second).
        let directory = ServiceDirectory(registries: [registry.rpc], client: client, logger: Logger(service: "alive", sink: .memory()))
        await directory.register(registration("alive-1", service: "alive", ttl: 3_000))

        let registered = ContinuousClock.now
        let lease = try await call(client, registry.rpc, "registry.register", registration("silent-1", service: "silent", ttl: 500))
        #expect(try JSON.decode(RegistryAPI.Lease.self, from: lease.body).lease_ms == 500)

        // It never heartbeats: gone after 500 ms (the sweep runs every 50 ms), not before.
        let expired = await eventually(timeout: .seconds(10)) {
            !registry.service.instances.contains { $0.instance == "silent-1" }
        }
        let silentFor = ContinuousClock.now - registered
        #expect(expired)
        #expect(silentFor >= .milliseconds(500), "expired after \(silentFor), before its 500 ms lease ran out")
        #expect(silentFor < .seconds(8), "expired only after \(silentFor)")

        // The subscriber receives registry.instance_down with reason "expired".
        let delivered = await eventually(timeout: .seconds(10)) {
            seen.get().contains { $0.topic == "registry.instance_down" && $0.event.subject == "silent-1" }
        }
        #expect(delivered)
        let silentEvents = try seen.get().filter { try $0.event.decodeData(RegistryAPI.InstanceEvent.self).instance == "silent-1" }
        #expect(silentEvents.map(\.topic) == ["registry.instance_up", "registry.instance_down"])
        #expect(try silentEvents.last?.event.decodeData(RegistryAPI.InstanceEvent.self).reason == "expired")
        #expect(silentEvents.allSatisfy { $0.stream == "registry" })
        let last = try #require(silentEvents.last?.seq)
        #expect(try await eventually(timeout: .seconds(5)) { try await subscriber.cursor("registry") >= last }, "the durable cursor moved past it")

        // events.read has it too, durably in the outbox.
        let outbox = try await Self.outbox(client, registry).filter { try Self.data($0).instance == "silent-1" }
        #expect(try outbox.map { try Self.data($0).reason } == [nil, "expired"])

        // It must register again: its late heartbeat gets not_found, lookups no longer list it.
        let late = try await call(client, registry.rpc, "registry.heartbeat", RegistryAPI.InstanceRef(instance: "silent-1"))
        #expect(late.error?.code == .notFound)
        let lookup = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: "silent"))
        #expect(try JSON.decode(RegistryAPI.Instances.self, from: lookup.body).instances.isEmpty)

        // Meanwhile the heartbeating instance outlived its own lease. (LeaseTableTests prove renewal
        // exactly; here, should a starved CI machine delay its heartbeats past 3 s, its directory
        // registers it again, so the check is only that it is registered at the end.)
        try await Task.sleep(until: registered + .milliseconds(3_500), clock: .continuous)
        #expect(await eventually(timeout: .seconds(5)) { registry.service.instances.contains { $0.instance == "alive-1" } })

        await directory.deregister()
        #expect(await eventually(timeout: .seconds(5)) { !registry.service.instances.contains { $0.instance == "alive-1" } })
        await subscriber.stop()
        store.close()
        await client.shutdown()
        await registry.stop()
    }

    @Test func healthAndGracefulShutdownDeregistersItself() async throws {
        let registry = try await RunningRegistry.start()
        let client = RPCClient()
        let health = try await call(client, registry.rpc, "sys.health", Empty())
        let decoded = try JSON.decode(Health.self, from: health.body)
        #expect(decoded.service == "registry" && decoded.status == "serving" && decoded.instance == registry.host.configuration.instance)
        #expect(await eventually(timeout: .seconds(5)) { registry.service.instances.contains { $0.service == "registry" } })

        await registry.host.shutdown()
        // Its own deregistration went into the outbox before the store closed.
        let store = try Store(path: registry.folder + "/registry.db", migrations: [])
        let topics = try await store.read { db in try Outbox.read(db, after: 0, limit: 100).map(\.topic) }
        #expect(topics == ["registry.instance_up", "registry.instance_down"])
        store.close()
        // And it no longer answers.
        await #expect(throws: RPCError.self) {
            _ = try await call(client, registry.rpc, "sys.health", Empty(), timeout: .milliseconds(300)).body
        }
        await client.shutdown()
        await registry.stop()
    }
}
