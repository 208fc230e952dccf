import Bus
import Foundation
import TestKit
import Support
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where the built executables are. The test runner (`swift test`, or the `.xctest` binary run
/// by hand) lives in the same products folder as `mpp` and `mpp-registry`, whatever the scratch
/// path (`.build/debug`, `.build-e2e/debug`, `.build/x86_64-unknown-linux-gnu/release`, …).
/// `MPP_BIN_DIR` overrides it.
enum Binaries {
    static let directory: String? = {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["MPP_BIN_DIR"], !override.isEmpty { candidates.append(override) }
        if let runner = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((runner as NSString).deletingLastPathComponent)
        }
        let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(argument0.deletingLastPathComponent().path)
        let bundle = Bundle.main.bundleURL.resolvingSymlinksInPath()
        candidates += [bundle.path, bundle.deletingLastPathComponent().path]
        // Last resort: the default scratch path of the package this file belongs to.
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        candidates.append(root.appendingPathComponent(".build/debug").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/mpp-registry")
            && FileManager.default.isExecutableFile(atPath: $0 + "/mpp") }
    }()

    /// The path of a built executable, or a failed requirement explaining how to build it.
    static func path(_ name: String) throws -> String {
        guard let directory else {
            throw RPCError(.failedPrecondition, "\(name) not found next to the test runner (\(CommandLine.arguments[0])): "
                           + "run `swift build --build-tests` before `swift test --skip-build`, or set MPP_BIN_DIR")
        }
        return directory + "/" + name
    }
}

/// The package root (for Tests/interop).
let packageRoot: String = {
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }
    return root.path
}()

/// A child process with its output in files (no pipe can fill up and block it). Killed with
/// SIGKILL on `deinit`-free cleanup: call `kill()` in a `defer`.
final class Child: @unchecked Sendable {
    let process = Process()
    let name: String
    let outputPath: String
    let errorPath: String

    init(_ executable: String, _ arguments: [String] = [], environment: [String: String], folder: String) throws {
        name = (executable as NSString).lastPathComponent
        let stamp = UUID().uuidString.prefix(8)
        outputPath = "\(folder)/\(name)-\(stamp).out"
        errorPath = "\(folder)/\(name)-\(stamp).err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) {
        if process.isRunning { Glibc.kill(pid, number) }
    }

    /// SIGKILL if still running: for `defer`.
    func kill() {
        signal(SIGKILL)
    }

    /// Waits for the exit; nil if still running after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// The result of a child run to completion.
struct Finished: Sendable {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs an executable to completion (killed after `timeout`).
func run(_ executable: String, _ arguments: [String], environment: [String: String], folder: String,
         timeout: Duration = .seconds(30)) async throws -> Finished {
    let child = try Child(executable, arguments, environment: environment, folder: folder)
    defer { child.kill() }
    guard let status = await child.waitForExit(timeout: timeout) else {
        Issue.record("\(child.name) \(arguments.joined(separator: " ")) still running after \(timeout): killed")
        child.kill()
        _ = await child.waitForExit(timeout: .seconds(2))
        return Finished(status: -1, output: child.output, errors: child.errors)
    }
    return Finished(status: status, output: child.output, errors: child.errors)
}

/// Runs an executable until `accept` holds for its result, at most `attempts` times (a loaded CI
/// machine can make one 2 s registry timeout inside `mpp status` expire).
func run(_ executable: String, _ arguments: [String], environment: [String: String], folder: String, attempts: Int,
         until accept: (Finished) -> Bool) async throws -> Finished {
    var last = try await run(executable, arguments, environment: environment, folder: folder)
    for _ in 1..<max(1, attempts) where !accept(last) {
        try await Task.sleep(for: .milliseconds(200))
        last = try await run(executable, arguments, environment: environment, folder: folder)
    }
    return last
}

/// The test's environment without any MPP_ variable, plus `values`.
func childEnvironment(_ values: [String: String]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MPP_") }
    environment.merge(values) { _, new in new }
    return environment
}

/// Whether a process exists and is not a zombie.
func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0, Glibc.kill(pid, 0) == 0 || errno == EPERM else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return true }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return state != "Z" && state != "X"
}

/// The command line of a process, for making sure a pid is the one we think.
func commandLine(_ pid: Int32) -> String {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
    return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
}

/// Two distinct free ports (rpc, events).
func freePorts() -> (Int, Int) {
    while true {
        let (a, b) = (freePort(), freePort())
        if a != b { return (a, b) }
    }
}

/// Asks an endpoint for `sys.health`; nil when it does not answer within `timeout`.
func health(_ client: RPCClient, _ endpoint: String, timeout: Duration = .seconds(3)) async -> Health? {
    guard let outcome = try? await client.send(to: endpoint, method: "sys.health", body: Array("{}".utf8), timeout: timeout),
          !outcome.isError else { return nil }
    return try? JSON.decode(Health.self, from: outcome.body)
}

/// An `mpp-registry` child process on free ports with its own data folder.
struct RegistryProcess {
    let child: Child
    let rpc: String
    let events: String
    let rpcPort: Int
    let environment: [String: String]

    /// Starts it and waits until it answers `sys.health` (retrying on new ports if a port was taken).
    static func start(folder: String, extra: [String: String] = [:], client: RPCClient,
                      waitForHealth: Bool = true) async throws -> RegistryProcess {
        let executable = try Binaries.path("mpp-registry")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for _ in 0..<3 {
            let (rpcPort, eventsPort) = freePorts()
            let rpc = "tcp://127.0.0.1:\(rpcPort)"
            let environment = childEnvironment([
                "MPP_DATA": folder + "/data", "MPP_RPC_PORT": "\(rpcPort)", "MPP_EVENTS_PORT": "\(eventsPort)",
                "MPP_REGISTRY": rpc, "MPP_DRAIN_SECONDS": "2",
                // Like under `mpp up`: if this test process dies without its `defer`s, the registry stops by itself.
                "MPP_SUPERVISOR_PID": "\(getpid())",
            ].merging(extra) { _, new in new })
            let child = try Child(executable, environment: environment, folder: folder)
            let registry = RegistryProcess(child: child, rpc: rpc, events: "tcp://127.0.0.1:\(eventsPort)",
                                           rpcPort: rpcPort, environment: environment)
            guard waitForHealth else { return registry }
            let up = await eventually(timeout: .seconds(10)) {
                if !child.isRunning { return true }
                return await health(client, rpc, timeout: .milliseconds(500)) != nil
            }
            if up && child.isRunning { return registry }
            child.kill()
            if child.errors.contains("in use") { continue }
            throw RPCError(.unavailable, "mpp-registry did not come up: status \(child.isRunning ? "running" : "\(child.process.terminationStatus)")\n\(child.errors)")
        }
        throw RPCError(.unavailable, "mpp-registry: no free port pair after 3 attempts")
    }
}

/// `mpp status --json` lines.
struct StatusLine: Decodable {
    var service: String
    var instance: String
    var rpc: String
    var version: String
    var status: String
    var uptime_s: Double?
    var requests: Int?
}
