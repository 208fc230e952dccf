import Bus
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A built executable of this package (`mpp-notifications`, `mpp-notify-worker`) run as a child
/// process with its output in files, so a test can kill it like an operator's `kill -9` would.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    let logPath: String

    /// The folder of the test runner, where SwiftPM puts every executable of the package.
    static let binaries: String? = {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let folder = ProcessInfo.processInfo.environment["MPP_BIN_DIR"] ?? (runner as NSString).deletingLastPathComponent
        return FileManager.default.isExecutableFile(atPath: folder + "/mpp-notifications") ? folder : nil
    }()

    init(_ executable: String, environment: [String: String], folder: String) throws {
        guard let binaries = Self.binaries else {
            throw RPCError(.failedPrecondition, "\(executable) is not built next to the test runner: swift build --build-tests first, or set MPP_BIN_DIR")
        }
        name = executable
        logPath = "\(folder)/\(executable)-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: binaries + "/" + executable)
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MPP_") }
        inherited.merge(environment) { _, new in new }
        process.environment = inherited
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGKILL, and wait for the process to be gone.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait up to `timeout` for a graceful exit (then SIGKILL); the exit status.
    @discardableResult
    func stop(timeout: Duration = .seconds(10)) async -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        Glibc.kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        kill()
        return process.terminationStatus
    }
}
