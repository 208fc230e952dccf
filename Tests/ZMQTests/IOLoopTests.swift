import Foundation
import Support
import TestKit
import Testing
import ZMQ

/// An actor whose executor is an I/O loop.
actor LoopBound {
    nonisolated let loop: IOLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    private var counter = 0
    private var offLoop = 0

    init(loop: IOLoop) { self.loop = loop }

    func whereAmI() -> (onLoop: Bool, threadName: String?, isMainThread: Bool) {
        (loop.isCurrent, Thread.current.name, Thread.isMainThread)
    }

    func isOn(_ other: IOLoop) -> Bool { other.isCurrent }

    func increment() -> Int {
        if !loop.isCurrent { offLoop += 1 }
        counter += 1
        return counter
    }

    var jobsOffLoop: Int { offLoop }

    /// Suspends, then checks the thread again: resumption must come back to the loop.
    func hop() async -> Bool {
        let before = loop.isCurrent
        await Task.yield()
        try? await Task.sleep(for: .milliseconds(1))
        return before && loop.isCurrent
    }
}

@Suite struct IOLoopTests {
    @Test func actorJobsRunOnTheLoopThread() async throws {
        let loop = try freshLoop()
        let actor = LoopBound(loop: loop)
        let place = await actor.whereAmI()
        #expect(place.onLoop)
        #expect(!place.isMainThread)
        #expect(!loop.isCurrent, "the test itself is not on the loop")
        #expect(await actor.hop())
        loop.stop()
    }

    @Test func executeRunsClosuresOnTheLoopInOrder() async throws {
        let loop = try freshLoop()
        let seen = Mutexed<[Int]>([]), offLoop = Mutexed(0)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for index in 0..<1_000 {
                loop.execute {
                    if !loop.isCurrent { offLoop.update { $0 += 1 } }
                    seen.update { $0.append(index) }
                    if index == 999 { done.resume() }
                }
            }
        }
        #expect(seen.get() == Array(0..<1_000))
        #expect(offLoop.get() == 0)
        loop.stop()
    }

    @Test func aTaskPreferringTheLoopRunsNonisolatedCodeThere() async throws {
        let loop = try freshLoop()
        let stayed = await withTaskExecutorPreference(loop) {
            var always = loop.isCurrent
            for _ in 0..<20 {
                await Task.yield()
                try? await Task.sleep(for: .milliseconds(1))
                always = always && loop.isCurrent
            }
            return always
        }
        #expect(stayed, "nonisolated code and resumptions of a task preferring the loop stay on it")
        #expect(!loop.isCurrent)
        loop.stop()
    }

    @Test
    func theLoopThreadCarriesTheLoopName() async throws {
        let loop = try freshLoop()
        let place = await LoopBound(loop: loop).whereAmI()
        #expect(place.threadName == loop.name)
        loop.stop()
    }

    @Test func twoLoopsAreDistinctThreads() async throws {
        let first = try freshLoop("first"), second = try freshLoop("second")
        let onFirst = LoopBound(loop: first), onSecond = LoopBound(loop: second)
        #expect(await onFirst.isOn(first))
        #expect(await !onFirst.isOn(second))
        #expect(await onSecond.isOn(second))
        #expect(await !onSecond.isOn(first))
        first.stop()
        second.stop()
    }

    @Test func manyConcurrentCallsAreSerialisedOnTheLoop() async throws {
        let loop = try freshLoop()
        let actor = LoopBound(loop: loop)
        let results = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<2_000 { group.addTask { await actor.increment() } }
            var all: [Int] = []
            for await value in group { all.append(value) }
            return all
        }
        #expect(results.sorted() == Array(1...2_000), "each increment saw a distinct value: no data race")
        #expect(await actor.jobsOffLoop == 0)
        loop.stop()
    }

    @Test func stopEndsTheLoopAndIsIdempotent() async throws {
        let loop = try freshLoop()
        let actor = LoopBound(loop: loop)
        #expect(await actor.increment() == 1)
        loop.stop()
        loop.stop()
        #expect(!loop.isCurrent)
    }

    @Test func routerDealerExchangeThroughTwoActorsOnOneLoop() async throws {
        let loop = try freshLoop()
        let router = Peer(loop: loop), dealer = Peer(loop: loop)
        try await router.open(.router) { try $0.setRouterMandatory(true) }
        let endpoint = try await router.bind("tcp://127.0.0.1:*")
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:") && !endpoint.hasSuffix(":*"))
        // The router answers [routing id, routing id, "re", frames…]: the dealer sees who it was to the router.
        await router.respond { message in
            [message.frames[0], message.frames[0], bytes("re")] + message.frames.dropFirst()
        }
        try await dealer.open(.dealer) { socket in
            try socket.setRoutingID(bytes("dealer-1"))
            try socket.setSendHighWaterMark(10_000)
        }
        try await dealer.connect(endpoint)

        let total = 200
        for index in 0..<total {
            #expect(try await dealer.send([bytes("\(index)"), [], [UInt8](repeating: UInt8(index % 256), count: index)]))
        }
        #expect(try await eventually { await dealer.count == total })
        let replies = await dealer.received
        #expect(replies.count == total)
        for (index, reply) in replies.enumerated() {
            try #require(reply.frames.count == 5)
            #expect(reply.frames[0] == bytes("dealer-1"))
            #expect(reply.frames[1] == bytes("re"))
            #expect(reply.frames[2] == bytes("\(index)"), "in order")
            #expect(reply.frames[3] == [], "empty frames survive")
            #expect(reply.frames[4] == [UInt8](repeating: UInt8(index % 256), count: index))
            #expect(reply.userID == nil, "no User-Id in plain mode")
        }
        let seen = await router.received
        #expect(seen.count == total && seen.allSatisfy { $0.frames[0] == bytes("dealer-1") })
        #expect(await router.drainedOffLoop == 0)
        #expect(await dealer.drainedOffLoop == 0)

        await dealer.close()
        await router.close()
        loop.stop()
    }

    @Test func largeMessageRoundTrip() async throws {
        let loop = try freshLoop()
        let router = Peer(loop: loop), dealer = Peer(loop: loop)
        try await router.open(.router)
        let endpoint = try await router.bind("tcp://127.0.0.1:*")
        await router.respond { $0.frames }
        try await dealer.open(.dealer)
        try await dealer.connect(endpoint)
        let big = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await dealer.send([big, bytes("tail")])
        #expect(try await eventually { await dealer.count == 1 })
        let reply = try #require(await dealer.received.first)
        #expect(reply.frames == [big, bytes("tail")])
        await dealer.close()
        await router.close()
        loop.stop()
    }

    @Test func routerMandatoryRefusesUnknownPeers() async throws {
        let loop = try freshLoop()
        let router = Peer(loop: loop)
        try await router.open(.router) { try $0.setRouterMandatory(true) }
        try await router.bind("tcp://127.0.0.1:*")
        let error = await router.sendError([bytes("nobody"), bytes("hello")])
        #expect(error?.hostUnreachable == true)
        await router.close()
        loop.stop()
    }

    @Test func dealerWithoutPeerReportsWouldBlockWithImmediate() async throws {
        let loop = try freshLoop()
        let dealer = Peer(loop: loop)
        try await dealer.open(.dealer) { try $0.setImmediate(true) }
        try await dealer.connect("tcp://127.0.0.1:1")
        #expect(try await dealer.send([bytes("x")]) == false)
        await dealer.close()
        loop.stop()
    }

    @Test func bindErrorsAreThrown() async throws {
        let loop = try freshLoop()
        let first = Peer(loop: loop), second = Peer(loop: loop)
        try await first.open(.router)
        let endpoint = try await first.bind("tcp://127.0.0.1:*")
        try await second.open(.router)
        await #expect(throws: ZMQError.self) { try await second.bind(endpoint) }
        await #expect(throws: ZMQError.self) { try await second.bind("nonsense://x") }
        await first.close()
        await second.close()
        loop.stop()
    }
}
