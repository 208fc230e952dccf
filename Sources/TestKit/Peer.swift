import Foundation
import ZMQ

/// One socket owned by an actor whose executor is an I/O loop (the way services hold sockets):
/// every message received is kept in `inbox`; a `responder` may answer each one on the loop.
public actor Peer {
    public nonisolated let loop: IOLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    private var socket: Socket?
    private var inbox: [Multipart] = []
    private var responder: (@Sendable (Multipart) -> [[UInt8]]?)?
    private let readUserID: Bool
    public private(set) var drainedOffLoop = 0

    public init(loop: IOLoop = .shared, readUserID: Bool = false) {
        self.loop = loop
        self.readUserID = readUserID
    }

    /// Opens a socket of `type` (LINGER 0), lets `setup` configure it, and watches it.
    public func open(_ type: SocketType, setup: @Sendable (Socket) throws -> Void = { _ in }) throws {
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
    public func bind(_ endpoint: String) throws -> String { try socket!.bind(endpoint) }
    public func connect(_ endpoint: String) throws { try socket!.connect(endpoint) }

    /// Sends without blocking: true when queued, false when it would block.
    @discardableResult
    public func send(_ frames: [[UInt8]]) throws -> Bool { try socket!.send(frames) }

    /// The error a send raises, if any.
    public func sendError(_ frames: [[UInt8]]) -> ZMQError? {
        do { _ = try socket!.send(frames); return nil } catch let error as ZMQError { return error } catch { return nil }
    }

    /// Answers every received message with what `body` returns (nil: no answer).
    public func respond(with body: @escaping @Sendable (Multipart) -> [[UInt8]]?) { responder = body }

    public var received: [Multipart] { inbox }
    public var count: Int { inbox.count }

    public func close() {
        guard let socket else { return }
        loop.release(socket)
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

extension Peer {
    /// The received message whose frame `index` is `value` (e.g. a reply's request id).
    public func message(where index: Int, is value: [UInt8]) -> [[UInt8]]? {
        received.first { $0.frames.count > index && $0.frames[index] == value }?.frames
    }
}
