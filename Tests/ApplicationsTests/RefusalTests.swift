import Applications
import Bus
import Foundation
import ServiceKit
import Support
import Testing

/// What must be refused, and how.
@Suite("Refusals") struct RefusalTests {
    func setUp() async throws -> (Scenario, RunningApplications) {
        let platform = try await Platform.shared.value
        let applications = try await RunningApplications.start(platform)
        return (Scenario(platform, applications), applications)
    }

    @Test func anotherCitizenCannotReadOrTouchIt() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let owner = try await story.citizen(), stranger = try await story.citizen(verified: false)
        let number = try await story.applyForKTP(owner).tracking_number
        #expect(try await story.refusal("applications.get", TrackingRef(tracking_number: number), as: stranger).code == .permissionDenied)
        let document = DocumentRequest(tracking_number: number, requirement: "kk")
        #expect(try await story.refusal("applications.documents.get", document, as: stranger).code == .permissionDenied)
        #expect(try await story.send("applications.documents.get", document, as: owner, key: nil).attachments.count == 1)
        let cancel = try await story.refusal("applications.transition", TransitionRequest(tracking_number: number, action: "cancel"), as: stranger)
        #expect(cancel.code == .permissionDenied)
        let survey = try await story.refusal("applications.survey.submit", SurveyRequest(tracking_number: number, scores: Array(repeating: 4, count: 9)),
                                             as: stranger)
        #expect(survey.code == .permissionDenied)
        let mine: ApplicationPage = try await story.call("applications.mine", MineRequest(), as: stranger, key: nil)
        #expect(mine.items.isEmpty)
        // Not found is not_found, a misread number is invalid_argument.
        var digits = Array(number)
        digits[digits.count - 2] = digits[digits.count - 2] == "A" ? "B" : "A"
        #expect(try await story.refusal("applications.track", TrackingRef(tracking_number: String(digits)), as: nil).code == .invalidArgument)
    }

    @Test func officersOfAnotherAgencyOrKabKotaCannotAct() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        let number = try await story.applyForKTP(citizen).tracking_number
        let health = try await story.staff(.officer, agency: "dinkes")
        let neighbour = try await story.staff(.officer, agency: "disdukcapil", region: Places.majalengka)
        let neighbourSupervisor = try await story.staff(.supervisor, agency: "disdukcapil", region: Places.majalengka)
        for outsider in [health, neighbour, neighbourSupervisor] {
            let error = try await story.refusal("applications.transition", TransitionRequest(tracking_number: number, action: "verify"), as: outsider)
            #expect(error.code == .permissionDenied)
            #expect(try await story.refusal("applications.claim", ClaimRequest(tracking_number: number), as: outsider).code == .permissionDenied)
            let queue: ApplicationPage = try await story.call("applications.queue", QueueRequest(), as: outsider, key: nil)
            #expect(!queue.items.contains { $0.tracking_number == number })
        }
        // The citizen cannot do the officer's work either.
        #expect(try await story.refusal("applications.transition", TransitionRequest(tracking_number: number, action: "verify"), as: citizen).code
                == .permissionDenied)
        #expect(try await story.get(number, as: citizen).state == "submitted")
    }

    @Test func anActionNotAllowedInTheCurrentStateIsAFailedPrecondition() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        let officer = try await story.staff(.officer, agency: "disdukcapil")
        let number = try await story.applyForKTP(citizen).tracking_number
        let error = try await story.refusal("applications.transition",
                                            TransitionRequest(tracking_number: number, action: "complete", output: "KTP"), as: officer)
        #expect(error.code == .failedPrecondition)
        #expect(error.details?["state"] == "submitted")
        #expect(Set(error.details?["allowed_actions"]?.arrayValue?.compactMap(\.stringValue) ?? []) == ["verify", "request_revision", "reject"])
        let noNote = try await story.refusal("applications.transition", TransitionRequest(tracking_number: number, action: "reject"), as: officer)
        #expect(noNote.code == .invalidArgument && noNote.fields.keys.contains("note"))
        let wordy = try await story.refusal("applications.transition", TransitionRequest(
            tracking_number: number, action: "request_revision", note: String(repeating: "kurang ", count: 400)), as: officer)
        #expect(wordy.fields.keys.sorted() == ["note"])
        let unknown = try await story.refusal("applications.transition", TransitionRequest(tracking_number: number, action: "stamp"), as: officer)
        #expect(unknown.code == .invalidArgument && unknown.fields.keys.contains("action"))
        _ = try await story.act(number, "reject", by: officer, note: "Bukan warga kab. ini")
        let finished = try await story.refusal("applications.transition", TransitionRequest(tracking_number: number, action: "cancel"), as: citizen)
        #expect(finished.code == .failedPrecondition)
        let survey = try await story.refusal("applications.survey.submit", SurveyRequest(tracking_number: number, scores: Array(repeating: 3, count: 9)),
                                             as: citizen)
        #expect(survey.code == .failedPrecondition)
    }

    @Test func aFormWithFiveBadFieldsNamesAllFive() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        let error = try await story.refusal("applications.submit", SubmitApplication(
            service: "ktp-el", region: Places.sukabumi,
            form: ["nik": "12345", "nama_lengkap": .string(String(repeating: "a", count: 101)), "nomor_kk": "KK-123",
                   "alamat": "Jl. Siliwangi 7", "desa": "32.02.99.9999", "alasan": "lupa"],
            documents: ["kk": DocumentInput(attachment: 0, name: "kk.pdf")]), as: citizen, attachments: [SampleFiles.pdf])
        #expect(error.code == .invalidArgument)
        #expect(Set(error.fields.keys) == ["form.nik", "form.nama_lengkap", "form.nomor_kk", "form.desa", "form.alasan"])
    }

    @Test func documentsAreCheckedByContent() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        func submit(_ documents: [String: DocumentInput], _ attachments: [[UInt8]]) async throws -> RPCError {
            try await story.refusal("applications.submit", SubmitApplication(service: "ktp-el", region: Places.sukabumi, form: ["alasan": "baru"],
                                                                            documents: documents), as: citizen, attachments: attachments)
        }
        let renamed = try await submit(["kk": DocumentInput(attachment: 0, name: "kk.pdf")], [SampleFiles.png])
        #expect(renamed.code == .invalidArgument && renamed.fields["documents.kk"]?.contains("PNG") == true)
        let text = try await submit(["kk": DocumentInput(attachment: 0, name: "kk.pdf", type: "pdf")], [SampleFiles.text])
        #expect(text.fields.keys.contains("documents.kk"))
        let missing = try await submit([:], [])
        #expect(missing.fields.keys.sorted() == ["documents.kk"])
        let strangers = try await submit(["kk": DocumentInput(vault_id: String(repeating: "ab", count: 32))], [])
        #expect(strangers.fields.keys.contains("documents.kk"))
        let noFrame = try await submit(["kk": DocumentInput(attachment: 3)], [SampleFiles.pdf])
        #expect(noFrame.fields.keys.contains("documents.kk"))
        let unknown = try await submit(["kk": DocumentInput(attachment: 0), "akta": DocumentInput(attachment: 0)], [SampleFiles.pdf])
        #expect(unknown.fields.keys.sorted() == ["documents.akta"])
        let vault: VaultList = try await story.call("applications.vault.list", Empty(), as: citizen, key: nil)
        #expect(vault.documents.isEmpty)
    }

    @Test func theSameSubmissionRetriedCreatesOneApplication() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        let key = UUID().uuidString
        let scan = SampleFiles.pdf(key)
        let first = try await story.applyForKTP(citizen, key: key, scan: scan)
        let retried = try await story.applyForKTP(citizen, key: key, scan: scan)
        #expect(retried.tracking_number == first.tracking_number)
        // The same key for a different request is refused, naming the key.
        let reused = try await story.send("applications.submit", SubmitApplication(
            service: "ktp-el", region: Places.sukabumi, form: ["alasan": "hilang"],
            documents: ["kk": DocumentInput(attachment: 0, name: "kk.pdf")]), as: citizen, key: key, attachments: [scan])
        #expect(reused.error?.code == .invalidArgument && reused.error?.fields["idempotency_key"] != nil)
        // Submissions keep their own retries (UNIQUE (citizen, key) in the store): no second write.
        let remembered = try await applications.host.store.read { db in try db.queryOne("SELECT count(*) AS n FROM bus_idempotency")?.int("n") }
        #expect(remembered == 0)
        let mine: ApplicationPage = try await story.call("applications.mine", MineRequest(), as: citizen, key: nil)
        #expect(mine.items.map(\.tracking_number) == [first.tracking_number])
        let submitted = try await applications.host.store.read { db in
            try db.queryOne("SELECT count(*) AS n FROM bus_outbox WHERE topic = 'application.submitted'")?.int("n")
        }
        #expect(submitted == 1)
        // A submission without a key is refused outright.
        let keyless = try await story.send("applications.submit", SubmitApplication(service: "ktp-el", region: Places.sukabumi), as: citizen, key: nil)
        #expect(keyless.error?.fields.keys.contains("idempotency_key") == true)
    }

    @Test func serviceMustBeOfferedAndIdentityVerifiedWhereRequired() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let unverified = try await story.citizen(verified: false)
        let verified = try await story.citizen()
        let needsVerification = try await story.refusal("applications.submit", SubmitApplication(service: "ktp-el", region: Places.sukabumi), as: unverified)
        #expect(needsVerification.code == .failedPrecondition)
        let noMPP = try await story.refusal("applications.submit", SubmitApplication(service: "ktp-el", region: Places.bandung), as: verified)
        #expect(noMPP.code == .failedPrecondition)
        let unknown = try await story.refusal("applications.submit", SubmitApplication(service: "sim-c", region: Places.sukabumi), as: verified)
        #expect(unknown.code == .notFound)
        let badRegion = try await story.refusal("applications.submit", SubmitApplication(service: "ktp-el", region: "32"), as: verified)
        #expect(badRegion.fields.keys.contains("region"))
        let officer = try await story.staff(.officer, agency: "disdukcapil")
        #expect(try await story.refusal("applications.submit", SubmitApplication(service: "ktp-el", region: Places.sukabumi), as: officer).code
                == .permissionDenied)
        #expect(try await story.refusal("applications.submit", SubmitApplication(service: "ktp-el", region: Places.sukabumi), as: nil).code
                == .unauthenticated)
    }
}
