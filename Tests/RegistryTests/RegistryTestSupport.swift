import Bus
import Foundation
import Registry
import ServiceKit
import Support
import TestKit

/// A registry running in this process on its own ports and data folder, registered with itself.
struct RunningRegistry: Sendable {
    let host: ServiceHost
    let service: RegistryService
    let rpc: String
    let events: String
    let folder: String
    let logs: LogSink

    /// Starts a registry on free ports (retrying with new ports if one was taken meanwhile).
    static func start(sweep: Duration = .milliseconds(50), leaseMilliseconds: Int = 5_000,
                      extra: [String: String] = [:]) async throws -> RunningRegistry {
        var lastError: any Error = RPCError(.internal, "not started")
        for _ in 0..<5 {
            let folder = temporaryFolder()
            let rpcPort = freePort(), eventsPort = freePort()
            guard rpcPort != eventsPort else { continue }
            let configuration = try ServiceConfiguration.fromEnvironment(
                service: RegistryService.name, defaultRPCPort: RegistryService.defaultRPCPort,
                defaultEventsPort: RegistryService.defaultEventsPort,
                environment: Environment(serviceEnvironment(folder, registry: "tcp://127.0.0.1:\(rpcPort)", [
                    "MPP_RPC_PORT": "\(rpcPort)", "MPP_EVENTS_PORT": "\(eventsPort)", "MPP_INSTANCE": "registry-test-\(rpcPort)",
                    "MPP_LEASE_MS": "\(leaseMilliseconds)",
                ].merging(extra) { $1 })))
            let logs = LogSink.memory()
            let host = try await ServiceHost(configuration: configuration, migrations: [], publishesEvents: true, logSink: logs)
            let service = RegistryService(host: host, sweepInterval: sweep)
            do {
                try await service.start()
                let endpoints = try require_(host.boundEndpoints, "bound endpoints")
                return RunningRegistry(host: host, service: service, rpc: endpoints.rpc, events: endpoints.events ?? "",
                                       folder: folder, logs: logs)
            } catch {
                lastError = error
                await host.shutdown()
            }
        }
        throw lastError
    }

    func stop() async {
        await host.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// `#require` outside a test function.
func require_<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw RPCError(.internal, "\(what) missing") }
    return value
}

/// Calls one method on an endpoint with a typed body; returns the outcome (errors included).
/// The generous default timeout keeps the tests honest on a loaded 2-core CI machine running every suite at once.
func call<Body: Encodable>(_ client: RPCClient, _ endpoint: String, _ method: String, _ body: Body,
                           timeout: Duration = .seconds(10)) async throws -> Outcome {
    try await client.send(to: endpoint, method: method, body: try JSON.encode(body), timeout: timeout)
}

/// Calls one method with a raw JSON text body.
func call(_ client: RPCClient, _ endpoint: String, _ method: String, json: String,
          timeout: Duration = .seconds(10)) async throws -> Outcome {
    try await client.send(to: endpoint, method: method, body: Array(json.utf8), timeout: timeout)
}

/// A registration for a fake instance.
func registration(_ instance: String, service: String = "echo", rpc: String = "tcp://127.0.0.1:1",
                  events: String? = nil, version: String = "1.0", ttl: Int = 60_000) -> RegistryAPI.Register {
    RegistryAPI.Register(service: service, instance: instance, rpc: rpc, events: events, version: version, ttl_ms: ttl)
}

struct Echo: Codable, Sendable, Equatable {
    var text: String
}

/// An echo server on an ephemeral loopback port: `echo.say` returns its body, `echo.instance` its name.
func startEchoServer(instance: String) async throws -> (RPCServer, String) {
    let methods = MethodTable()
    methods.on("echo.say") { (body: Echo, _: RequestContext) in body }
    methods.on("echo.instance") { (_: Empty, _: RequestContext) in ["instance": instance] }
    let server = RPCServer(identity: ServiceIdentity(service: "echo", instance: instance, version: "test"),
                           methods: methods, logger: Logger(service: "echo", instance: instance, sink: .memory()))
    return (server, try await server.start(bind: "tcp://127.0.0.1:*"))
}
