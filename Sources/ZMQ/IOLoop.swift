import CZeroMQ
import Foundation
import Synchronization

/// The one I/O thread of a process. It owns every ZeroMQ socket and is the `SerialExecutor` of
/// the actors that hold them, so actor isolation *is* thread confinement (libzmq sockets are not
/// thread-safe, and a mutex does not make them so). It runs `zmq_poll` over the watched sockets
/// plus an eventfd that wakes it when a job is enqueued.
///
/// It is also a `TaskExecutor`: a task started with it as executor preference runs its
/// nonisolated code and resumes from continuations on this thread, with no hop at all.
///
/// Never block this thread: storage and domain work belong in other actors.
public final class IOLoop: SerialExecutor, TaskExecutor, @unchecked Sendable {
    /// The process-wide loop.
    public static let shared: IOLoop = {
        do { return try IOLoop(name: "mpp-io") } catch { fatalError("cannot start the I/O loop: \(error)") }
    }()

    public let context: Context
    public let name: String

    /// Something to run on the loop: a Swift job, or a plain closure (no task, no hop back).
    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private struct Shared {
        var jobs: [Work] = []
        var sleeping = false
        var stopping = false
    }

    private let shared = Mutex(Shared())
    private let wakeFD: Int32
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    // Written once by the loop thread before `started` is signalled, read-only afterwards.
    nonisolated(unsafe) private var loopThread: Thread?

    // Loop-thread-only state.
    private var watchers: [Watcher] = []
    private var items: [zmq_pollitem_t] = []
    private var itemsDirty = true

    private final class Watcher {
        let socket: Socket
        let onReadable: () -> Void
        var active = true
        init(socket: Socket, onReadable: @escaping () -> Void) {
            self.socket = socket
            self.onReadable = onReadable
        }
    }

    public init(name: String = "mpp-io") throws {
        self.name = name
        context = try Context()
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else { throw ZMQError(code: errno, operation: "eventfd") }
        let thread = Thread { [unowned self] in self.run() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
        started.wait()
    }

    // MARK: SerialExecutor

    public func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    /// Runs `work` on the loop thread, after what is already queued. Cheaper than hopping a task
    /// onto the loop: a socket owner's isolated code runs in it via `assumeIsolated`.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        submit(.closure(work))
    }

    private func submit(_ work: Work) {
        let wake = shared.withLock { state -> Bool in
            state.jobs.append(work)
            guard state.sleeping else { return false }
            state.sleeping = false
            return true
        }
        if wake { signal() }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor { UnownedTaskExecutor(ordinary: self) }

    public func checkIsolated() {
        precondition(isCurrent, "not on the I/O loop thread '\(name)'")
    }

    /// Whether the caller runs on this loop's thread.
    /// (`Thread.current`, not `pthread_self()`: glibc marks that `const`, and optimised async code
    /// would reuse a value read before an `await`.)
    public var isCurrent: Bool { Thread.current === loopThread }

    // MARK: watching sockets (loop thread only)

    /// Calls `onReadable` on the loop thread whenever `socket` has a message waiting.
    /// The callback should drain a bounded batch with non-blocking receives.
    public func watch(_ socket: Socket, onReadable: @escaping () -> Void) {
        checkIsolated()
        watchers.append(Watcher(socket: socket, onReadable: onReadable))
        itemsDirty = true
    }

    /// Stops watching `socket` (before closing it).
    public func unwatch(_ socket: Socket) {
        checkIsolated()
        for watcher in watchers where watcher.socket === socket { watcher.active = false }
        watchers.removeAll { $0.socket === socket }
        itemsDirty = true
    }

    /// Stops watching `socket` and closes it (loop thread only): how a socket-owning actor lets go.
    public func release(_ socket: Socket) {
        unwatch(socket)
        socket.close()
    }

    /// Ends the loop after the jobs already queued have run. Sockets must be closed first.
    public func stop() {
        let wasStopping = shared.withLock { state -> Bool in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !wasStopping else { return }
        signal()
        if !isCurrent { finished.wait() }
    }

    // MARK: the loop

    private func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    private func run() {
        mpp_set_thread_name(String(name.prefix(15)))  // Foundation does not name it on Linux
        loopThread = Thread.current
        started.signal()
        let serial = asUnownedSerialExecutor(), preferred = asUnownedTaskExecutor()
        var batch: [Work] = []
        batch.reserveCapacity(64)
        while true {
            let stopping = shared.withLock { state -> Bool in
                swap(&batch, &state.jobs)
                return state.stopping
            }
            for work in batch {
                switch work {
                case .job(let job): job.runSynchronously(isolatedTo: serial, taskExecutor: preferred)
                case .closure(let closure): closure()
                }
            }
            batch.removeAll(keepingCapacity: true)
            if stopping && shared.withLock({ $0.jobs.isEmpty }) { break }

            let timeout: Int = shared.withLock { state in
                if !state.jobs.isEmpty || state.stopping { return 0 }
                state.sleeping = true
                return 1000
            }
            poll(timeout: timeout)
        }
        close(wakeFD)
        finished.signal()
    }

    private func poll(timeout: Int) {
        if itemsDirty {
            items = [zmq_pollitem_t(socket: nil, fd: wakeFD, events: Int16(ZMQ_POLLIN), revents: 0)]
            items += watchers.map { zmq_pollitem_t(socket: $0.socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
            itemsDirty = false
        }
        let ready = zmq_poll(&items, Int32(items.count), timeout)
        shared.withLock { $0.sleeping = false }
        guard ready > 0 else { return }
        if items[0].revents != 0 {
            var counter: UInt64 = 0
            _ = withUnsafeMutableBytes(of: &counter) { read(wakeFD, $0.baseAddress, 8) }
        }
        let snapshot = watchers
        for (index, watcher) in snapshot.enumerated() where index + 1 < items.count {
            guard items[index + 1].revents & Int16(ZMQ_POLLIN) != 0, watcher.active else { continue }
            watcher.onReadable()
        }
    }
}
