import Dispatch
import Foundation
import Support

/// SIGTERM and SIGINT, taken from their default action as soon as `listen()` is called (call it
/// first thing, so a stop request during a slow start is not lost and does not kill the
/// process mid-start), then waited for.
public final class ShutdownSignal: Sendable {
    private struct State: Sendable {
        var received: String?
        var waiters: [CheckedContinuation<String, Never>] = []
    }

    private static let shared = ShutdownSignal()
    private let state = Mutexed(State())
    private let sources: [SignalSourceBox]

    private init() {
        var sources: [SignalSourceBox] = []
        let state = state
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let waiters = state.update { state -> [CheckedContinuation<String, Never>] in
                    guard state.received == nil else { return [] }
                    state.received = name
                    defer { state.waiters.removeAll() }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume(returning: name) }
            }
            source.resume()
            sources.append(SignalSourceBox(source))
        }
        self.sources = sources
    }

    /// Starts catching SIGTERM/SIGINT (idempotent).
    public static func listen() { _ = shared }

    /// The signal received so far, if any.
    public static var received: String? { shared.state.get().received }

    /// Suspends until the process is asked to stop; returns the signal's name.
    public static func wait() async -> String {
        await withCheckedContinuation { continuation in
            let already = shared.state.update { state -> String? in
                if let received = state.received { return received }
                state.waiters.append(continuation)
                return nil
            }
            if let already { continuation.resume(returning: already) }
        }
    }

    /// Like `wait()`, but also returns when the supervisor named by `MPP_SUPERVISOR_PID`
    /// (`mpp up`) has died, so a killed supervisor leaves no orphan services behind.
    public static func waitOrOrphaned() async -> String {
        guard let text = ProcessInfo.processInfo.environment["MPP_SUPERVISOR_PID"], let supervisor = Int32(text) else {
            return await wait()
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let resumed = Mutexed(false)
            let finish: @Sendable (String) -> Void = { reason in
                if resumed.update({ value -> Bool in defer { value = true }; return !value }) { continuation.resume(returning: reason) }
            }
            Task { finish(await wait()) }
            Task {
                while getppid() == supervisor { try? await Task.sleep(for: .milliseconds(500)) }
                finish("supervisor gone")
            }
        }
    }
}

/// Keeps a signal source alive for the life of the process.
struct SignalSourceBox: @unchecked Sendable {
    let source: DispatchSourceSignal
    init(_ source: DispatchSourceSignal) { self.source = source }
}
