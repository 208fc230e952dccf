import Foundation
import TestKit
import Testing
@testable import ZMQ

/// A CURVE ROUTER behind a ZAP handler on its own loop (so its own context and ZAP endpoint).
/// The server answers [routing id, User-Id, frames…].
private struct CurveServer {
    let loop: IOLoop
    let auth: ZAPAuthenticator
    let refusals: RefusalLog
    let keys: CurveKeyPair
    let peer: Peer
    let endpoint: String

    static func start(allowed: [CurveKey: String], label: String = #function) async throws -> CurveServer {
        let loop = try freshLoop(label)
        let refusals = RefusalLog()
        let auth = ZAPAuthenticator(loop: loop, allowed: allowed) { refusals.record($0, $1, $2) }
        try await auth.start()
        try await auth.start()  // idempotent
        let keys = try CurveKeyPair.generate()
        let peer = Peer(loop: loop, readUserID: true)
        try await peer.open(.router) { try $0.makeCurveServer(secretKey: keys.secretKey) }
        let endpoint = try await peer.bind("tcp://127.0.0.1:*")
        await peer.respond { message in [message.frames[0], bytes(message.userID ?? "<none>")] + message.frames.dropFirst() }
        return CurveServer(loop: loop, auth: auth, refusals: refusals, keys: keys, peer: peer, endpoint: endpoint)
    }

    /// A DEALER connected to the server: CURVE with `keyPair` (and `serverKey`, by default the right one), or plain.
    func client(_ keyPair: CurveKeyPair?, serverKey: CurveKey? = nil) async throws -> Peer {
        let client = Peer(loop: loop)
        let serverKey = serverKey ?? keys.publicKey
        try await client.open(.dealer) { socket in
            if let keyPair { try socket.makeCurveClient(serverKey: serverKey, keyPair: keyPair) }
        }
        try await client.connect(endpoint)
        return client
    }

    func stop(_ clients: [Peer]) async {
        for client in clients { await client.close() }
        await peer.close()
        await auth.shutdown()
        loop.stop()
    }
}

@Suite struct CurveZAPTests {
    @Test func allowListedClientIsAnsweredAndNamed() async throws {
        let frontend = try CurveKeyPair.generate()
        let server = try await CurveServer.start(allowed: [frontend.publicKey: "frontend"])
        let client = try await server.client(frontend)
        try await client.send([bytes("hello"), bytes("world")])
        #expect(try await eventually { await client.count == 1 })
        let reply = try #require(await client.received.first)
        #expect(reply.frames == [bytes("frontend"), bytes("hello"), bytes("world")])
        let seen = try #require(await server.peer.received.first)
        #expect(seen.userID == "frontend")
        #expect(server.refusals.all.isEmpty)
        await server.stop([client])
    }

    @Test func unknownKeyIsRefusedAndReported() async throws {
        let frontend = try CurveKeyPair.generate(), stranger = try CurveKeyPair.generate()
        let server = try await CurveServer.start(allowed: [frontend.publicKey: "frontend"])
        let started = ContinuousClock.now
        let refused = try await server.client(stranger)
        try await refused.send([bytes("let me in")])
        // A known client on the same server is answered meanwhile: the server is up.
        let known = try await server.client(frontend)
        try await known.send([bytes("hi")])
        #expect(try await eventually { await known.count == 1 })
        #expect(try await eventually { !server.refusals.all.isEmpty })
        try await Task.sleep(until: started + .milliseconds(500))
        #expect(await refused.count == 0, "no reply within 500 ms")
        #expect(await server.peer.received.allSatisfy { $0.userID == "frontend" })
        let refusal = try #require(server.refusals.all.first)
        #expect(refusal.key == stranger.publicKey.z85)
        #expect(refusal.reason.contains("allow-list"))
        #expect(refusal.address == "127.0.0.1")
        await server.stop([refused, known])
    }

    @Test func plainClientToCurveServerGetsNothing() async throws {
        let frontend = try CurveKeyPair.generate()
        let server = try await CurveServer.start(allowed: [frontend.publicKey: "frontend"])
        let plain = try await server.client(nil)
        try await plain.send([bytes("plain")])
        try await Task.sleep(for: .milliseconds(500))
        #expect(await plain.count == 0)
        #expect(await server.peer.count == 0)
        await server.stop([plain])
    }

    @Test func clientWithTheWrongServerKeyGetsNothing() async throws {
        let frontend = try CurveKeyPair.generate(), impostor = try CurveKeyPair.generate()
        let server = try await CurveServer.start(allowed: [frontend.publicKey: "frontend"])
        let confused = try await server.client(frontend, serverKey: impostor.publicKey)
        try await confused.send([bytes("x")])
        try await Task.sleep(for: .milliseconds(500))
        #expect(await confused.count == 0)
        #expect(await server.peer.count == 0)
        await server.stop([confused])
    }

    @Test func reloadedAllowListAppliesToNewConnections() async throws {
        let first = try CurveKeyPair.generate(), second = try CurveKeyPair.generate()
        let server = try await CurveServer.start(allowed: [first.publicKey: "first"])
        server.auth.setAllowed([second.publicKey: "second"])
        let admitted = try await server.client(second)
        try await admitted.send([bytes("now allowed")])
        #expect(try await eventually { await admitted.count == 1 })
        #expect(await admitted.received.first?.frames.first == bytes("second"))
        let dropped = try await server.client(first)
        try await dropped.send([bytes("no longer allowed")])
        #expect(try await eventually { server.refusals.all.contains { $0.key == first.publicKey.z85 } })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await dropped.count == 0)
        await server.stop([admitted, dropped])
    }

    @Test func curveServerWithoutZAPHandlerFailsClosed() async throws {
        let loop = try freshLoop()
        let keys = try CurveKeyPair.generate(), clientKeys = try CurveKeyPair.generate()
        let server = Peer(loop: loop, readUserID: true)
        try await server.open(.router) { try $0.makeCurveServer(secretKey: keys.secretKey) }
        let endpoint = try await server.bind("tcp://127.0.0.1:*")
        await server.respond { [$0.frames[0], bytes("answer")] }
        let client = Peer(loop: loop)
        try await client.open(.dealer) { try $0.makeCurveClient(serverKey: keys.publicKey, keyPair: clientKeys) }
        try await client.connect(endpoint)
        try await client.send([bytes("anyone home?")])
        try await Task.sleep(for: .milliseconds(500))
        #expect(await client.count == 0, "no ZAP handler: every client refused")
        #expect(await server.count == 0)
        await client.close()
        await server.close()
        loop.stop()
    }
}

/// The ZAP handler's answers, without sockets (RFC 27 frames).
@Suite struct ZAPAnswerTests {
    let frontend = try! CurveKeyPair.generate()
    let refusals = RefusalLog()

    private func authenticator() -> ZAPAuthenticator {
        let refusals = refusals
        return ZAPAuthenticator(loop: .shared, allowed: [frontend.publicKey: "frontend"]) { refusals.record($0, $1, $2) }
    }

    private func request(mechanism: String = "CURVE", credentials: [[UInt8]]? = nil, version: String = "1.0") -> [[UInt8]] {
        [bytes(version), bytes("req-7"), bytes("mpp"), bytes("10.0.0.5"), bytes("peer"), bytes(mechanism)]
            + (credentials ?? [frontend.publicKey.bytes])
    }

    @Test func allowedKeyGets200AndItsName() async {
        let reply = await authenticator().answer(request())
        #expect(reply == [bytes("1.0"), bytes("req-7"), bytes("200"), bytes("OK"), bytes("frontend"), []])
        #expect(refusals.all.isEmpty)
    }

    @Test func unknownKeyGets400() async throws {
        let other = try CurveKeyPair.generate()
        let reply = await authenticator().answer(request(credentials: [other.publicKey.bytes]))
        #expect(reply.count == 6 && reply[1] == bytes("req-7") && reply[2] == bytes("400") && reply[4] == [])
        #expect(refusals.all == [Refusal(address: "10.0.0.5", key: other.publicKey.z85, reason: "key not on the allow-list")])
    }

    @Test(arguments: ["NULL", "PLAIN", "GSSAPI", ""])
    func otherMechanismsGet400(mechanism: String) async {
        let reply = await authenticator().answer(request(mechanism: mechanism, credentials: mechanism == "PLAIN" ? [bytes("u"), bytes("p")] : []))
        #expect(reply.count == 6 && reply[2] == bytes("400") && reply[4] == [])
        #expect(refusals.all.count == 1 && refusals.all[0].reason.contains("mechanism"))
    }

    @Test(arguments: [0, 31, 33])
    func malformedCurveKeyGets400(count: Int) async {
        let reply = await authenticator().answer(request(credentials: [[UInt8](repeating: 9, count: count)]))
        #expect(reply.count == 6 && reply[2] == bytes("400") && reply[4] == [])
    }

    @Test func curveWithoutCredentialsGets400() async {
        let reply = await authenticator().answer(request(credentials: []))
        #expect(reply.count == 6 && reply[2] == bytes("400"))
    }

    @Test func malformedRequestsGet400() async {
        let auth = authenticator()
        let empty = await auth.answer([])
        #expect(empty.count == 6 && empty[2] == bytes("400"))
        #expect(await auth.answer([bytes("1.0"), bytes("id")]) == [bytes("1.0"), bytes("id"), bytes("400"), bytes("malformed request"), [], []])
        let newer = await auth.answer(request(version: "2.0"))
        #expect(newer.count == 6 && newer[2] == bytes("400"))
        #expect(refusals.all.count == 3 && refusals.all.allSatisfy { $0.reason == "malformed ZAP request" })
    }

    @Test func setAllowedReplacesTheList() async throws {
        let auth = authenticator()
        let other = try CurveKeyPair.generate()
        auth.setAllowed([other.publicKey: "other"])
        let removed = await auth.answer(request())
        #expect(removed.count == 6 && removed[2] == bytes("400"))
        let added = await auth.answer(request(credentials: [other.publicKey.bytes]))
        #expect(added.count == 6 && added[4] == bytes("other"))
    }
}
