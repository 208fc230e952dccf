import Dispatch
import Synchronization

/// A fixed set of read-only connections. A read takes a free connection or waits in line
/// (without blocking any thread); its work runs on a concurrent dispatch queue.
///
/// `@unchecked Sendable` by construction: a connection is used only by the one job that
/// checked its index out under `state`'s lock, until that job hands it back.
final class ReaderPool: @unchecked Sendable {
    private struct State {
        var free: [Int]
        var waiting: [@Sendable (Database) -> Void] = []
        var closed = false
    }

    private let connections: [Database]
    private let state: Mutex<State>
    private let queue: DispatchQueue
    private let inFlight = DispatchGroup()
    private let queueKey = DispatchSpecificKey<Bool>()

    init(path: String, count: Int, label: String) throws {
        precondition(count > 0, "a store needs at least one reader")
        connections = try (0..<count).map { _ in try Database(path: path, readOnly: true) }
        state = Mutex(State(free: Array(connections.indices)))
        queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
        queue.setSpecific(key: queueKey, value: true)
    }

    /// Runs `work` on a free connection as soon as one is available; false if the pool is closed.
    func submit(_ work: @escaping @Sendable (Database) -> Void) -> Bool {
        let (accepted, index) = state.withLock { state -> (Bool, Int?) in
            guard !state.closed else { return (false, nil) }
            inFlight.enter()
            guard let index = state.free.popLast() else {
                state.waiting.append(work)
                return (true, nil)
            }
            return (true, index)
        }
        if let index {
            start(work, on: index)
        }
        return accepted
    }

    /// Refuses new reads, waits for started and queued ones, then closes every connection.
    /// Called from a read itself, it cannot wait: the connections close once reads are done.
    func close() {
        state.withLock { $0.closed = true }
        if DispatchQueue.getSpecific(key: queueKey) == true {
            inFlight.notify(queue: .global()) { self.closeConnections() }
        } else {
            inFlight.wait()
            closeConnections()
        }
    }

    private func closeConnections() {
        for connection in connections {
            connection.close()
        }
    }

    private func start(_ work: @escaping @Sendable (Database) -> Void, on index: Int) {
        queue.async {
            work(self.connections[index])
            self.inFlight.leave()
            let next = self.state.withLock { state -> (@Sendable (Database) -> Void)? in
                guard !state.waiting.isEmpty else {
                    state.free.append(index)
                    return nil
                }
                return state.waiting.removeFirst()
            }
            if let next {
                self.start(next, on: index)
            }
        }
    }
}
