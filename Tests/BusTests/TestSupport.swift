import Bus
import Foundation
import Support
import ZMQ

/// A logger that keeps its lines in memory.
func testLogger(_ service: String = "test") -> (Logger, LogSink) {
    let sink = LogSink.memory()
    return (Logger(service: service, instance: "\(service)-1", level: .debug, sink: sink), sink)
}

struct Echo: Codable, Sendable, Equatable {
    var text: String
    var n: Int?
}

/// Starts an echo server on an ephemeral loopback port.
func startEchoServer(loop: IOLoop = .shared, instance: String = "echo-1",
                     extra: (MethodTable) -> Void = { _ in }) async throws -> (RPCServer, String) {
    let methods = MethodTable()
    methods.on("echo.say") { (body: Echo, _: RequestContext) in body }
    methods.on("echo.instance") { (_: Empty, _: RequestContext) in ["instance": instance] }
    extra(methods)
    let (logger, _) = testLogger("echo")
    let server = RPCServer(loop: loop, identity: ServiceIdentity(service: "echo", instance: instance, version: "test"),
                           methods: methods, logger: logger)
    let endpoint = try await server.start(bind: "tcp://127.0.0.1:*")
    return (server, endpoint)
}
