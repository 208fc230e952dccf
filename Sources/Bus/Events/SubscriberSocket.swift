import Foundation
import Support
import ZMQ

/// A SUB socket owned by the I/O loop, connected to one or more publishers; every message it
/// receives goes, in order, into a queue that the subscriber drains.
actor SubscriberSocket {
    nonisolated let loop: IOLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    private var socket: Socket?
    private var connected: Set<String> = []
    private let queue: AsyncQueue<[[UInt8]]>

    init(loop: IOLoop, queue: AsyncQueue<[[UInt8]]>) {
        self.loop = loop
        self.queue = queue
    }

    func open(topics: [String]) throws {
        let sub = try loop.context.socket(.sub)
        try sub.setLinger(milliseconds: 0)
        try sub.setReceiveHighWaterMark(100_000)
        try sub.setReconnectInterval(milliseconds: 100, maximum: 2_000)
        try sub.setHeartbeat(intervalMilliseconds: 2_000, timeoutMilliseconds: 6_000, ttlMilliseconds: 6_000)
        if topics.isEmpty {
            try sub.subscribe("")  // every topic, heartbeats included
        } else {
            for topic in topics { try sub.subscribe(topic) }
            try sub.subscribe("$heartbeat")
        }
        socket = sub
        loop.watch(sub) { [unowned self] in self.assumeIsolated { $0.receive() } }
    }

    func secure(serverKey: CurveKey, keyPair: CurveKeyPair) throws {
        try socket?.makeCurveClient(serverKey: serverKey, keyPair: keyPair)
    }

    func connect(_ endpoint: String) throws {
        guard let socket, !connected.contains(endpoint) else { return }
        try socket.connect(endpoint)
        connected.insert(endpoint)
    }

    func disconnect(_ endpoint: String) {
        guard let socket, connected.remove(endpoint) != nil else { return }
        try? socket.disconnect(endpoint)
    }

    private func receive() {
        guard let socket else { return }
        for _ in 0..<512 {
            guard let message = try? socket.receive() else { return }
            queue.push(message.frames)
        }
    }

    func close() {
        guard let socket else { return }
        loop.release(socket)
        self.socket = nil
    }
}

/// An unbounded FIFO between a producer on one thread and one async consumer that takes
/// everything waiting at once (so it can apply a run of events in one transaction).
public final class AsyncQueue<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var waiter: CheckedContinuation<[Element], Never>?
        var closed = false
    }
    private let state = Mutexed(State())

    public init() {}

    public func push(_ element: Element) {
        let waiter = state.update { state -> CheckedContinuation<[Element], Never>? in
            guard !state.closed else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.items.append(element)
            return nil
        }
        waiter?.resume(returning: [element])
    }

    /// Everything waiting, or waits for the next element; empty once closed.
    public func popAll() async -> [Element] {
        await withCheckedContinuation { continuation in
            let ready = state.update { state -> [Element]? in
                if !state.items.isEmpty || state.closed {
                    defer { state.items.removeAll() }
                    return state.items
                }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    public func close() {
        let waiter = state.update { state -> CheckedContinuation<[Element], Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: [])
    }
}
