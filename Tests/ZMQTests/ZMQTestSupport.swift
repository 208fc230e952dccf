import Foundation
import Synchronization
import Testing
import ZMQ

/// One socket owned by an actor whose executor is an I/O loop (the way services hold sockets):
/// every message received is kept in `inbox`; a `responder` may answer each one on the loop.
actor Peer {
    nonisolated let loop: IOLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    private var socket: Socket?
    private var inbox: [Multipart] = []
    private var responder: (@Sendable (Multipart) -> [[UInt8]]?)?
    private let readUserID: Bool
    private(set) var drainedOffLoop = 0

    init(loop: IOLoop, readUserID: Bool = false) {
        self.loop = loop
        self.readUserID = readUserID
    }

    /// Opens a socket of `type` (LINGER 0), lets `setup` configure it, and watches it.
    func open(_ type: SocketType, setup: @Sendable (Socket) throws -> Void = { _ in }) throws {
        precondition(socket == nil)
        let socket = try loop.context.socket(type)
        do {
            try socket.setLinger(milliseconds: 0)
            try setup(socket)
        } catch {
            socket.close()
            throw error
        }
        self.socket = socket
        loop.watch(socket) { [unowned self] in self.assumeIsolated { $0.drain() } }
    }

    @discardableResult
    func bind(_ endpoint: String) throws -> String { try socket!.bind(endpoint) }
    func connect(_ endpoint: String) throws { try socket!.connect(endpoint) }

    /// Sends without blocking: true when queued, false when it would block.
    @discardableResult
    func send(_ frames: [[UInt8]]) throws -> Bool { try socket!.send(frames) }

    /// The error a send raises, if any.
    func sendError(_ frames: [[UInt8]]) -> ZMQError? {
        do { _ = try socket!.send(frames); return nil } catch let error as ZMQError { return error } catch { return nil }
    }

    /// Answers every received message with what `body` returns (nil: no answer).
    func respond(with body: @escaping @Sendable (Multipart) -> [[UInt8]]?) { responder = body }

    var received: [Multipart] { inbox }
    var count: Int { inbox.count }

    func close() {
        guard let socket else { return }
        loop.unwatch(socket)
        socket.close()
        self.socket = nil
    }

    private func drain() {
        guard let socket else { return }
        if !loop.isCurrent { drainedOffLoop += 1 }
        for _ in 0..<256 {
            guard let message = try? socket.receive(userID: readUserID) else { return }
            inbox.append(message)
            if let responder, let reply = responder(message) { _ = try? socket.send(reply) }
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// A fresh loop with a unique name (and so its own context: ZAP endpoints do not collide).
/// Names stay within Linux's 15-character thread names so the thread really carries it.
func freshLoop(_ label: String = #function) throws -> IOLoop {
    try IOLoop(name: "zt-\(label.prefix(3))-\(UUID().uuidString.prefix(6))")
}

/// Refusals reported by a ZAP handler.
struct Refusal: Sendable, Equatable {
    var address: String
    var key: String
    var reason: String
}

final class RefusalLog: Sendable {
    private let entries = Mutex<[Refusal]>([])
    var all: [Refusal] { entries.withLock { $0 } }
    func record(_ address: String, _ key: String, _ reason: String) {
        entries.withLock { $0.append(Refusal(address: address, key: key, reason: reason)) }
    }
}
