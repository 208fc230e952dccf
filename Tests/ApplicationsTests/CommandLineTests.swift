import Applications
import Bus
import Domain
import Foundation
import ServiceKit
import Support
import TestKit
import Testing

/// The `mpp` verbs of applications, run as the real executable against a platform of its own
/// (so that discovery finds exactly one applications service).
@Suite("mpp command") struct CommandLineTests {
    /// Runs `mpp WORDS…` with `token` as MPP_TOKEN and no saved session.
    func mpp(_ words: [String], token: String?, platform: Platform, folder: String) async throws -> CommandRun {
        var environment = ["MPP_REGISTRY": platform.registryEndpoint]
        environment["MPP_TOKEN"] = token
        return try await runCommand(words, environment: environment, folder: folder)
    }

    @Test func applyTrackActAndSurveyFromTheCommandLine() async throws {
        let platform = try await Platform.start()
        let applications = try await RunningApplications.start(platform)
        let folder = temporaryFolder("mpp-applications-cli")
        defer {
            Task {
                await applications.stop()
                await platform.stop()
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        let story = Scenario(platform, applications)
        let citizen = try await story.citizen(), officer = try await story.staff(.officer, agency: "disdukcapil")
        let scan = folder + "/kk.pdf"
        _ = FileManager.default.createFile(atPath: scan, contents: Data(SampleFiles.pdf("cli")))

        let applied = try await mpp(["apply", "ktp-el", "--region", Places.sukabumi, "--field", "alasan=hilang", "--doc", "kk=\(scan)", "--json"],
                                    token: citizen.token, platform: platform, folder: folder)
        #expect(applied.status == 0, "\(applied.errors)")
        let view = try JSON.decode(ApplicationView.self, from: Array(applied.output.utf8))
        let number = view.tracking_number
        #expect(view.form["alasan"] == "hilang" && view.documents.first?.name == "kk.pdf")
        let document = try #require(view.documents.first)

        let tracked = try await mpp(["track", number], token: nil, platform: platform, folder: folder)
        #expect(tracked.status == 0 && tracked.output.contains("submitted"))
        // Issue 14, finding 5: times a person reads are local, with the zone's label, never bare UTC.
        let local = PeopleFormat.local(Date(), zone: .wib)
        #expect(tracked.output.contains("submitted    \(PeopleFormat.compactDate(local.date))"), "\(tracked.output)")
        #expect(tracked.output.contains(" WIB") && !tracked.output.contains("T0") && !tracked.output.contains("Z\n"), "\(tracked.output)")
        let vault = try await mpp(["vault"], token: citizen.token, platform: platform, folder: folder)
        #expect(vault.status == 0 && vault.output.contains(document.vault_id))
        let queue = try await mpp(["queue", "--claimed", "none"], token: officer.token, platform: platform, folder: folder)
        #expect(queue.status == 0 && queue.output.contains(number))
        #expect(queue.output.contains(" WIB"), "DUE and UPDATED in WIB:\n\(queue.output)")

        let early = try await mpp(["act", number, "complete", "--output", "KTP"], token: officer.token, platform: platform, folder: folder)
        #expect(early.status == 1 && early.errors.contains("failed_precondition"))
        let verified = try await mpp(["act", number, "verify"], token: officer.token, platform: platform, folder: folder)
        #expect(verified.status == 0 && verified.output.contains("verified"), "\(verified.errors)")
        let revision = try await mpp(["act", number, "request_revision", "--note", "Surat kehilangan belum ada"],
                                     token: officer.token, platform: platform, folder: folder)
        #expect(revision.status == 0)
        let resubmitted = try await mpp(["act", number, "resubmit", "--vault", "kk=\(document.vault_id)", "--doc", "surat_kehilangan=\(scan)"],
                                        token: citizen.token, platform: platform, folder: folder)
        #expect(resubmitted.status == 0 && resubmitted.output.contains("surat_kehilangan"), "\(resubmitted.errors)")
        let mine = try await mpp(["mine"], token: citizen.token, platform: platform, folder: folder)
        #expect(mine.status == 0 && mine.output.contains(number))
        let earlySurvey = try await mpp(["survey", number, "--scores", "4,4,4,4,4,4,4,4,4"], token: citizen.token, platform: platform, folder: folder)
        #expect(earlySurvey.status == 1)
        let usage = try await mpp(["survey", number], token: citizen.token, platform: platform, folder: folder)
        #expect(usage.status == 2)
    }
}
