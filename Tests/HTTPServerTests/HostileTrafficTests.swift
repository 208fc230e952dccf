import Glibc
import HTTPServer
import Testing

/// A seeded generator, so that a failing run can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 33)
    }
}

@Suite struct HostileTrafficTests {
    /// What one hostile client sends before it hangs up (some wait for an answer first).
    static func hostileInputs(count: Int, seed: UInt64) -> [(bytes: [UInt8], waitForAnswer: Bool)] {
        var random = SeededGenerator(state: seed)
        let shapes = ServerTests.framingErrors.map { Array($0.request.utf8) }
        let good = Array(get("/ok").utf8)
        return (0..<count).map { index in
            switch index % 4 {
            case 0: (shapes[index / 4 % shapes.count], true)
            case 1: ((0..<Int.random(in: 1...600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, false)
            case 2: (Array(good.prefix(Int.random(in: 1..<good.count, using: &random))), false)  // cut off mid-request
            default: (Array("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\npart".utf8), false)  // body never finished
            }
        }
    }

    @Test func hostileTrafficLeavesTheServerServingAndNothingOpen() async throws {
        try await withServer(testConfiguration { $0.requestTimeout = .milliseconds(500) }) { server in
            let inputs = Self.hostileInputs(count: 400, seed: 0x5EED)
            for batch in stride(from: 0, to: inputs.count, by: 25) {
                await withTaskGroup(of: Void.self) { group in
                    for input in inputs[batch..<min(batch + 25, inputs.count)] {
                        group.addTask {
                            guard let client = try? await TestClient.connect(server.address) else { return }
                            await client.send(input.bytes)
                            if input.waitForAnswer { _ = try? await client.readResponse(timeout: .seconds(2)) }
                            client.close()
                        }
                    }
                }
            }
            let client = try await TestClient.connect(server.address)
            defer { client.close() }
            await client.send(get("/still-here"))
            #expect(try await client.readResponse().text == "GET /still-here ")
            client.close()
            #expect(await eventually { await server.counters().connectionsOpen == 0 }, "every hostile connection ended")
            let counters = await server.counters()
            #expect(counters.requestErrors >= 100)
            #expect(counters.connectionsAccepted >= 401)
        }
    }
}
