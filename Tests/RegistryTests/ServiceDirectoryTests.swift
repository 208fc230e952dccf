import Bus
import Foundation
import Registry
import ServiceKit
import Support
import TestKit
import Testing

/// The client side of discovery against real registries: two registries, no single point of failure.
@Suite struct ServiceDirectoryTests {
    static func lookup(_ client: RPCClient, _ registry: RunningRegistry, _ service: String) async throws -> [RegistryAPI.Instance] {
        let outcome = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: service), timeout: .seconds(5))
        return try JSON.decode(RegistryAPI.Instances.self, from: outcome.body).instances
    }

    @Test func registersWithBothRegistriesAndKeepsWorkingFromCacheWhenBothAreDown() async throws {
        let first = try await RunningRegistry.start()
        let second = try await RunningRegistry.start()
        let (echo, echoEndpoint) = try await startEchoServer(instance: "echo-dual")
        let client = RPCClient()
        let logger = Logger(service: "test", sink: .memory())

        // The echo instance registers with both registries.
        let own = ServiceDirectory(registries: [first.rpc, second.rpc], client: client, logger: logger)
        await own.register(registration("echo-dual", rpc: echoEndpoint, ttl: 5_000))
        let inBoth = try await eventually(timeout: .seconds(5)) {
            let a = try await Self.lookup(client, first, "echo").map(\.instance)
            let b = try await Self.lookup(client, second, "echo").map(\.instance)
            return a == ["echo-dual"] && b == ["echo-dual"]
        }
        #expect(inBoth, "registered with both registries")

        // A caller looks it up and calls it.
        let callerDirectory = ServiceDirectory(registries: [first.rpc, second.rpc], client: client, logger: logger,
                                               refreshInterval: .milliseconds(100))
        let caller = ServiceClient(rpc: client, directory: callerDirectory)
        #expect(await eventually(timeout: .seconds(5)) { await callerDirectory.instances(of: "echo").map(\.rpc) == [echoEndpoint] })
        let reply: Echo = try await caller.call("echo.say", Echo(text: "sebelum"), options: CallOptions(timeout: .seconds(5)))
        #expect(reply == Echo(text: "sebelum"))
        #expect(try await eventually(timeout: .seconds(10)) { try await callerDirectory.list().contains { $0.instance == "echo-dual" } })

        // One registry down: a fresh caller still finds the instance through the other.
        await first.stop()
        let fresh = ServiceDirectory(registries: [first.rpc, second.rpc], client: client, logger: logger)
        #expect(await fresh.instances(of: "echo").map(\.instance) == ["echo-dual"])

        // Both down: the caller's cache keeps serving, through several refresh intervals.
        await second.stop()
        for registry in [first.rpc, second.rpc] {
            await #expect(throws: RPCError.self) {
                _ = try await client.send(to: registry, method: "sys.health", body: Array("{}".utf8), timeout: .milliseconds(300))
            }
        }
        for round in 0..<3 {
            try await Task.sleep(for: .milliseconds(150))
            #expect(await callerDirectory.instances(of: "echo").map(\.rpc) == [echoEndpoint], "round \(round)")
            let reply: Echo = try await caller.call("echo.say", Echo(text: "tanpa registry \(round)"),
                                                    options: CallOptions(timeout: .seconds(5)))
            #expect(reply == Echo(text: "tanpa registry \(round)"))
        }

        await own.deregister()
        await echo.shutdown()
        await client.shutdown()
    }

    @Test func reRegistersAfterTheRegistryForgetsIt() async throws {
        let registry = try await RunningRegistry.start()
        let client = RPCClient()
        let own = ServiceDirectory(registries: [registry.rpc], client: client, logger: Logger(service: "test", sink: .memory()))
        var echoBack = registration("echo-back", ttl: 1_500)
        echoBack.lease_token = "echo-back-lease-token"
        await own.register(echoBack)
        #expect(await eventually(timeout: .seconds(5)) { registry.service.instances.contains { $0.instance == "echo-back" } })

        // The registry loses the lease (as after its restart): the next heartbeat gets not_found
        // and the directory registers again.
        let forgotten = try await call(client, registry.rpc, "registry.deregister",
                                       RegistryAPI.InstanceRef(instance: "echo-back", lease_token: "echo-back-lease-token"))
        #expect(!forgotten.isError)
        let back = await eventually(timeout: .seconds(10)) {
            guard let outcome = try? await call(client, registry.rpc, "events.read", EventsReadRequest(after: 0, limit: 1_000)),
                  let events = try? EventsReadReply(bytes: outcome.body) else { return false }
            let reasons = events.events.filter { $0.event.subject == "echo-back" }
                .map { $0.topic == "registry.instance_up" ? "up" : (try? $0.event.decodeData(RegistryAPI.InstanceEvent.self).reason) ?? "down" }
            // up, down (deregistered), up again: its heartbeat got not_found and it registered anew.
            return reasons.starts(with: ["up", "deregistered", "up"])
        }
        #expect(back)
        #expect(await eventually(timeout: .seconds(5)) { registry.service.instances.contains { $0.instance == "echo-back" } })

        // Graceful shutdown removes it at once.
        await own.deregister()
        #expect(!registry.service.instances.contains { $0.instance == "echo-back" })
        await client.shutdown()
        await registry.stop()
    }
}
