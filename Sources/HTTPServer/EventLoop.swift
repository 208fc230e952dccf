import CEpoll
import Foundation
import Synchronization

/// The HTTP server's one thread: `epoll_wait` over the listening and connected sockets plus an
/// eventfd that wakes it when work is queued, and a coarse tick for timeouts and heartbeats.
///
/// Like the bus's `IOLoop`, it is the `SerialExecutor` of the actor that owns the sockets (the
/// server core), so actor isolation *is* thread confinement, and a `TaskExecutor` on which cheap
/// handlers can run with no hop at all. Never block this thread.
final class EventLoop: SerialExecutor, TaskExecutor, @unchecked Sendable {
    /// The epoll token of the wake-up eventfd (connections and listeners use others).
    static let wakeToken = UInt64.max

    let name: String
    private let epollFD: Int32
    private let wakeFD: Int32

    /// Something to run on the loop: a Swift job, or a plain closure (no task, no hop back).
    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private struct Shared {
        var jobs: [Work] = []
        var sleeping = false
        var stopping = false
        /// The loop has ended: nothing submitted now would ever run.
        var stopped = false
    }

    private let shared = Mutex(Shared())
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    // Written once by the loop thread before `started` is signalled, read-only afterwards.
    nonisolated(unsafe) private var loopThread: Thread?
    // Set once in `start`, before the thread exists; used only by the loop thread afterwards.
    nonisolated(unsafe) private var onEvents: (ReadyEvents) -> Void = { _ in }
    nonisolated(unsafe) private var onTick: () -> Void = {}
    nonisolated(unsafe) private var tickNanoseconds: UInt64 = 1_000_000_000

    init(name: String) throws(HTTPServerError) {
        self.name = name
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw .system("epoll_create1", errno) }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            let code = errno
            close(epollFD)
            throw .system("eventfd", code)
        }
        guard add(wakeFD, token: Self.wakeToken, events: EPOLLIN.rawValue) else {
            let code = errno
            close(wakeFD)
            close(epollFD)
            throw .system("epoll_ctl", code)
        }
    }

    /// Starts the thread. `onEvents` gets each batch of ready sockets (the wake-up excluded);
    /// `onTick` runs about every `tick`.
    func start(tick: Duration, onEvents: @escaping (ReadyEvents) -> Void, onTick: @escaping () -> Void) {
        self.onEvents = onEvents
        self.onTick = onTick
        tickNanoseconds = max(1_000_000, tick.nanoseconds)
        let thread = Thread { [unowned self] in self.run() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
        started.wait()
    }

    // MARK: watching descriptors (any thread; epoll_ctl is thread-safe)

    /// Watches `fd` for `events`; epoll hands `token` back with each readiness.
    @discardableResult
    func add(_ fd: Int32, token: UInt64, events: UInt32) -> Bool { control(EPOLL_CTL_ADD, fd, token: token, events: events) }

    @discardableResult
    func modify(_ fd: Int32, token: UInt64, events: UInt32) -> Bool { control(EPOLL_CTL_MOD, fd, token: token, events: events) }

    private func control(_ operation: Int32, _ fd: Int32, token: UInt64, events: UInt32) -> Bool {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        return epoll_ctl(epollFD, operation, fd, &event) == 0
    }

    // MARK: SerialExecutor, TaskExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        _ = submit(.job(UnownedJob(job)))  // after stop: the job never runs (the server is gone)
    }

    /// Runs `work` on the loop thread, after what is already queued: cheaper than hopping a task.
    /// False (and `work` never runs) once the loop has stopped.
    @discardableResult
    func execute(_ work: @escaping @Sendable () -> Void) -> Bool {
        submit(.closure(work))
    }

    private func submit(_ work: Work) -> Bool {
        let (accepted, wake) = shared.withLock { state -> (Bool, Bool) in
            guard !state.stopped else { return (false, false) }
            state.jobs.append(work)
            guard state.sleeping else { return (true, false) }
            state.sleeping = false
            return (true, true)
        }
        if wake { signal() }
        return accepted
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    func asUnownedTaskExecutor() -> UnownedTaskExecutor { UnownedTaskExecutor(ordinary: self) }

    func checkIsolated() {
        precondition(isCurrent, "not on the HTTP loop thread '\(name)'")
    }

    /// Whether the caller runs on this loop's thread (`Thread.current`, not `pthread_self()`:
    /// glibc marks that `const`, and optimised async code would reuse a value from before an `await`).
    var isCurrent: Bool { Thread.current === loopThread }

    /// Ends the loop after the work already queued has run, and closes epoll. Sockets first.
    func stop() {
        let wasStopping = shared.withLock { state -> Bool in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !wasStopping else { return }
        signal()
        if !isCurrent { finished.wait() }
    }

    /// Monotonic nanoseconds (CLOCK_MONOTONIC, never goes back).
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    // MARK: the loop

    private func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    private func run() {
        cepoll_set_thread_name(String(name.prefix(15)))  // Foundation does not name it on Linux
        loopThread = Thread.current
        started.signal()
        let serial = asUnownedSerialExecutor(), preferred = asUnownedTaskExecutor()
        let capacity = 512
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var batch: [Work] = []
        batch.reserveCapacity(64)
        var nextTick = Self.now() + tickNanoseconds
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
            if stopping && shared.withLock({ state in
                state.stopped = state.jobs.isEmpty
                return state.stopped
            }) { break }

            let now = Self.now()
            if now >= nextTick {
                onTick()
                nextTick = now + tickNanoseconds
            }
            let timeout = shared.withLock { state -> Int32 in
                if !state.jobs.isEmpty || state.stopping { return 0 }
                state.sleeping = true
                return Int32((nextTick - min(now, nextTick) + 999_999) / 1_000_000)
            }
            let count = epoll_wait(epollFD, events, Int32(capacity), timeout)
            shared.withLock { $0.sleeping = false }
            guard count > 0 else { continue }
            var ready = 0
            for index in 0..<Int(count) {
                if events[index].data.u64 == Self.wakeToken {
                    var counter: UInt64 = 0
                    _ = withUnsafeMutableBytes(of: &counter) { read(wakeFD, $0.baseAddress, 8) }
                } else {
                    events[ready] = events[index]
                    ready += 1
                }
            }
            if ready > 0 { onEvents(ReadyEvents(buffer: UnsafeBufferPointer(start: events, count: ready))) }
        }
        onEvents = { _ in }
        onTick = {}
        close(wakeFD)
        close(epollFD)
        finished.signal()
    }
}

/// One batch of `epoll_wait` results, valid during the call it is passed to, on the loop thread.
struct ReadyEvents: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<epoll_event>
}

extension Duration {
    /// Whole nanoseconds (negative durations count as zero).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
