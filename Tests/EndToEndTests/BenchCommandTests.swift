import Foundation
import TestKit
import Testing

/// Issue 14 finding 9: `mpp-bench --help` and an unknown word say what there is, and run nothing.
@Suite struct BenchCommandTests {
    static let sections = ["rpc", "events", "sla", "catalog", "identity", "applications", "notifications", "store"]

    @Test func helpListsTheSectionsAndOptions() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for words in [["--help"], ["-h"], ["help"]] {
            let run = try await runCommand(words, executable: "mpp-bench", environment: [:], folder: folder)
            #expect(run.status == 0, "\(words): \(run.errors)")
            for word in Self.sections + ["--quick", "--help"] { #expect(run.output.contains(word), "\(words) should mention \(word)") }
        }
    }

    @Test func anUnknownWordIsAUsageError() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for words in [["frobnicate"], ["rpc", "--fast"]] {
            let run = try await runCommand(words, executable: "mpp-bench", environment: [:], folder: folder)
            #expect(run.status == 2, "\(words): status \(run.status)")
            #expect(run.errors.contains(words.last!), "names the unknown word: \(run.errors)")
            for word in Self.sections + ["--quick"] { #expect(run.errors.contains(word), "\(words) should list \(word)") }
        }
    }
}
