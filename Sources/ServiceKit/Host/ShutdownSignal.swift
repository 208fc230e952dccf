import Dispatch
import Foundation

/// Waits for SIGTERM or SIGINT (the signals are taken from their default action).
public enum ShutdownSignal {
    /// Suspends until the process is asked to stop; returns the signal's name.
    public static func wait() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let fired = Mutexed(false)
            var sources: [DispatchSourceSignal] = []
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    let first = fired.update { value -> Bool in defer { value = true }; return !value }
                    if first { continuation.resume(returning: name) }
                }
                source.resume()
                sources.append(source)
            }
            retained.set(sources.map { SignalSourceBox($0) })
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

    private static let retained = Mutexed<[SignalSourceBox]>([])
}

/// Keeps a signal source alive for the life of the process.
struct SignalSourceBox: @unchecked Sendable {
    let source: DispatchSourceSignal
    init(_ source: DispatchSourceSignal) { self.source = source }
}

import Support
