import Foundation
import Support

/// Runs the platform's executables as child processes (`mpp up`): starts them in order, restarts
/// one that crashes with backoff, and stops them all in reverse order on request. Children learn
/// the supervisor's pid (`MPP_SUPERVISOR_PID`) and stop by themselves if it dies, so nothing is
/// left orphaned.
actor Supervisor {
    struct Child {
        var name: String
        var path: String
        /// Variables set (or, when nil, removed) for this child only.
        var overrides: [String: String?] = [:]
        var process: Process?
        /// Monotonic: a restart's backoff depends on how long the child ran, not on the wall clock.
        var startedAt = ContinuousClock.now
        var policy = RestartPolicy()
        var restarts = 0
        /// Exited with EX_CONFIG: its configuration is wrong (or it is not built); restarting would not help.
        var givenUp = false
    }

    /// Exit status meaning "configuration error, do not restart" (sysexits EX_CONFIG).
    static let configurationError: Int32 = 78

    private var children: [Child] = []
    private var stopping = false
    private let environment: [String: String]
    private let log: @Sendable (String) -> Void

    init(environment: [String: String], log: @escaping @Sendable (String) -> Void) {
        self.environment = environment
        self.log = log
    }

    func add(name: String, path: String, overrides: [String: String?] = [:]) {
        children.append(Child(name: name, path: path, overrides: overrides))
    }

    var names: [String] { children.map(\.name) }

    /// Starts the child named `name`.
    func start(_ name: String) throws {
        guard let index = children.firstIndex(where: { $0.name == name }), !stopping else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: children[index].path)
        var environment = environment
        for (key, value) in children[index].overrides { environment[key] = value }
        environment["MPP_SUPERVISOR_PID"] = String(getpid())
        process.environment = environment
        process.terminationHandler = { [weak self] finished in
            let status = finished.terminationStatus
            Task { await self?.exited(name, status: status) }
        }
        try process.run()
        children[index].process = process
        children[index].startedAt = ContinuousClock.now
    }

    private func exited(_ name: String, status: Int32) async {
        guard let index = children.firstIndex(where: { $0.name == name }) else { return }
        children[index].process = nil
        guard !stopping else { return }
        if status == Self.configurationError {
            children[index].givenUp = true
            log("\(name) exited with status 78 (configuration error or not available): not restarting")
            return
        }
        let ran = ContinuousClock.now - children[index].startedAt
        let uptime = Double(ran.components.seconds) + Double(ran.components.attoseconds) / 1e18
        let delay = children[index].policy.exited(afterRunningFor: uptime, random: Double.random(in: 0..<1))
        children[index].restarts += 1
        log("\(name) exited with status \(status) after \(Int(uptime))s; restarting in \(String(format: "%.1f", delay))s")
        try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        do { try start(name) } catch { log("cannot restart \(name): \(error)") }
    }

    /// Whether `name` is running or will be restarted.
    func isAlive(_ name: String) -> Bool {
        children.first { $0.name == name }.map { !$0.givenUp } ?? false
    }

    /// SIGTERM to every child, newest first, each given `grace` to exit before SIGKILL.
    func stopAll(grace: Duration) async {
        stopping = true
        for child in children.reversed() {
            guard let process = child.process, process.isRunning else { continue }
            log("stopping \(child.name)")
            process.terminate()
            let deadline = ContinuousClock.now + grace
            while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning {
                log("\(child.name) did not stop in time: killing it")
                kill(process.processIdentifier, SIGKILL)
            }
        }
    }
}
