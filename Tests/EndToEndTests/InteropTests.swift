import Foundation
import TestKit
import Testing

/// PROTOCOL.md is enough for another language: `Tests/interop/check_health.py` (pyzmq) drives a
/// real `mpp-registry`. Skipped when python3 or pyzmq is missing (`make deps` installs them).
@Suite struct InteropTests {
    static let pythonWithZMQ: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import zmq"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test(.enabled(if: InteropTests.pythonWithZMQ, "python3 with pyzmq is not installed (apt-get install python3-zmq)"))
    func pythonClientSpeaksMPP1() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = packageRoot + "/Tests/interop/check_health.py"
        #expect(FileManager.default.fileExists(atPath: script))
        let finished = try await run("/usr/bin/env", ["python3", script, try Binaries.path("mpp-registry")],
                                     environment: childEnvironment([:]), folder: folder, timeout: .seconds(30))
        let lines = finished.output.split(separator: "\n")
        let summary = String(lines.last ?? "")
        #expect(finished.status == 0, "check_health.py:\n\(finished.output)\n\(finished.errors)")
        #expect(summary.hasSuffix(" passed, 0 failed"), "last line: \(summary)")
        #expect((Int(summary.split(separator: " ").first ?? "") ?? 0) >= 20, "it ran its checks: \(summary)")
    }
}
