import Applications
import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support
import TestKit
import Testing

/// Officers at work: races, claims, queues in SLA order, automatic actions at SLA expiry, audit.
@Suite("Officer work") struct OfficerWorkTests {
    func setUp() async throws -> (Scenario, RunningApplications) {
        let platform = try await Platform.shared.value
        let applications = try await RunningApplications.start(platform)
        return (Scenario(platform, applications), applications)
    }

    @Test func twoConcurrentActionsExactlyOneWins() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        let first = try await story.staff(.officer, agency: "disdukcapil"), second = try await story.staff(.officer, agency: "disdukcapil")
        for _ in 0..<3 {
            let application = try await story.applyForKTP(citizen)
            let number = application.tracking_number
            async let verify = story.send("applications.transition", TransitionRequest(
                tracking_number: number, action: "verify", expected_version: application.version), as: first)
            async let revise = story.send("applications.transition", TransitionRequest(
                tracking_number: number, action: "request_revision", note: "Foto buram", expected_version: application.version), as: second)
            let outcomes = try await [verify, revise]
            let winners = outcomes.filter { !$0.isError }
            let losers = outcomes.compactMap(\.error)
            #expect(winners.count == 1 && losers.count == 1)
            let winner = try JSON.decode(ApplicationView.self, from: try #require(winners.first).body)
            #expect(losers.first?.code == .aborted)
            #expect(losers.first?.details?["state"] == .string(winner.state))
            let history = try await story.get(number, as: citizen).history
            #expect(history.count == 2)
        }
    }

    @Test func claimsKeepColleaguesApart() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        let mine = try await story.staff(.officer, agency: "disdukcapil"), colleague = try await story.staff(.officer, agency: "disdukcapil")
        let supervisor = try await story.staff(.supervisor, agency: "disdukcapil")
        let number = try await story.applyForKTP(citizen).tracking_number
        let claimed: ApplicationView = try await story.call("applications.claim", ClaimRequest(tracking_number: number), as: mine)
        #expect(claimed.claimed_by == mine.sub)
        let taken = try await story.refusal("applications.claim", ClaimRequest(tracking_number: number), as: colleague)
        #expect(taken.code == .failedPrecondition && taken.details?["claimed_by"] == .string(mine.sub))
        #expect(try await story.refusal("applications.transition", TransitionRequest(tracking_number: number, action: "verify"), as: colleague).code
                == .failedPrecondition)
        let byMe: ApplicationPage = try await story.call("applications.queue", QueueRequest(claimed_by_me: true), as: mine, key: nil)
        #expect(byMe.items.map(\.tracking_number) == [number])
        let free: ApplicationPage = try await story.call("applications.queue", QueueRequest(unclaimed: true), as: colleague, key: nil)
        #expect(!free.items.contains { $0.tracking_number == number })
        _ = try await story.act(number, "verify", by: mine)
        let takenOver: ApplicationView = try await story.call("applications.claim", ClaimRequest(tracking_number: number, force: true), as: supervisor)
        #expect(takenOver.claimed_by == supervisor.sub)
        let released: ApplicationView = try await story.call("applications.unclaim", ClaimRequest(tracking_number: number), as: supervisor)
        #expect(released.claimed_by == nil)
        #expect(try await story.act(number, "process", by: colleague).state == "processing")
    }

    @Test func queuesFollowTheSLAMostUrgentFirst() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        let officer = try await story.staff(.officer, agency: "disdukcapil")
        var numbers: [String] = []
        for _ in 0..<4 { numbers.append(try await story.applyForKTP(citizen).tracking_number) }
        // Deadlines out of order; the last one has none yet.
        let base = Date().addingTimeInterval(86_400)
        for (index, hours) in [30.0, 10.0, 20.0].enumerated() {
            try await story.platform.publishSLA("sla.deadline_set", SLAEvents.DeadlineSet(
                tracking_number: numbers[index], deadline: Timestamp.format(base.addingTimeInterval(hours * 3600)), paused: false), subject: numbers[index])
        }
        try await story.platform.publishSLA("sla.breached", SLAEvents.Fact(
            tracking_number: numbers[1], citizen: citizen.sub, service: "ktp-el", region: Places.sukabumi, agency: "disdukcapil",
            claimed_by: nil, at: Timestamp.format(Date()), deadline: nil, budget_used: 1.01), subject: numbers[1])
        let expected = [numbers[1], numbers[2], numbers[0], numbers[3]], mine = numbers
        let ordered = try await eventually {
            let page: ApplicationPage = try await story.call("applications.queue", QueueRequest(service: "ktp-el"), as: officer, key: nil)
            return page.items.map(\.tracking_number).filter(mine.contains) == expected && page.items.contains { $0.late }
        }
        #expect(ordered)
        let page: ApplicationPage = try await story.call("applications.queue", QueueRequest(page_size: 2), as: officer, key: nil)
        #expect(page.items.count == 2 && page.page == 1 && page.page_size == 2 && page.total >= 3)
        let next: ApplicationPage = try await story.call("applications.queue", QueueRequest(page: 2, page_size: 2), as: officer, key: nil)
        #expect(next.total == page.total && Set(next.items.map(\.tracking_number)).isDisjoint(with: page.items.map(\.tracking_number)))
        let late = try await story.get(numbers[1], as: officer)
        #expect(late.sla.late && late.sla.due_at != nil && late.sla.breached_at != nil)
        let badPage = try await story.refusal("applications.queue", QueueRequest(page: 0, page_size: 0), as: officer)
        #expect(badPage.fields.keys.sorted() == ["page", "page_size"])
        #expect(try await story.refusal("applications.queue", QueueRequest(), as: citizen).code == .permissionDenied)
    }

    @Test func slaExpiryApprovesAHealthPermitExactlyOnce() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let doctor = try await story.citizen()
        let desk = try await story.staff(.officer, agency: "dpmptsp")
        let form: [String: JSONValue] = ["nomor_str": "STR-1234567", "jenis_permohonan": "baru", "nama_fasyankes": "Klinik Pratama Sehat",
                                         "alamat_praktik": "Jl. Pelabuhan 2", "desa_praktik": .string(Places.village),
                                         "urutan_tempat_praktik": "1", "jadwal_praktik": "Senin–Jumat 16.00–20.00"]
        let documents = ["str": DocumentInput(attachment: 0), "surat_fasyankes": DocumentInput(attachment: 1),
                         "pas_foto": DocumentInput(attachment: 2, name: "foto.png"), "ktp": DocumentInput(attachment: 3, name: "ktp.jpg")]
        let permit: ApplicationView = try await story.call("applications.submit", SubmitApplication(
            service: "sip-dokter", region: Places.sukabumi, form: form, documents: documents), as: doctor,
            attachments: [SampleFiles.pdf("str"), SampleFiles.pdf("surat"), SampleFiles.png, SampleFiles.jpeg])
        #expect(permit.agency == "dpmptsp" && permit.also_involves == ["dinkes"] && permit.documents.count == 4)
        let number = permit.tracking_number
        _ = try await story.act(number, "check", by: desk)
        for _ in 0..<2 {  // delivered twice (e.g. the sla service repeated itself): acted on once
            try await story.platform.publishSLA("sla.expired", SLAEvents.Expired(tracking_number: number, action: "auto_approve",
                                                                                 at: Timestamp.format(Date())), subject: number)
        }
        #expect(try await eventually { try await story.get(number, as: doctor).state == "approved" })
        try await Task.sleep(for: .milliseconds(300))
        let history = try await story.get(number, as: doctor).history
        #expect(history.map(\.action) == ["submit", "check", "auto_approve"])
        #expect(history.last?.actor_role == "system")
        let events = try await applications.host.store.read { db in try Outbox.read(db, after: 0, limit: 100) }
        let automatic = try events.filter { $0.topic == "application.status_changed" }.map { try CloudEvent(bytes: $0.event).decodeData(ApplicationEvents.StatusChanged.self) }
        #expect(automatic.map(\.actor_role) == ["officer", "system"])
        // Officers of both agencies see it; the health office may now not act on it (not their step).
        let health = try await story.staff(.officer, agency: "dinkes")
        #expect(try await story.get(number, as: health).allowed_actions.isEmpty)
        _ = try await story.act(number, "complete", by: desk, output: "SIP 503/123/DPMPTSP/2026")
    }

    @Test func auditFindsAnEditedHistoryRow() async throws {
        let (story, applications) = try await setUp()
        defer { Task { await applications.stop() } }
        let citizen = try await story.citizen()
        let officer = try await story.staff(.officer, agency: "disdukcapil")
        let number = try await story.applyForKTP(citizen).tracking_number
        _ = try await story.act(number, "request_revision", by: officer, note: "Mohon scan ulang")
        let before: AuditReport = try await story.call("applications.audit.verify", AuditRequest(tracking_number: number), as: officer, key: nil)
        #expect(before.ok && before.entries == 2)
        // Someone with access to the database file softens the note.
        let database = try Database(path: applications.host.configuration.databasePath)
        _ = try database.run("UPDATE history SET note = 'OK' WHERE seq = 2")
        database.close()
        let after: AuditReport = try await story.call("applications.audit.verify", AuditRequest(tracking_number: number), as: officer, key: nil)
        #expect(!after.ok && after.problems.map(\.seq) == [2])
        let ops = Person(sub: "ops", token: story.platform.opsToken)
        let whole: AuditReport = try await story.call("applications.audit.verify", AuditRequest(), as: ops, key: nil)
        #expect(!whole.ok && whole.problems.contains { $0.tracking_number == number })
        #expect(try await story.refusal("applications.audit.verify", AuditRequest(), as: officer).code == .permissionDenied)
    }
}
