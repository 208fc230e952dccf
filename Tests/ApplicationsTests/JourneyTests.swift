import Applications
import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support
import TestKit
import Testing

/// The story end to end, on a real registry, catalog and identity: a citizen registers,
/// logs in and applies for a KTP-el replacement with a scanned KK; a Disdukcapil officer of the
/// kab/kota verifies and asks for a revision; the citizen resubmits reusing the vault document;
/// the application is processed, approved and completed; history, public tracking, survey.
@Suite("Journey") struct JourneyTests {
    @Test func ktpReplacementFromSubmissionToSurvey() async throws {
        let platform = try await Platform.shared.value
        let applications = try await RunningApplications.start(platform)
        defer { Task { await applications.stop() } }
        try await journey(Scenario(platform, applications))
    }

    /// The same story with every service a real executable: `mpp-registry`, `mpp-catalog`,
    /// `mpp-identity`, `mpp-applications`.
    @Test func theSameStoryWithTheRealExecutables() async throws {
        let platform = try await Platform.executables()
        defer {
            platform.stopChildren()
            try? FileManager.default.removeItem(atPath: platform.folder)
        }
        let applications = try ServiceProcess("mpp-applications", data: platform.folder + "/applications", registry: platform.registryEndpoint,
                                              logLevel: "info", uniqueInstance: true)
        defer { _ = applications.stop() }
        let story = Scenario(platform, endpoint: try await applications.serving())
        let ops = Person(sub: "ops", token: platform.opsToken)
        #expect(await eventually { (try? await story.send("applications.mine", MineRequest(), as: ops, key: nil))?.error?.code == .permissionDenied })
        let number = try await journey(story)
        // Registered like every service: discovery finds it.
        let tracked = try await story.stack.client.call("applications.track", TrackingRef(tracking_number: number), as: TrackView.self)
        #expect(tracked.status == "completed")
    }

    @discardableResult
    func journey(_ story: Scenario) async throws -> String {
        let citizen = try await story.citizen()
        let officer = try await story.staff(.officer, agency: "disdukcapil")
        let supervisor = try await story.staff(.supervisor, agency: "disdukcapil")

        // Only the reason is typed: everything else comes from the profile, the KK is scanned.
        let submitted = try await story.applyForKTP(citizen)
        let number = submitted.tracking_number
        #expect(TrackingNumber(number) != nil && number.hasPrefix("3202-"))
        #expect(submitted.state == "submitted" && submitted.service_version >= 1 && submitted.region == Places.sukabumi)
        #expect(Set(submitted.prefilled ?? []) == ["nik", "nama_lengkap", "nomor_kk", "alamat", "desa"])
        #expect(submitted.form["nik"] == .string(citizen.nik) && submitted.form["desa"] == .string(Places.village))
        let scan = try #require(submitted.documents.first)
        #expect(submitted.documents.count == 1 && scan.requirement == "kk" && scan.type == "pdf")

        #expect(try await story.act(number, "verify", by: officer).state == "verified")
        let revision = try await story.act(number, "request_revision", by: officer, note: "Scan KK kurang jelas, mohon unggah ulang")
        #expect(revision.state == "revision_requested" && revision.paused)
        #expect(revision.allowed_actions.isEmpty)
        #expect(try await story.get(number, as: citizen).allowed_actions.sorted() == ["cancel", "resubmit"])

        // The citizen resubmits pointing at the vault document instead of uploading it again.
        let resubmitted: ApplicationView = try await story.call("applications.transition", TransitionRequest(
            tracking_number: number, action: "resubmit", documents: ["kk": DocumentInput(vault_id: scan.vault_id)]), as: citizen)
        #expect(resubmitted.state == "submitted" && resubmitted.documents.map(\.vault_id) == [scan.vault_id])
        let vault: VaultList = try await story.call("applications.vault.list", Empty(), as: citizen, key: nil)
        #expect(vault.documents.count == 1 && vault.documents[0].vault_id == scan.vault_id)

        _ = try await story.act(number, "verify", by: officer)
        _ = try await story.act(number, "process", by: officer)
        _ = try await story.act(number, "approve", by: supervisor)
        let completed = try await story.act(number, "complete", by: officer, output: "KTP-el dicetak, ambil di loket 3")
        #expect(completed.state == "completed" && completed.terminal && completed.output == "KTP-el dicetak, ambil di loket 3")

        let history = try await story.get(number, as: citizen).history
        #expect(history.map(\.action) == ["submit", "verify", "request_revision", "resubmit", "verify", "process", "approve", "complete"])
        #expect(history.map(\.actor_role) == ["citizen", "officer", "officer", "citizen", "officer", "officer", "supervisor", "officer"])
        try #require(history.count == 8)
        #expect(history[2].note == "Scan KK kurang jelas, mohon unggah ulang" && history[2].actor == officer.sub)
        #expect(zip(history, history.dropFirst()).allSatisfy { $0.to == $1.from && $0.hash == $1.prev_hash })

        // Public tracking: no token, status only.
        let tracked = try await story.send("applications.track", TrackingRef(tracking_number: number.lowercased()), as: nil, key: nil)
        let track = try JSON.decode(TrackView.self, from: tracked.body)
        #expect(track.status == "completed" && track.service == "ktp-el" && track.terminal)
        let text = String(decoding: tracked.body, as: UTF8.self)
        for secret in [citizen.nik, citizen.sub, "Siti", "Siliwangi", officer.sub, scan.vault_id] { #expect(!text.contains(secret)) }

        // The survey: once.
        let scores = [4, 4, 3, 4, 4, 3, 4, 4, 3]
        let receipt: SurveyReceipt = try await story.call("applications.survey.submit",
                                                          SurveyRequest(tracking_number: number, scores: scores, comment: "Cepat"), as: citizen)
        #expect(receipt.scores == scores)
        let again = try await story.refusal("applications.survey.submit", SurveyRequest(tracking_number: number, scores: scores), as: citizen)
        #expect(again.code == .alreadyExists)

        // A later application refers to the vault document instead of uploading it again.
        let later: ApplicationView = try await story.call("applications.submit", SubmitApplication(
            service: "ktp-el", region: Places.sukabumi, form: ["alasan": "perubahan_data"],
            documents: ["kk": DocumentInput(vault_id: scan.vault_id)]), as: citizen)
        #expect(later.documents.map(\.vault_id) == [scan.vault_id] && later.tracking_number != number)
        let vaultAfter: VaultList = try await story.call("applications.vault.list", Empty(), as: citizen, key: nil)
        #expect(vaultAfter.documents.count == 1 && vaultAfter.documents[0].used_in.count == 2)

        let audit: AuditReport = try await story.call("applications.audit.verify", AuditRequest(tracking_number: number), as: supervisor, key: nil)
        #expect(audit.ok && audit.entries == 8)

        // Every step went out as an event, in order.
        let events = try await story.events().filter { $0.event.subject == number }
        #expect(events.map(\.topic) == ["application.submitted"] + Array(repeating: "application.status_changed", count: 7) + ["survey.submitted"])
        try #require(events.count == 9)
        let last = try events[7].event.decodeData(ApplicationEvents.StatusChanged.self)
        #expect(last.from == "approved" && last.to == "completed" && last.terminal && last.agency == "disdukcapil" && last.citizen == citizen.sub)
        return number
    }
}
