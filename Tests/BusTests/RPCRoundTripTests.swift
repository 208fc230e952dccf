import Bus
import Foundation
import Support
import Testing
import ZMQ

@Suite struct RPCRoundTripTests {
    @Test func echoRoundTrip() async throws {
        let (server, endpoint) = try await startEchoServer()
        let client = RPCClient()
        let outcome = try await client.send(to: endpoint, method: "echo.say", body: try JSON.encode(Echo(text: "halo", n: 7)))
        #expect(!outcome.isError)
        #expect(try JSON.decode(Echo.self, from: outcome.body) == Echo(text: "halo", n: 7))
        await client.shutdown()
        await server.shutdown()
    }

    @Test func healthAndUnknownMethod() async throws {
        let (server, endpoint) = try await startEchoServer()
        let client = RPCClient()
        let health = try await client.send(to: endpoint, method: "sys.health", body: [])
        let decoded = try JSON.decode(Health.self, from: health.body)
        #expect(decoded.service == "echo" && decoded.status == "serving")
        let unknown = try await client.send(to: endpoint, method: "echo.nope", body: Array("{}".utf8))
        #expect(unknown.error?.code == .unimplemented)
        await client.shutdown()
        await server.shutdown()
    }

    @Test func badBodyNamesTheField() async throws {
        let (server, endpoint) = try await startEchoServer()
        let client = RPCClient()
        let missing = try await client.send(to: endpoint, method: "echo.say", body: Array(#"{"n": 1}"#.utf8))
        #expect(missing.error?.code == .invalidArgument)
        #expect(missing.error?.fields["text"] != nil)
        let wrongType = try await client.send(to: endpoint, method: "echo.say", body: Array(#"{"text": 5}"#.utf8))
        #expect(wrongType.error?.fields["text"] != nil)
        let garbage = try await client.send(to: endpoint, method: "echo.say", body: Array("not json".utf8))
        #expect(garbage.error?.fields["body"] != nil)
        await client.shutdown()
        await server.shutdown()
    }

    @Test func pipelinedRequestsAllAnswered() async throws {
        let (server, endpoint) = try await startEchoServer()
        let client = RPCClient()
        let replies = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<2_000 {
                group.addTask {
                    let outcome = try await client.send(to: endpoint, method: "echo.say",
                                                        body: try JSON.encode(Echo(text: "x", n: index)))
                    return try JSON.decode(Echo.self, from: outcome.body).n ?? -1
                }
            }
            var seen = Set<Int>()
            for try await n in group { seen.insert(n) }
            return seen
        }
        #expect(replies == Set(0..<2_000))
        await client.shutdown()
        await server.shutdown()
    }

    @Test func deadlineExceededWhenNobodyAnswers() async throws {
        let client = RPCClient()
        let started = Date()
        await #expect(throws: RPCError.self) {
            _ = try await client.send(to: "tcp://127.0.0.1:1", method: "echo.say", body: [], timeout: .milliseconds(200))
        }
        #expect(Date().timeIntervalSince(started) < 10, "a dead endpoint fails by its deadline, not never")
        await client.shutdown()
    }
}
