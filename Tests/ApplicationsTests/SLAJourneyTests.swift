import Applications
import Bus
import Foundation
import Support
import TestKit
import Testing

/// The SLA monitor following real applications, every service a real executable (registry,
/// catalog, identity, applications, sla in test-clock mode): an application left alone is
/// warned, breached and escalated exactly once each; one in revision does not breach while
/// paused; a health-worker permit left unanswered is issued automatically at expiry, once; and
/// after sla is killed and restarted two weeks later in test time, every breach of that time is
/// reported with its true time.
@Suite(.serialized) struct SLAJourneyTests {
    @Test func slaFollowsApplicationsAcrossARestart() async throws {
        let platform = try await Platform.executables()
        defer { Task { await platform.stop() } }
        let applications = try ServiceProcess("mpp-applications", data: platform.folder + "/applications", registry: platform.registryEndpoint,
                                              logLevel: "info", uniqueInstance: true)
        defer { _ = applications.stop() }
        let slaFolder = platform.folder + "/sla"
        let first = try ServiceProcess("mpp-sla", data: slaFolder, registry: platform.registryEndpoint, logLevel: "info", uniqueInstance: true,
                                       extra: ["MPP_SLA_TEST_CLOCK": "on", "MPP_SLA_TICK_MS": "50"])
        let firstEndpoint = try await first.serving()
        let story = Scenario(platform, endpoint: try await applications.serving())
        let ops = Person(sub: "ops", token: platform.opsToken)

        let citizen = try await story.citizen()
        let officer = try await story.staff(.officer, agency: "disdukcapil")
        let permits = try await story.staff(.officer, agency: "dpmptsp")
        let alone = try await story.applyForKTP(citizen).tracking_number
        let paused = try await story.applyForKTP(citizen).tracking_number
        _ = try await story.act(paused, "request_revision", by: officer, note: "Scan KK kurang jelas")
        let more = [try await story.applyForKTP(citizen).tracking_number, try await story.applyForKTP(citizen).tracking_number]
        let permit = try await applyForPermit(story, citizen)
        _ = try await story.act(permit, "check", by: permits)

        // sla has a clock for each of them (it follows the applications' events).
        let everyone = [alone, paused, permit] + more
        #expect(try await eventually(timeout: .seconds(30)) {
            for number in everyone where try await status(number, at: firstEndpoint, ops) == nil { return false }
            return try await status(paused, at: firstEndpoint, ops)?["paused"] == .bool(true)
        })
        var deadlines: [String: String] = [:]
        for number in [alone] + more { deadlines[number] = try await status(number, at: firstEndpoint, ops)?["deadline"]?.stringValue }

        // Killed; restarted two weeks later in test time. Its first tick finds everything due.
        first.kill()
        let later = Timestamp.format(Date().addingTimeInterval(14 * 86_400))
        let sla = try ServiceProcess("mpp-sla", data: slaFolder, registry: platform.registryEndpoint, logLevel: "info", uniqueInstance: true,
                                     extra: ["MPP_SLA_TEST_CLOCK": "on", "MPP_SLA_TICK_MS": "50", "MPP_SLA_TEST_CLOCK_START": later])
        defer { _ = sla.stop() }
        let slaEndpoint = try await sla.serving()
        #expect(try await eventually(timeout: .seconds(20)) { try await facts(slaEndpoint, alone).filter { $0 == "sla.escalated" }.count == 2 })
        _ = try await advance(slaEndpoint, days: 1)  // time goes on: nothing fires twice

        let aloneFacts = try await facts(slaEndpoint, alone)
        #expect(aloneFacts.filter { $0 == "sla.warning" }.count == 1)
        #expect(aloneFacts.filter { $0 == "sla.breached" }.count == 1)
        #expect(aloneFacts.filter { $0 == "sla.escalated" }.count == 2)
        #expect(try await facts(slaEndpoint, paused).filter { $0 == "sla.breached" || $0 == "sla.warning" }.isEmpty)
        for number in [alone] + more {
            let breach = try await breachTimes(slaEndpoint, number)
            #expect(breach.count == 1 && breach.first == deadlines[number], "\(number) breached at its deadline, not at the restart")
        }

        // The permit was issued automatically by applications, once, as `system`.
        #expect(try await eventually(timeout: .seconds(20)) { try await story.get(permit, as: ops).state == "approved" })
        let systemSteps = try await story.get(permit, as: ops).history.filter { $0.actor_role == "system" }
        #expect(systemSteps.count == 1 && systemSteps.first?.to == "approved")
        #expect(try await facts(slaEndpoint, permit).filter { $0 == "sla.expired" }.count == 1)
    }

    /// A practice permit (SIP dokter) for the citizen, every document attached.
    func applyForPermit(_ story: Scenario, _ citizen: Person) async throws -> String {
        let form: [String: JSONValue] = [
            "nomor_str": "STR-1234567890", "jenis_permohonan": "baru", "nama_fasyankes": "Klinik Sehat Sukabumi",
            "alamat_praktik": "Jl. Pelabuhan II No. 12", "desa_praktik": .string(Places.village), "urutan_tempat_praktik": "1",
            "jadwal_praktik": "Senin–Jumat 16.00–20.00",
        ]
        let documents: [String: DocumentInput] = [
            "str": DocumentInput(attachment: 0, name: "str.pdf"), "surat_fasyankes": DocumentInput(attachment: 1, name: "surat.pdf"),
            "pas_foto": DocumentInput(attachment: 2, name: "foto.png"), "ktp": DocumentInput(attachment: 3, name: "ktp.pdf"),
        ]
        let view: ApplicationView = try await story.call(
            "applications.submit", SubmitApplication(service: "sip-dokter", region: Places.sukabumi, form: form, documents: documents),
            as: citizen, attachments: [SampleFiles.pdf("str"), SampleFiles.pdf("surat"), SampleFiles.png, SampleFiles.pdf("ktp")])
        return view.tracking_number
    }

    func status(_ number: String, at endpoint: String, _ ops: Person) async throws -> JSONValue? {
        let rpc = RPCClient()
        defer { Task { await rpc.shutdown() } }
        let outcome = try await rpc.send(to: endpoint, method: "sla.status", metadata: RequestMetadata(token: ops.token),
                                         body: try JSON.encode(["tracking_number": number]))
        return outcome.isError ? nil : try JSONParser.parse(outcome.body)
    }

    /// The types of sla's events about one application.
    func facts(_ endpoint: String, _ number: String) async throws -> [String] {
        try await slaEvents(endpoint).filter { $0.event.subject == number }.map(\.topic)
    }

    func breachTimes(_ endpoint: String, _ number: String) async throws -> [String] {
        try await slaEvents(endpoint).filter { $0.event.subject == number && $0.topic == "sla.breached" }
            .compactMap { $0.event.data["at"]?.stringValue }
    }

    func slaEvents(_ endpoint: String) async throws -> [EventsReadReply.Item] {
        let rpc = RPCClient()
        defer { Task { await rpc.shutdown() } }
        let outcome = try await rpc.send(to: endpoint, method: "events.read", body: try JSON.encode(EventsReadRequest(after: 0, limit: 1_000)))
        return try EventsReadReply(bytes: outcome.body).events
    }

    func advance(_ endpoint: String, days: Double) async throws -> JSONValue {
        let rpc = RPCClient()
        defer { Task { await rpc.shutdown() } }
        let outcome = try await rpc.send(to: endpoint, method: "sla.test.clock", body: try JSON.encode(["advance_seconds": days * 86_400]))
        return try JSONParser.parse(outcome.body)
    }
}
