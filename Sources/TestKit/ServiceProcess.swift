import Bus
import Foundation
import Support
#if canImport(Glibc)
import Glibc
#endif

/// A built executable next to the test runner (`swift build --build-tests` builds both into the
/// same folder); `MPP_BIN_DIR` overrides.
public func executable(_ name: String) throws -> String {
    var folders: [String] = []
    if let override = ProcessInfo.processInfo.environment["MPP_BIN_DIR"], !override.isEmpty { folders.append(override) }
    if let runner = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        folders.append((runner as NSString).deletingLastPathComponent)
    }
    guard let folder = folders.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/" + name) }) else {
        throw RPCError(.failedPrecondition, "\(name) not built next to the test runner: swift build --build-tests first")
    }
    return folder + "/" + name
}

/// A registry address where nothing listens: discovery keeps retrying in the background, harmlessly.
public let unreachableRegistry = "tcp://127.0.0.1:9"

/// The environment of a service instance in a test: its data folder, ephemeral ports, the registry.
/// `uniqueInstance` gives it a fresh instance name (`test-…`): several instances of one service in
/// one process would otherwise share the default one (service, host and process id).
public func serviceEnvironment(_ folder: String, registry: String = unreachableRegistry, logLevel: String = "debug",
                               uniqueInstance: Bool = false, _ extra: [String: String] = [:]) -> [String: String] {
    var environment = ["MPP_DATA": folder, "MPP_REGISTRY": registry, "MPP_RPC_PORT": "0", "MPP_EVENTS_PORT": "0", "MPP_LOG_LEVEL": logLevel,
                       "MPP_DRAIN_SECONDS": "1", "MPP_LEASE_MS": "2000", "MPP_ARGON2": "minimum",
                       "MPP_KEYS": sharedKeysFolder(registry: registry)]
    if uniqueInstance { environment["MPP_INSTANCE"] = "test-\(UUID().uuidString.prefix(12))" }
    return environment.merging(extra) { $1 }
}

/// The keys folder of every service that uses `registry`: the services of one test platform
/// share it as the services of one host do (identity pins its token keys there; in plain mode the
/// others read them from it). Tests that bring their own keys set `MPP_KEYS` themselves.
public func sharedKeysFolder(registry: String) -> String {
    let tag = String(registry.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" })
    return NSTemporaryDirectory() + "mpp-test-keys/" + tag
}

/// A service executable (`mpp-registry`, `mpp-catalog`, …) as a child process on ephemeral
/// ports, its JSON log in a file of its data folder; `serving()` reads its rpc endpoint from the
/// log's `serving` line.
public final class ServiceProcess: @unchecked Sendable {
    public let process = Process()
    public let name: String
    public let log: String

    public init(_ name: String, data: String, registry: String, logLevel: String = "debug", uniqueInstance: Bool = false,
                extra: [String: String] = [:]) throws {
        self.name = name
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: try executable(name))
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MPP_") }
        // The test process is the supervisor: a test that fails (or a runner that dies) leaves no
        // service running on.
        environment["MPP_SUPERVISOR_PID"] = String(getpid())
        environment.merge(serviceEnvironment(data, registry: registry, logLevel: logLevel, uniqueInstance: uniqueInstance, extra)) { $1 }
        process.environment = environment
        log = data + "/\(name)-\(UUID().uuidString.prefix(6)).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// The rpc endpoint it announced, once it is serving.
    public func serving(timeout: Duration = .seconds(30)) async throws -> String {
        let endpoint = Mutexed<String?>(nil)
        _ = await eventually(timeout: timeout) { [self] in
            guard process.isRunning else { return true }
            let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
            let announced = lines.compactMap { try? JSONParser.parse(Array($0.utf8)) }.last { $0["msg"] == "serving" }
            endpoint.set(announced?["rpc"]?.stringValue)
            return endpoint.get() != nil
        }
        guard process.isRunning, let rpc = endpoint.get() else {
            throw RPCError(.unavailable, "\(name) did not come up: \((try? String(contentsOfFile: log, encoding: .utf8))?.suffix(2_000) ?? "")")
        }
        return rpc
    }

    /// The log so far.
    public var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// SIGKILL: no goodbye, no drain.
    public func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM and wait for the graceful exit; its status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
