import Bus
import Foundation
import TestKit
import Support
import Testing

/// Deadlines and retry to a second instance when the first is killed: two echo instances
/// registered in a real `mpp-registry` process, called through the service client.
@Suite struct RetryTests {
    struct Echo: Codable, Sendable, Equatable { var text: String }

    static func startEcho(_ instance: String) async throws -> (RPCServer, String) {
        let methods = MethodTable()
        methods.on("echo.instance") { (_: Empty, _: RequestContext) in ["instance": instance] }
        methods.on("echo.say") { (body: Echo, _: RequestContext) in body }
        methods.on("echo.slow") { (_: Empty, _: RequestContext) -> Empty in
            try await Task.sleep(for: .seconds(10))
            return Empty()
        }
        let server = RPCServer(identity: ServiceIdentity(service: "echo", instance: instance, version: "test"), methods: methods,
                               logger: Logger(service: "echo", instance: instance, sink: .memory()))
        return (server, try await server.start(bind: "tcp://127.0.0.1:*"))
    }

    static func whoAnswers(_ client: ServiceClient, _ options: CallOptions) async throws -> (String, Duration) {
        let started = ContinuousClock.now
        let reply: [String: String] = try await client.call("echo.instance", Empty(), options: options)
        return (reply["instance"] ?? "?", ContinuousClock.now - started)
    }

    @Test func callsGoToTheSecondInstanceWhenTheFirstIsKilled() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rpc = RPCClient()
        let registry = try await RegistryProcess.start(folder: folder, client: rpc)
        defer { registry.child.kill() }

        let (first, firstEndpoint) = try await Self.startEcho("echo-1")
        let (second, secondEndpoint) = try await Self.startEcho("echo-2")
        for (name, endpoint) in [("echo-1", firstEndpoint), ("echo-2", secondEndpoint)] {
            let registration = RegistryAPI.Register(service: "echo", instance: name, rpc: endpoint, events: nil, version: "test", ttl_ms: 60_000)
            let outcome = try await rpc.send(to: registry.rpc, method: "registry.register", body: try JSON.encode(registration))
            #expect(!outcome.isError)
        }
        let directory = ServiceDirectory(registries: [registry.rpc], client: rpc, logger: Logger(service: "caller", sink: .memory()),
                                         refreshInterval: .milliseconds(200))
        let client = ServiceClient(rpc: rpc, directory: directory)
        // A short per-attempt timeout, yet not so short that a loaded CI machine misses a healthy reply.
        let options = CallOptions(timeout: .seconds(1), attempts: 3)

        // Both alive: calls are spread over both.
        var answered: Set<String> = []
        for _ in 0..<6 { answered.insert(try await Self.whoAnswers(client, options).0) }
        #expect(answered == ["echo-1", "echo-2"])

        // A per-call deadline: a slow handler costs the caller its timeout, not the handler's 10 s.
        let slowStart = ContinuousClock.now
        await #expect(throws: RPCError.self) {
            let _: Empty = try await client.call("echo.slow", Empty(), options: CallOptions(timeout: .milliseconds(300), attempts: 1))
        }
        #expect(ContinuousClock.now - slowStart < .seconds(5), "the caller waited its 300 ms, not the handler's 10 s")
        do {
            let _: Empty = try await client.call("echo.slow", Empty(), options: CallOptions(timeout: .milliseconds(200), attempts: 1))
            Issue.record("a 10 s handler answered within a 200 ms deadline")
        } catch let error as RPCError {
            #expect(error.code == .deadlineExceeded)
        }

        // The first instance dies without deregistering: the registry still lists it.
        await first.shutdown()
        let stillListed = try await rpc.send(to: registry.rpc, method: "registry.lookup", body: Array(#"{"service":"echo"}"#.utf8))
        #expect(try JSON.decode(RegistryAPI.Instances.self, from: stillListed.body).instances.count == 2)

        // Every call still succeeds, on the second instance (retried after one 1 s timeout; the
        // bound is loose only because CI runs every suite at once on two cores).
        var retried = 0
        for index in 0..<4 {
            let (instance, took) = try await Self.whoAnswers(client, options)
            #expect(instance == "echo-2", "call \(index)")
            #expect(took < .seconds(10), "call \(index) took \(took)")
            if took >= .seconds(1) { retried += 1 }
        }
        #expect(retried > 0, "some calls went to the dead instance first and were retried")
        let say: Echo = try await client.call("echo.say", Echo(text: "tetap jalan"), options: options)
        #expect(say == Echo(text: "tetap jalan"))

        // Without retry on timeout, a call that meets the dead instance fails with deadline_exceeded.
        let noRetry = CallOptions(timeout: .seconds(1), attempts: 3, retryOnTimeout: false)
        var codes: [ErrorCode] = []
        for _ in 0..<2 {  // round robin: one of two consecutive calls meets echo-1 first
            do { _ = try await Self.whoAnswers(client, noRetry) } catch let error as RPCError { codes.append(error.code) }
        }
        #expect(codes.contains(.deadlineExceeded))

        // Once the registry forgets it, the dead instance is no longer tried at all.
        _ = try await rpc.send(to: registry.rpc, method: "registry.deregister", body: Array(#"{"instance":"echo-1"}"#.utf8))
        try await Task.sleep(for: .milliseconds(300))
        let refreshed = await eventually {
            await directory.instances(of: "echo").map(\.instance) == ["echo-2"]  // stale: refreshes in the background
        }
        #expect(refreshed)
        for _ in 0..<4 { #expect(try await Self.whoAnswers(client, options).0 == "echo-2") }

        await second.shutdown()
        await rpc.shutdown()
    }

    @Test func drainingInstanceAnswersUnavailableAndTheCallMovesOn() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rpc = RPCClient()
        let registry = try await RegistryProcess.start(folder: folder, client: rpc)
        defer { registry.child.kill() }
        let (first, firstEndpoint) = try await Self.startEcho("echo-a")
        let (second, secondEndpoint) = try await Self.startEcho("echo-b")
        for (name, endpoint) in [("echo-a", firstEndpoint), ("echo-b", secondEndpoint)] {
            let registration = RegistryAPI.Register(service: "echo", instance: name, rpc: endpoint, events: nil, version: "test", ttl_ms: 60_000)
            _ = try await rpc.send(to: registry.rpc, method: "registry.register", body: try JSON.encode(registration))
        }
        let client = ServiceClient(rpc: rpc, directory: ServiceDirectory(registries: [registry.rpc], client: rpc,
                                                                         logger: Logger(service: "caller", sink: .memory())))
        await first.beginDraining()
        // `unavailable` is immediate: no timeout is paid, every call lands on echo-b.
        for _ in 0..<6 {
            let (instance, took) = try await Self.whoAnswers(client, CallOptions(timeout: .seconds(20)))
            #expect(instance == "echo-b")
            #expect(took < .seconds(10), "no 20 s timeout paid")
        }
        await first.shutdown()
        await second.shutdown()
        await rpc.shutdown()
    }
}
