import Bus
import Foundation
import Support
import Testing
import ZMQ

/// Where requests run and how they travel: inline answers on the server's I/O loop, callers that
/// live on their client's loop, and pipelines of many requests from one caller.
@Suite struct RPCPathTests {
    @Test func inlineHandlersAnswerOnTheServersLoop() async throws {
        let serverLoop = try IOLoop(name: "test-inline-io")
        let onLoop = Mutexed<[String: Bool]>([:])
        let (server, endpoint) = try await startEchoServer(loop: serverLoop) { methods in
            methods.registerInline("echo.sync") { _, body in
                onLoop.update { $0["sync"] = serverLoop.isCurrent }
                return Outcome(body: body)
            }
            methods.inline("echo.typed") { (body: Echo, _: RequestContext) in
                onLoop.update { $0["typed"] = serverLoop.isCurrent }
                return body
            }
            methods.register("echo.async", .inlineQuery) { _, body in
                onLoop.update { $0["async"] = serverLoop.isCurrent }
                return Outcome(body: body)
            }
            methods.register("echo.pooled") { _, body in
                onLoop.update { $0["pooled"] = serverLoop.isCurrent }
                return Outcome(body: body)
            }
            methods.registerInline("echo.fails") { _, _ in throw RPCError(.notFound, "tidak ada") }
        }
        let client = RPCClient()
        for method in ["echo.sync", "echo.typed", "echo.async", "echo.pooled"] {
            let outcome = try await client.send(to: endpoint, method: method, body: try JSON.encode(Echo(text: method)))
            #expect(try JSON.decode(Echo.self, from: outcome.body) == Echo(text: method))
        }
        #expect(onLoop.get() == ["sync": true, "typed": true, "async": true, "pooled": false])
        let failed = try await client.send(to: endpoint, method: "echo.fails", body: Envelope.emptyObject)
        #expect(failed.error?.code == .notFound)
        let badBody = try await client.send(to: endpoint, method: "echo.typed", body: Array(#"{"n":1}"#.utf8))
        #expect(badBody.error?.fields["text"] != nil, "typed inline handlers name bad fields like the others")
        await client.shutdown()
        await server.shutdown()
        serverLoop.stop()
    }

    @Test func callerPreferringTheClientLoopIsResumedThere() async throws {
        let (server, endpoint) = try await startEchoServer()
        let clientLoop = try IOLoop(name: "test-caller-io")
        let client = RPCClient(loop: clientLoop)
        let resumedOnLoop = try await withTaskExecutorPreference(clientLoop) {
            var everyTime = true
            for index in 0..<50 {
                let outcome = try await client.send(to: endpoint, method: "echo.say", body: try JSON.encode(Echo(text: "x", n: index)))
                let echoed = try JSON.decode(Echo.self, from: outcome.body).n
                everyTime = everyTime && clientLoop.isCurrent && echoed == index
            }
            return everyTime
        }
        #expect(resumedOnLoop)
        await client.shutdown()
        await server.shutdown()
        clientLoop.stop()
    }

    @Test func pipelineReturnsEveryResultInOrder() async throws {
        let (server, endpoint) = try await startEchoServer()
        let client = RPCClient()
        let requests = (0..<1_000).map { index in
            PipelinedRequest(method: index % 100 == 99 ? "echo.nope" : "echo.say", body: try! JSON.encode(Echo(text: "p", n: index)))
        }
        for window in [1, 7, 200, 5_000] {
            let results = await client.pipeline(to: endpoint, requests, window: window)
            #expect(results.count == 1_000)
            for (index, result) in results.enumerated() {
                let outcome = try result.get()
                if index % 100 == 99 {
                    #expect(outcome.error?.code == .unimplemented)
                } else {
                    #expect(try JSON.decode(Echo.self, from: outcome.body).n == index)
                }
            }
        }
        #expect(await client.pipeline(to: endpoint, []).isEmpty)
        #expect(await client.inFlight == 0)
        await client.shutdown()
        await server.shutdown()
    }

    @Test func pipelineToNobodyFailsEachRequestByItsDeadline() async throws {
        let client = RPCClient()
        let requests = Array(repeating: PipelinedRequest(method: "echo.say", body: Envelope.emptyObject), count: 20)
        let started = Date()
        let results = await client.pipeline(to: "tcp://127.0.0.1:1", requests, window: 5, timeout: .milliseconds(100))
        #expect(results.count == 20)
        #expect(results.allSatisfy { if case .failure(let error) = $0 { error.code == .deadlineExceeded } else { false } })
        #expect(Date().timeIntervalSince(started) < 10)
        await client.shutdown()
        let afterShutdown = await client.pipeline(to: "tcp://127.0.0.1:1", requests)
        #expect(afterShutdown.allSatisfy { if case .failure(let error) = $0 { error.code == .unavailable } else { false } },
                "a closed client fails every request at once, without waiting")
    }

    @Test func shutdownFailsAPipelineInFlight() async throws {
        let client = RPCClient()
        let requests = Array(repeating: PipelinedRequest(method: "echo.say", body: Envelope.emptyObject), count: 10)
        async let results = client.pipeline(to: "tcp://127.0.0.1:1", requests, window: 3, timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(100))
        await client.shutdown()
        let finished = await results
        #expect(finished.count == 10)
        #expect(finished.allSatisfy { if case .failure(let error) = $0 { error.code == .unavailable } else { false } })
    }

    @Test func metadataRoundTripsThroughItsHandWrittenCodec() throws {
        let full = RequestMetadata(token: "v1.\"quoted\"\\n", idempotencyKey: "kunci-é", deadlineMilliseconds: 2_500, traceID: "abc")
        #expect(RequestMetadata(parsing: full.encoded()) == full)
        #expect(String(decoding: RequestMetadata(traceID: "t").encoded(), as: UTF8.self) == #"{"trace_id":"t"}"#)
        #expect(String(decoding: RequestMetadata().encoded(), as: UTF8.self) == "{}")
        let decoded = try JSONParser.parse(full.encoded())
        #expect(decoded == ["token": "v1.\"quoted\"\\n", "idempotency_key": "kunci-é", "deadline_ms": 2_500, "trace_id": "abc"])
        let extra = RequestMetadata(parsing: Array(#"{"trace_id":null,"future":{"x":[1]},"deadline_ms":10}"#.utf8))
        #expect(extra == RequestMetadata(deadlineMilliseconds: 10), "unknown keys are ignored, null is absent")
    }

    @Test(arguments: [
        #"{}"#, #"{"trace_id":"abc"}"#, #"{"deadline_ms":0,"trace_id":"t","token":"v1.x.y","idempotency_key":"k-1"}"#,
        #"{"deadline_ms":86400000}"#, #"{"trace_id":"a","trace_id":"b"}"#,
        // Not the simple form: the full parser decides.
        #" { "trace_id" : "spaced" } "#, #"{"trace_id":"caf\u00e9"}"#, #"{"trace_id":"café"}"#, #"{"deadline_ms":1.5e3}"#,
        #"{"deadline_ms":null,"token":null}"#, #"{"other":[1,{"x":2}],"trace_id":"t"}"#,
    ])
    func metadataFastPathAgreesWithTheParser(text: String) throws {
        let bytes = Array(text.utf8)
        let parsed = RequestMetadata(parsing: bytes)
        #expect(parsed != nil)
        var reference = RequestMetadata()
        try JSONParser.forEachMember(of: bytes) { name, value in
            switch name {
            case "token": reference.token = value.stringValue
            case "idempotency_key": reference.idempotencyKey = value.stringValue
            case "trace_id": reference.traceID = value.stringValue
            case "deadline_ms": reference.deadlineMilliseconds = value.doubleValue.map { Int($0) }
            default: break
            }
        }
        #expect(parsed == reference)
    }

    @Test(arguments: [
        #"{"#, #"{"trace_id":"t""#, #"{"trace_id":"t"} x"#, #"{"trace_id":5}"#, #"{"deadline_ms":-1}"#, #"{"deadline_ms":"5"}"#,
        #"{"deadline_ms":01}"#, "{\"token\":\"tab\there\"}", #"["trace_id"]"#, #"{"trace_id":"t",}"#,
        #"{"deadline_ms":1234567890}"#, #"{"deadline_ms":86400001}"#,
    ])
    func badMetadataIsRefusedOnEitherPath(text: String) {
        #expect(RequestMetadata(parsing: Array(text.utf8)) == nil)
    }
}
