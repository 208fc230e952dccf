import Bus
import Foundation
import Store
import Support
import TestKit
import Testing
import ZMQ

/// A raw DEALER (TestKit's `Peer`), for sending what `RPCClient` never would.
func rawDealer(_ endpoint: String) async throws -> Peer {
    let dealer = Peer()
    try await dealer.open(.dealer) { socket in
        try socket.setSendHighWaterMark(100_000)
        try socket.setReceiveHighWaterMark(100_000)
        try socket.setReconnectInterval(milliseconds: 50, maximum: 500)
        try socket.connect(endpoint)
    }
    return dealer
}

/// The reply whose request id is `id`: [ "", "MPP/1", id, status, body, … ].
func reply(_ dealer: Peer, to id: [UInt8]) async -> [[UInt8]]? { await dealer.message(where: 2, is: id) }

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
private let mpp = Envelope.version
private let echoBody = utf8(#"{"text":"halo"}"#)

/// What the server must do with a malformed message.
private enum Expected: Equatable {
    /// Unreadable (no request id): dropped without a reply.
    case dropped
    /// A readable request id but a broken envelope: `invalid_argument` from the server itself.
    case rejected
    /// A well-formed envelope that the dispatcher answers with this error.
    case handled(ErrorCode)
}

/// The kinds of malformed message, each building its frames (as a DEALER sends them) from a request id.
private let malformedKinds: [(name: String, expected: Expected, frames: @Sendable ([UInt8]) -> [[UInt8]])] = [
    ("garbage single frame", .dropped, { _ in [(0..<37).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }] }),
    ("garbage frames, no delimiter", .dropped, { id in [utf8("GET / HTTP/1.1"), id, utf8("x")] }),
    ("delimiter only", .dropped, { _ in [[]] }),
    ("delimiter and version only", .dropped, { _ in [[], mpp] }),
    ("empty request id", .dropped, { _ in [[], mpp, [], utf8("echo.say"), utf8("{}"), echoBody] }),
    ("65-byte request id", .dropped, { id in [[], mpp, id + [UInt8](repeating: 0x41, count: 65 - id.count), utf8("echo.say"), utf8("{}"), echoBody] }),
    ("wrong version", .rejected, { id in [[], utf8("MPP/2"), id, utf8("echo.say"), utf8("{}"), echoBody] }),
    ("lower-case version", .rejected, { id in [[], utf8("mpp/1"), id, utf8("echo.say"), utf8("{}"), echoBody] }),
    ("garbage version", .rejected, { id in [[], [0xFF, 0x00, 0x13], id, utf8("echo.say"), utf8("{}"), echoBody] }),
    ("3 frames", .rejected, { id in [[], mpp, id] }),
    ("4 frames", .rejected, { id in [[], mpp, id, utf8("echo.say")] }),
    ("5 frames", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8("{}")] }),
    ("64-byte id and wrong version", .rejected, { id in [[], utf8("MPP/0"), id + [UInt8](repeating: 0x42, count: 64 - id.count), utf8("echo.say"), utf8("{}"), echoBody] }),
    ("non-JSON metadata", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8("token=abc"), echoBody] }),
    ("truncated JSON metadata", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8(#"{"token":"#), echoBody] }),
    ("metadata is an array", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8(#"["token"]"#), echoBody] }),
    ("metadata is a string", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8(#""{}""#), echoBody] }),
    ("metadata token is a number", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8(#"{"token":5}"#), echoBody] }),
    ("metadata deadline is text", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8(#"{"deadline_ms":"soon"}"#), echoBody] }),
    ("metadata deadline negative", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8(#"{"deadline_ms":-1}"#), echoBody] }),
    ("empty idempotency key", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8(#"{"idempotency_key":""}"#), echoBody] }),
    ("129-char idempotency key", .rejected, { id in [[], mpp, id, utf8("echo.say"), utf8(#"{"idempotency_key":""# + String(repeating: "k", count: 129) + #""}"#), echoBody] }),
    ("metadata invalid UTF-8", .rejected, { id in [[], mpp, id, utf8("echo.say"), [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], echoBody] }),
    ("method with spaces", .rejected, { id in [[], mpp, id, utf8("echo say"), utf8("{}"), echoBody] }),
    ("method non-ASCII", .rejected, { id in [[], mpp, id, utf8("échο.say"), utf8("{}"), echoBody] }),
    ("method with a NUL", .rejected, { id in [[], mpp, id, [0x65, 0x00, 0x2E, 0x73], utf8("{}"), echoBody] }),
    ("empty method", .rejected, { id in [[], mpp, id, [], utf8("{}"), echoBody] }),
    ("129-byte method", .rejected, { id in [[], mpp, id, utf8("echo." + String(repeating: "s", count: 124)), utf8("{}"), echoBody] }),
    ("unknown method", .handled(.unimplemented), { id in [[], mpp, id, utf8("nope.nothing"), utf8("{}"), echoBody] }),
    ("body not JSON", .handled(.invalidArgument), { id in [[], mpp, id, utf8("echo.say"), utf8("{}"), utf8("<xml/>")] }),
    ("body wrong shape", .handled(.invalidArgument), { id in [[], mpp, id, utf8("echo.say"), utf8("{}"), utf8(#"[1,2,3]"#)] }),
]

@Suite struct RobustnessTests {
    @Test func thousandMalformedMessagesNeverHurtTheServer() async throws {
        let (server, endpoint) = try await startEchoServer(instance: "robust-1")
        let dealer = try await rawDealer(endpoint)

        var expectations: [[UInt8]: (kind: String, expected: Expected)] = [:]
        var dropped = 0, rejected = 0, handled = 0
        for index in 0..<1_000 {
            let kind = malformedKinds[index % malformedKinds.count]
            let frames = kind.frames(utf8("bad-\(index)"))
            #expect(try await dealer.send(frames), "queued \(kind.name)")
            switch kind.expected {
            case .dropped: dropped += 1
            case .rejected: rejected += 1
            case .handled: handled += 1
            }
            if kind.expected != .dropped { expectations[frames[2]] = (kind.name, kind.expected) }
        }
        #expect(expectations.count == rejected + handled, "answerable request ids are unique")
        // A good request on the same connection after the garbage.
        #expect(try await dealer.send([[], mpp, utf8("good"), utf8("echo.say"), utf8("{}"), echoBody]))
        let answerable = rejected + handled
        #expect(try await eventually { await dealer.count >= answerable + 1 })
        try await Task.sleep(for: .milliseconds(200))  // anything extra would show up now

        let replies = await dealer.received.map(\.frames)
        #expect(replies.count == answerable + 1)
        var seen = Set<[UInt8]>()
        for reply in replies {
            guard reply.count == 5, reply[0].isEmpty, reply[1] == mpp else {
                Issue.record("malformed reply \(reply.map { String(decoding: $0, as: UTF8.self) })")
                continue
            }
            let id = reply[2]
            #expect(seen.insert(id).inserted, "one reply per request id")
            if id == utf8("good") {
                #expect(reply[3] == utf8("ok"))
                #expect(try JSON.decode(Echo.self, from: reply[4]) == Echo(text: "halo"))
                continue
            }
            guard let matched = expectations[id] else {
                Issue.record("reply to an unknown or unreadable request id \(String(decoding: id, as: UTF8.self))")
                continue
            }
            #expect(reply[3] == utf8("error"), "\(matched.kind)")
            let error = try JSON.decode(RPCError.self, from: reply[4])
            switch matched.expected {
            case .rejected:
                #expect(error.code == .invalidArgument, "\(matched.kind): got \(error.code)")
                #expect(error.fields["envelope"] != nil, "\(matched.kind): names the envelope")
            case .handled(let code):
                #expect(error.code == code, "\(matched.kind): got \(error.code)")
            case .dropped:
                Issue.record("\(matched.kind) should have been dropped")
            }
        }
        #expect(seen.count == answerable + 1)
        // Envelope-level accounting on the server.
        #expect(server.metrics.counter("rpc.dropped") == dropped)
        #expect(server.metrics.counter("rpc.rejected") == rejected)

        // And the server still answers a normal client.
        let client = RPCClient()
        let outcome = try await client.send(to: endpoint, method: "echo.say", body: try JSON.encode(Echo(text: "masih hidup", n: 1)))
        #expect(!outcome.isError)
        #expect(try JSON.decode(Echo.self, from: outcome.body) == Echo(text: "masih hidup", n: 1))
        let health = try await client.send(to: endpoint, method: "sys.health", body: [])
        #expect(try JSON.decode(Health.self, from: health.body).status == "serving")

        await client.shutdown()
        await dealer.close()
        await server.shutdown()
    }

    @Test func oversizedMessageIsDroppedAndTheServerKeepsServing() async throws {
        var limits = ServerLimits()
        limits.maxMessageBytes = 64 << 10
        let methods = MethodTable()
        methods.on("echo.say") { (body: Echo, _: RequestContext) in body }
        let (logger, _) = testLogger("small")
        let server = RPCServer(identity: ServiceIdentity(service: "small", instance: "small-1", version: "test"),
                               methods: methods, limits: limits, logger: logger)
        let endpoint = try await server.start(bind: "tcp://127.0.0.1:*")

        let dealer = try await rawDealer(endpoint)
        let huge = try JSON.encode(Echo(text: String(repeating: "x", count: 1 << 20)))
        #expect(try await dealer.send([[], mpp, utf8("huge"), utf8("echo.say"), utf8("{}"), huge]))
        try await Task.sleep(for: .milliseconds(500))
        #expect(await reply(dealer, to: utf8("huge")) == nil, "an oversized message is never answered")

        // The raw connection comes back (libzmq reconnects) and is answered.
        #expect(try await dealer.send([[], mpp, utf8("after"), utf8("echo.say"), utf8("{}"), echoBody]))
        #expect(try await eventually(timeout: .seconds(5)) { await reply(dealer, to: utf8("after")) != nil })
        let after = await reply(dealer, to: utf8("after"))
        #expect(after?.count == 5 && after?[3] == utf8("ok"))

        // A normal client: a body under the limit works; one over it times out, then the client recovers.
        let client = RPCClient()
        let fits = Echo(text: String(repeating: "y", count: 32 << 10))
        let fitting = try await client.send(to: endpoint, method: "echo.say", body: try JSON.encode(fits))
        #expect(try JSON.decode(Echo.self, from: fitting.body) == fits)
        await #expect(throws: RPCError.self) {
            _ = try await client.send(to: endpoint, method: "echo.say", body: huge, timeout: .milliseconds(500))
        }
        #expect(try await eventually(timeout: .seconds(5)) {
            let outcome = try? await client.send(to: endpoint, method: "echo.say", body: echoBody, timeout: .milliseconds(500))
            return outcome.map { !$0.isError } ?? false
        })

        await client.shutdown()
        await dealer.close()
        await server.shutdown()
    }
}

// MARK: - Idempotency

private struct Order: Codable, Sendable, Equatable {
    var item: String
    var qty: Int
}

private struct Receipt: Codable, Sendable, Equatable {
    var order: Int
    var item: String
}

/// A server whose `orders.create` (a command) counts how many times it really acted.
private struct OrderServer {
    let server: RPCServer
    let endpoint: String
    let cache: IdempotencyCache

    static func start(store: Store, acted: Mutexed<Int>, delay: Duration = .zero, window: TimeInterval = 3_600,
                      clock: any Support.Clock = SystemClock(), failFirst: Mutexed<Int> = Mutexed(0)) async throws -> OrderServer {
        let cache = try await IdempotencyCache(store: store, window: window, clock: clock)
        let methods = MethodTable()
        methods.on("orders.create", .command) { (order: Order, _: RequestContext) -> Receipt in
            if delay > .zero { try await Task.sleep(for: delay) }
            if failFirst.update({ value -> Bool in defer { value = max(0, value - 1) }; return value > 0 }) {
                struct Boom: Error {}
                throw Boom()
            }
            let number = acted.update { value -> Int in value += 1; return value }
            return Receipt(order: number, item: order.item)
        }
        methods.on("orders.cancel", .command) { (order: Order, _: RequestContext) -> Receipt in Receipt(order: -1, item: order.item) }
        let (logger, _) = testLogger("orders")
        let server = RPCServer(identity: ServiceIdentity(service: "orders", instance: "orders-1", version: "test"),
                               methods: methods, idempotency: cache, logger: logger)
        let endpoint = try await server.start(bind: "tcp://127.0.0.1:*")
        return OrderServer(server: server, endpoint: endpoint, cache: cache)
    }
}

private func order(_ client: RPCClient, _ endpoint: String, key: String?, _ body: Order = Order(item: "ktp", qty: 1),
                   method: String = "orders.create") async throws -> Outcome {
    try await client.send(to: endpoint, method: method, metadata: RequestMetadata(idempotencyKey: key), body: try JSON.encode(body))
}

/// Sends until the answer is not `aborted` (the same request still in progress), as a well-behaved client does.
private func orderRetryingAborted(_ client: RPCClient, _ endpoint: String, key: String, _ body: Order) async throws -> Outcome {
    for _ in 0..<200 {
        let outcome = try await order(client, endpoint, key: key, body)
        if outcome.error?.code != .aborted { return outcome }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw RPCError(.aborted, "still aborted after 200 tries")
}

private func storePath() -> String { temporaryFolder() + "/orders.db" }

@Suite struct IdempotencyTests {
    @Test func sequentialRetriesActOnceAndReplayTheSameBody() async throws {
        let store = try Store(path: storePath(), migrations: [])
        let acted = Mutexed(0)
        let orders = try await OrderServer.start(store: store, acted: acted)
        let client = RPCClient()
        var bodies: [[UInt8]] = []
        for _ in 0..<5 {
            let outcome = try await order(client, orders.endpoint, key: "order-1")
            #expect(!outcome.isError)
            bodies.append(outcome.body)
        }
        #expect(acted.get() == 1)
        #expect(Set(bodies).count == 1)
        #expect(try JSON.decode(Receipt.self, from: bodies[0]) == Receipt(order: 1, item: "ktp"))
        #expect(orders.server.metrics.counter("rpc.idempotent_replays") == 4)

        // Without a key every request acts.
        _ = try await order(client, orders.endpoint, key: nil)
        _ = try await order(client, orders.endpoint, key: nil)
        #expect(acted.get() == 3)
        // Another key acts once more.
        let other = try await order(client, orders.endpoint, key: "order-2")
        #expect(try JSON.decode(Receipt.self, from: other.body).order == 4)

        await client.shutdown()
        await orders.server.shutdown()
        store.close()
    }

    @Test func concurrentDuplicatesActOnceAndAllGetTheSameBody() async throws {
        let store = try Store(path: storePath(), migrations: [])
        let acted = Mutexed(0)
        let orders = try await OrderServer.start(store: store, acted: acted, delay: .milliseconds(150))
        let client = RPCClient()
        let raw = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for _ in 0..<5 { group.addTask { try await order(client, orders.endpoint, key: "order-c", Order(item: "kk", qty: 2)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // While the first runs, a duplicate is told `aborted` (retry) — never a second action.
        let answered = raw.filter { !$0.isError }
        #expect(answered.count >= 1)
        #expect(raw.allSatisfy { !$0.isError || $0.error?.code == .aborted }, "\(raw.compactMap(\.error))")
        #expect(Set(answered.map(\.body)).count == 1)

        // Callers that retry on `aborted` all end up with the first result.
        let retried = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for _ in 0..<5 {
                group.addTask { try await orderRetryingAborted(client, orders.endpoint, key: "order-c", Order(item: "kk", qty: 2)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(retried.allSatisfy { !$0.isError })
        #expect(Set(retried.map(\.body) + answered.map(\.body)).count == 1)
        #expect(acted.get() == 1)

        // Five concurrent retrying callers with a fresh key: one action, one body.
        let fresh = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for _ in 0..<5 {
                group.addTask { try await orderRetryingAborted(client, orders.endpoint, key: "order-d", Order(item: "akta", qty: 1)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(fresh.allSatisfy { !$0.isError })
        #expect(Set(fresh.map(\.body)).count == 1)
        #expect(acted.get() == 2)

        await client.shutdown()
        await orders.server.shutdown()
        store.close()
    }

    @Test func sameKeyWithAnotherBodyOrMethodIsInvalid() async throws {
        let store = try Store(path: storePath(), migrations: [])
        let acted = Mutexed(0)
        let orders = try await OrderServer.start(store: store, acted: acted)
        let client = RPCClient()
        let first = try await order(client, orders.endpoint, key: "order-x", Order(item: "ktp", qty: 1))
        #expect(!first.isError)
        let otherBody = try await order(client, orders.endpoint, key: "order-x", Order(item: "ktp", qty: 2))
        #expect(otherBody.error?.code == .invalidArgument)
        #expect(otherBody.error?.fields["idempotency_key"] != nil)
        let otherMethod = try await order(client, orders.endpoint, key: "order-x", Order(item: "ktp", qty: 1), method: "orders.cancel")
        #expect(otherMethod.error?.code == .invalidArgument)
        #expect(acted.get() == 1)
        // The original still replays.
        let again = try await order(client, orders.endpoint, key: "order-x", Order(item: "ktp", qty: 1))
        #expect(again.body == first.body)
        await client.shutdown()
        await orders.server.shutdown()
        store.close()
    }

    @Test func restartReplaysTheDurableResult() async throws {
        let path = storePath()
        let acted = Mutexed(0)
        var store = try Store(path: path, migrations: [])
        var orders = try await OrderServer.start(store: store, acted: acted)
        let client = RPCClient()
        let first = try await order(client, orders.endpoint, key: "order-r")
        #expect(!first.isError)
        await orders.server.shutdown()
        store.close()

        // A new process: new store connection, new cache, new server, same file.
        store = try Store(path: path, migrations: [])
        orders = try await OrderServer.start(store: store, acted: acted)
        for _ in 0..<3 {
            let replay = try await order(client, orders.endpoint, key: "order-r")
            #expect(!replay.isError)
            #expect(replay.body == first.body)
        }
        #expect(acted.get() == 1)
        let conflicting = try await order(client, orders.endpoint, key: "order-r", Order(item: "ktp", qty: 9))
        #expect(conflicting.error?.code == .invalidArgument)
        #expect(acted.get() == 1)
        await client.shutdown()
        await orders.server.shutdown()
        store.close()
    }

    @Test
    func afterARestartAConflictingRequestDoesNotHijackTheKey() async throws {
        let path = storePath()
        let acted = Mutexed(0)
        var store = try Store(path: path, migrations: [])
        var orders = try await OrderServer.start(store: store, acted: acted)
        let client = RPCClient()
        let first = try await order(client, orders.endpoint, key: "order-h", Order(item: "ktp", qty: 1))
        await orders.server.shutdown()
        store.close()

        store = try Store(path: path, migrations: [])
        orders = try await OrderServer.start(store: store, acted: acted)
        // The first request after the restart reuses the key for another body: refused…
        let conflicting = try await order(client, orders.endpoint, key: "order-h", Order(item: "kk", qty: 5))
        #expect(conflicting.error?.code == .invalidArgument)
        // …and it must not change what the key stands for: the original still replays,
        let original = try await order(client, orders.endpoint, key: "order-h", Order(item: "ktp", qty: 1))
        #expect(original.body == first.body, "got \(String(decoding: original.body, as: UTF8.self))")
        // and the other body is still refused rather than handed the original's result.
        let conflictingAgain = try await order(client, orders.endpoint, key: "order-h", Order(item: "kk", qty: 5))
        #expect(conflictingAgain.error?.code == .invalidArgument, "got \(String(decoding: conflictingAgain.body, as: UTF8.self))")
        #expect(acted.get() == 1)
        await client.shutdown()
        await orders.server.shutdown()
        store.close()
    }

    @Test func transientFailureIsNotRemembered() async throws {
        let store = try Store(path: storePath(), migrations: [])
        let acted = Mutexed(0)
        let orders = try await OrderServer.start(store: store, acted: acted, failFirst: Mutexed(1))
        let client = RPCClient()
        let failed = try await order(client, orders.endpoint, key: "order-t")
        #expect(failed.error?.code == .internal)
        let retried = try await order(client, orders.endpoint, key: "order-t")
        #expect(!retried.isError)
        let replayed = try await order(client, orders.endpoint, key: "order-t")
        #expect(replayed.body == retried.body)
        #expect(acted.get() == 1)
        await client.shutdown()
        await orders.server.shutdown()
        store.close()
    }

    @Test func resultsExpireAfterTheWindow() async throws {
        let store = try Store(path: storePath(), migrations: [])
        let acted = Mutexed(0)
        let clock = ManualClock()
        let orders = try await OrderServer.start(store: store, acted: acted, window: 60, clock: clock)
        let client = RPCClient()
        let first = try await order(client, orders.endpoint, key: "order-w")
        clock.advance(by: 59)
        #expect(try await order(client, orders.endpoint, key: "order-w").body == first.body)
        clock.advance(by: 2)
        let later = try await order(client, orders.endpoint, key: "order-w")
        #expect(!later.isError && later.body != first.body)
        #expect(acted.get() == 2)
        await orders.cache.purgeExpired()
        await client.shutdown()
        await orders.server.shutdown()
        store.close()
    }

    @Test
    func aFailedStoreLookupDoesNotLeaveTheKeyStuckInProgress() async throws {
        let store = try Store(path: storePath(), migrations: [])
        let cache = try await IdempotencyCache(store: store, window: 3_600)
        store.close()
        await #expect(throws: (any Error).self) {
            _ = try await cache.begin(caller: "c", key: "k", method: "orders.create", body: [1], durable: true)
        }
        // Nothing ran: a retry must not be told "the same request is in progress" for the rest of the window.
        do {
            let decision = try await cache.begin(caller: "c", key: "k", method: "orders.create", body: [1], durable: true)
            if case .conflict(let error) = decision {
                Issue.record("retry after a failed lookup got \(error.code): \(error.message)")
            }
        } catch {
            // Failing again (store still closed) is fine.
        }
    }
}
