import Bus
import Foundation
import Support
import Testing

/// Issue 14 finding 6: a method's roles are declared when it is registered and checked from the
/// token before the body is decoded, so a caller outside them never hears about the body.
@Suite struct MethodRolesTests {
    /// Reads the role straight from the token (`"ops"`): enough to see when the check runs.
    static let check: RoleCheck = { context, roles in
        guard let role = context.token else { throw RPCError(.unauthenticated, "no token") }
        guard roles.contains(role) else { throw RPCError(.permissionDenied, "\(role) may not") }
    }

    private func serve(_ methods: MethodTable) async throws -> (RPCServer, String) {
        let (logger, _) = testLogger("roles")
        let server = RPCServer(identity: ServiceIdentity(service: "roles", instance: "roles-1", version: "test"), methods: methods, logger: logger)
        return (server, try await server.start(bind: "tcp://127.0.0.1:*"))
    }

    private func code(_ client: RPCClient, _ endpoint: String, _ method: String, _ body: String, token: String?) async throws -> ErrorCode? {
        try await client.send(to: endpoint, method: method, metadata: RequestMetadata(token: token), body: Array(body.utf8)).error?.code
    }

    @Test func theRoleIsCheckedBeforeTheBodyIsRead() async throws {
        let calls = Mutexed(0)
        let methods = MethodTable(roleCheck: Self.check)
        methods.on("admin.set", .command, allowing: ["ops"]) { (body: Echo, _: RequestContext) in
            calls.update { $0 += 1 }
            return body
        }
        methods.inline("admin.peek", allowing: ["ops", "ministry"]) { (body: Echo, _: RequestContext) in body }
        methods.on("open.say") { (body: Echo, _: RequestContext) in body }
        let (server, endpoint) = try await serve(methods)
        let client = RPCClient()

        for method in ["admin.set", "admin.peek"] {
            #expect(try await code(client, endpoint, method, "{}", token: nil) == .unauthenticated, "\(method)")
            for body in ["{}", "not json", #"{"text": 5}"#, #"{"text": "hi"}"#] {
                #expect(try await code(client, endpoint, method, body, token: "citizen") == .permissionDenied, "\(method) \(body)")
            }
            #expect(try await code(client, endpoint, method, "{}", token: "ops") == .invalidArgument, "past the role, the body counts")
            #expect(try await code(client, endpoint, method, #"{"text": "hi"}"#, token: "ops") == nil)
        }
        #expect(try await code(client, endpoint, "admin.peek", #"{"text": "hi"}"#, token: "ministry") == nil)
        #expect(calls.get() == 1, "only the allowed, well-formed call reached the handler")
        #expect(try await code(client, endpoint, "open.say", "{}", token: nil) == .invalidArgument, "open methods decode at once")
        #expect(methods.roles(of: "admin.peek") == ["ops", "ministry"] && methods.roles(of: "open.say") == nil)

        await client.shutdown()
        await server.shutdown()
    }

    @Test func withoutARoleCheckARestrictedMethodRefusesEveryone() async throws {
        let methods = MethodTable()
        methods.on("admin.set", allowing: ["ops"]) { (body: Echo, _: RequestContext) in body }
        let (server, endpoint) = try await serve(methods)
        let client = RPCClient()
        #expect(try await code(client, endpoint, "admin.set", #"{"text": "hi"}"#, token: "ops") == .permissionDenied)
        await client.shutdown()
        await server.shutdown()
    }
}
