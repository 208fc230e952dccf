import Foundation

/// What a run of one of our command-line executables printed, and how it ended.
public struct CommandRun: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String
}

/// Runs `mpp WORDS…` (or another built executable) with a clean `MPP_*` environment plus
/// `environment`, `HOME` and `XDG_CONFIG_HOME` in `folder` (no saved session), stdin closed.
/// A run still going after `timeout` is terminated and reports status -1.
public func runCommand(_ words: [String], executable name: String = "mpp", environment: [String: String], folder: String,
                       timeout: Duration = .seconds(20)) async throws -> CommandRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try executable(name))
    process.arguments = words
    var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MPP_") }
    merged["HOME"] = folder
    merged["XDG_CONFIG_HOME"] = folder
    merged.merge(environment) { $1 }
    process.environment = merged
    let stamp = UUID().uuidString.prefix(8)
    let (out, err) = ("\(folder)/\(name)-\(stamp).out", "\(folder)/\(name)-\(stamp).err")
    for path in [out, err] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let finished = await eventually(timeout: timeout) { !process.isRunning }
    if !finished { process.terminate() }
    process.waitUntilExit()
    let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    return CommandRun(status: finished ? process.terminationStatus : -1, output: read(out), errors: read(err))
}
