import Applications
import Bus
import Foundation
import ServiceKit
import Support
import TestKit
import Testing

/// A crash (SIGKILL) of the applications executable between requests, and in the middle of
/// them, loses no accepted application and no event: restart on the same data and compare.
@Suite("Crash") struct CrashTests {
    @Test func killedAndRestartedItLosesNothingAccepted() async throws {
        let platform = try await Platform.shared.value
        let data = temporaryFolder("mpp-applications-crash")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let helper = try await RunningApplications.start(platform)  // only for the identity steps of the scenario
        defer { Task { await helper.stop() } }
        let citizen = try await Scenario(platform, helper).citizen()
        let officer = try await Scenario(platform, helper).staff(.officer, agency: "disdukcapil")
        let instance = "applications-crash-\(UUID().uuidString.prefix(8))"

        var child = try ServiceProcess("mpp-applications", data: data, registry: platform.registryEndpoint, logLevel: "info",
                                       extra: ["MPP_INSTANCE": instance])
        defer { child.kill() }
        var story = try await remote(platform, child, citizen)
        var accepted: [String: String] = [:]  // idempotency key → tracking number
        for _ in 0..<6 {
            let key = UUID().uuidString
            accepted[key] = try await story.applyForKTP(citizen, key: key).tracking_number
        }
        let verified = try #require(accepted.values.first)
        _ = try await story.act(verified, "verify", by: officer)
        let before = try await story.events()

        // Between two requests.
        child.kill()
        child = try ServiceProcess("mpp-applications", data: data, registry: platform.registryEndpoint, logLevel: "info",
                                   extra: ["MPP_INSTANCE": instance])
        story = try await remote(platform, child, citizen)
        #expect(try await story.events().prefix(before.count) == before[...])
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
        child = try ServiceProcess("mpp-applications", data: data, registry: platform.registryEndpoint, logLevel: "info",
                                   extra: ["MPP_INSTANCE": instance])
        story = try await remote(platform, child, citizen)
        // Only the store remembers the keys now: one reused for a different request is refused.
        let (reusedKey, _) = try #require(accepted.first)
        let reused = try await story.send("applications.submit", SubmitApplication(
            service: "ktp-el", region: Places.sukabumi, form: ["alasan": "hilang"],
            documents: ["kk": DocumentInput(attachment: 0, name: "kk.pdf")]), as: citizen, key: reusedKey, attachments: [SampleFiles.pdf(reusedKey)])
        #expect(reused.error?.code == .invalidArgument && reused.error?.fields["idempotency_key"] != nil)
        for (key, number) in accepted { #expect(try await story.applyForKTP(citizen, key: key).tracking_number == number) }
        for key in keys where accepted[key] == nil { accepted[key] = try await story.applyForKTP(citizen, key: key).tracking_number }

        // One application per key, one `application.submitted` per application, no gaps.
        let mine: ApplicationPage = try await story.call("applications.mine", MineRequest(page_size: 200), as: citizen, key: nil)
        #expect(Set(mine.items.map(\.tracking_number)) == Set(accepted.values) && mine.items.count == accepted.count)
        let after = try await story.events()
        #expect(after.map(\.seq) == Array(1...Int64(after.count)))
        let submitted = after.filter { $0.topic == "application.submitted" }.compactMap { $0.event.subject }
        #expect(submitted.sorted() == accepted.values.sorted())
        #expect(after.prefix(before.count) == before[...])
    }

    /// A scenario calling the child, once it serves and trusts identity's keys.
    private func remote(_ platform: Platform, _ child: ServiceProcess, _ probe: Person) async throws -> Scenario {
        let story = Scenario(platform, endpoint: try await child.serving())
        let ready = await eventually(timeout: .seconds(20)) {
            (try? await story.send("applications.mine", MineRequest(), as: probe, key: nil).isError) == false
        }
        guard ready else { throw RPCError(.unavailable, "mpp-applications does not accept tokens yet") }
        return story
    }
}

extension EventsReadReply.Item: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.seq == b.seq && a.topic == b.topic && a.event == b.event }
}
