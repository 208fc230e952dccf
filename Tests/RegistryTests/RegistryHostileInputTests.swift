import Bus
import Foundation
import Registry
import Support
import Testing

/// Issue 14 finding 7: names and endpoints are printable ASCII of bounded length; a NUL or any
/// other control character is refused, naming the field.
@Suite struct RegistryHostileInputTests {
    @Test func controlCharactersAndOverlongFieldsAreRefused() async throws {
        let registry = try await RunningRegistry.start()
        let client = RPCClient()
        let long = String(repeating: "x", count: 300)
        let cases: [(RegistryAPI.Register, String)] = [
            (registration("echo-a", service: "iden\u{0}tity"), "service"),
            (registration("echo\u{0}-a"), "instance"),
            (registration("echo-\u{7}a"), "instance"),
            (registration("echo-\u{7F}a"), "instance"),
            (registration("echo-a", rpc: "tcp://127.0.0.1:1\u{0}"), "rpc"),
            (registration("echo-a", rpc: "tcp://" + long), "rpc"),
            (registration("echo-a", events: "tcp://127.0.0.1:2\u{0}"), "events"),
            (registration("echo-a", version: "1.0\u{0}"), "version"),
            (registration("echo-a", version: long), "version"),
        ]
        for (request, field) in cases {
            let outcome = try await call(client, registry.rpc, "registry.register", request)
            #expect(outcome.error?.code == .invalidArgument && outcome.error?.fields[field] != nil, "\(field): \(String(describing: outcome.error))")
        }
        let lookup = try await call(client, registry.rpc, "registry.lookup", RegistryAPI.Lookup(service: "iden\u{0}tity"))
        #expect(lookup.error?.fields["service"] != nil)
        #expect(registry.service.instances.allSatisfy { $0.service == "registry" }, "nothing got in")
        await client.shutdown()
        await registry.stop()
    }
}
