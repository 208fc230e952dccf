import Applications
import Bus
import Foundation
import ServiceKit
import Support
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A built executable next to the test runner (`swift build --build-tests` builds both into the
/// same folder; `MPP_BIN_DIR` overrides).
func executable(_ name: String) throws -> String {
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

/// The `mpp-applications` executable as a child process.
final class ApplicationsProcess: @unchecked Sendable {
    let process = Process()
    let instance: String

    /// Starts it on `data` with the platform's registry, logs in `data/…log`.
    init(platform: Platform, data: String, instance: String) throws {
        self.instance = instance
        process.executableURL = URL(fileURLWithPath: try executable("mpp-applications"))
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MPP_") }
        environment.merge(hostEnvironment(data, registry: platform.registryEndpoint, ["MPP_INSTANCE": instance])) { $1 }
        process.environment = environment
        let log = data + "/\(instance)-\(UUID().uuidString.prefix(6)).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Its rpc endpoint once it has registered and trusts identity's keys.
    func endpoint(_ platform: Platform, probe: Person) async throws -> String {
        let found = Mutexed<String?>(nil)
        let ready = await within(.seconds(20)) {
            guard process.isRunning else { return true }
            let lookup = try? await platform.rpc.send(to: platform.registryEndpoint, method: "registry.lookup",
                                                      body: try JSON.encode(["service": "applications"]), timeout: .seconds(1))
            let instances = lookup.flatMap { try? JSONParser.parse($0.body)["instances"]?.arrayValue } ?? []
            guard let rpc = instances.first(where: { $0["instance"]?.stringValue == instance })?["rpc"]?.stringValue else { return false }
            let answer = try? await platform.rpc.send(to: rpc, method: "applications.mine", metadata: RequestMetadata(token: probe.token),
                                                      body: Array("{}".utf8), timeout: .seconds(1))
            guard let answer, !answer.isError else { return false }
            found.set(rpc)
            return true
        }
        guard ready, process.isRunning, let found = found.get() else { throw RPCError(.unavailable, "mpp-applications \(instance) did not come up") }
        return found
    }
}

/// A crash (SIGKILL) of the applications executable between requests, and in the middle of
/// them, loses no accepted application and no event: restart on the same data and compare.
@Suite("Crash") struct CrashTests {
    @Test func killedAndRestartedItLosesNothingAccepted() async throws {
        let platform = try await Platform.shared.value
        let data = scratchFolder("mpp-applications-crash")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let helper = try await RunningApplications.start(platform)  // only for the identity steps of the scenario
        defer { Task { await helper.stop() } }
        let citizen = try await Scenario(platform, helper).citizen()
        let officer = try await Scenario(platform, helper).staff(.officer, agency: "disdukcapil")
        let instance = "applications-crash-\(UUID().uuidString.prefix(8))"

        var child = try ApplicationsProcess(platform: platform, data: data, instance: instance)
        defer { child.kill() }
        var story = try await remote(platform, child, citizen)
        var accepted: [String: String] = [:]  // idempotency key → tracking number
        for _ in 0..<6 {
            let key = UUID().uuidString
            accepted[key] = try await story.applyForKTP(citizen, key: key).tracking_number
        }
        let verified = try #require(accepted.values.first)
        _ = try await story.act(verified, "verify", by: officer)
        let before = try await events(story)

        // Between two requests.
        child.kill()
        child = try ApplicationsProcess(platform: platform, data: data, instance: instance)
        story = try await remote(platform, child, citizen)
        #expect(try await events(story).prefix(before.count) == before[...])
        for (_, number) in accepted { #expect(try await story.get(number, as: citizen).tracking_number == number) }
        #expect(try await story.get(verified, as: citizen).state == "verified")

        // In the middle of a burst: what was acknowledged must survive, what was not may be retried once.
        let keys = (0..<12).map { _ in UUID().uuidString }
        story.timeout = .seconds(3)  // the requests in flight when it dies get no answer
        let replies = try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for key in keys {
                group.addTask { [story] in (key, try? await story.applyForKTP(citizen, key: key).tracking_number) }
            }
            var replies: [(String, String?)] = []
            for try await reply in group {
                replies.append(reply)
                if replies.count == 4 { child.kill() }
            }
            return replies
        }
        for case let (key, number?) in replies { accepted[key] = number }
        #expect(replies.count == keys.count)
        child = try ApplicationsProcess(platform: platform, data: data, instance: instance)
        story = try await remote(platform, child, citizen)
        for (key, number) in accepted { #expect(try await story.applyForKTP(citizen, key: key).tracking_number == number) }
        for key in keys where accepted[key] == nil { accepted[key] = try await story.applyForKTP(citizen, key: key).tracking_number }

        // One application per key, one `application.submitted` per application, no gaps.
        let mine: ApplicationPage = try await story.call("applications.mine", MineRequest(limit: 200), as: citizen, key: nil)
        #expect(Set(mine.items.map(\.tracking_number)) == Set(accepted.values) && mine.items.count == accepted.count)
        let after = try await events(story)
        #expect(after.map(\.seq) == Array(1...Int64(after.count)))
        let submitted = after.filter { $0.topic == "application.submitted" }.compactMap { $0.event.subject }
        #expect(submitted.sorted() == accepted.values.sorted())
        #expect(after.prefix(before.count) == before[...])
    }

    /// A scenario calling the child.
    private func remote(_ platform: Platform, _ child: ApplicationsProcess, _ probe: Person) async throws -> Scenario {
        Scenario(platform, endpoint: try await child.endpoint(platform, probe: probe))
    }

    private func events(_ story: Scenario) async throws -> [EventsReadReply.Item] {
        let outcome = try await story.send("events.read", EventsReadRequest(after: 0, limit: 1_000), as: nil, key: nil)
        if let error = outcome.error { throw error }
        return try EventsReadReply(bytes: outcome.body).events
    }
}

extension EventsReadReply.Item: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.seq == b.seq && a.topic == b.topic && a.event == b.event }
}
