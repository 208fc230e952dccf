import Bus
import Foundation
import Registry
import ServiceKit
import Support
#if canImport(Glibc)
import Glibc
#endif

/// A free loopback TCP port: bound to port 0 by the kernel, then released for the caller to use.
func freePort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(descriptor >= 0, "socket() failed")
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    precondition(bound, "bind() to an ephemeral port failed")
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A fresh temp folder for one test.
func temporaryFolder(_ prefix: String = "mpp-registry-test") -> String {
    let path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A registry running in this process on its own ports and data folder, registered with itself.
struct RunningRegistry: Sendable {
    let host: ServiceHost
    let service: RegistryService
    let rpc: String
    let events: String
    let folder: String
    let logs: LogSink

    /// Starts a registry on free ports (retrying with new ports if one was taken meanwhile).
    static func start(sweep: Duration = .milliseconds(50), leaseMilliseconds: Int = 5_000) async throws -> RunningRegistry {
        var lastError: any Error = RPCError(.internal, "not started")
        for _ in 0..<5 {
            let folder = temporaryFolder()
            let rpcPort = freePort(), eventsPort = freePort()
            guard rpcPort != eventsPort else { continue }
            let configuration = try ServiceConfiguration.fromEnvironment(
                service: RegistryService.name, defaultRPCPort: RegistryService.defaultRPCPort,
                defaultEventsPort: RegistryService.defaultEventsPort,
                environment: Environment([
                    "MPP_DATA": folder, "MPP_RPC_PORT": "\(rpcPort)", "MPP_EVENTS_PORT": "\(eventsPort)",
                    "MPP_REGISTRY": "tcp://127.0.0.1:\(rpcPort)", "MPP_LOG_LEVEL": "debug",
                    "MPP_INSTANCE": "registry-test-\(rpcPort)", "MPP_LEASE_MS": "\(leaseMilliseconds)",
                    "MPP_DRAIN_SECONDS": "1",
                ]))
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

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(5), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
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
