import Bus
import Catalog
import Domain
import Foundation
import Support
import Testing

/// `catalog.services.get` / `.search` over real sockets, on the seeded phase-1 services.
@Suite struct ServiceMethodTests {
    static func search(_ catalog: RunningCatalog, _ request: CatalogAPI.SearchServices) async throws -> [ServiceSummary] {
        try await catalog.get("catalog.services.search", request, as: CatalogAPI.ServiceResults.self).results
    }

    @Test func ktpFindsTheKTPElServiceFirst() async throws {
        try await withCatalog { catalog in
            for q in ["ktp", "KTP", "KTP-el", "e-ktp", "ektp", "kartu tanda penduduk"] {
                let results = try await Self.search(catalog, CatalogAPI.SearchServices(q: q))
                #expect(results.first?.id == "ktp-el", "\(q): \(results.map(\.id))")
                #expect((results.first?.score ?? 0) > 0)
            }
        }
    }

    @Test func commonSpellingsRankTheirService() async throws {
        try await withCatalog { catalog in
            let expected = [
                "akta lahir": "akta-kelahiran", "akte kelahiran": "akta-kelahiran", "Akta Kelahiran": "akta-kelahiran",
                "akta mati": "akta-kematian", "kk": "kartu-keluarga", "kartu keluarga": "kartu-keluarga", "kia": "kia",
                "skpwni": "pindah-keluar", "sip bidan": "sip-bidan", "SIPP": "sip-perawat", "surat ijin praktek apoteker": "sip-apoteker",
                "drg spesialis": "sip-dokter-gigi-spesialis", "birth certificate": "akta-kelahiran", "fisioterapis": "sip-fisioterapis",
                "biodata": "perubahan-biodata", "dokt": "sip-dokter",
            ]
            for (q, id) in expected {
                let results = try await Self.search(catalog, CatalogAPI.SearchServices(q: q))
                #expect(results.first?.id == id, "\(q): \(results.prefix(3).map(\.id))")
            }
            let sip = try await Self.search(catalog, CatalogAPI.SearchServices(q: "sip", limit: 100))
            #expect(sip.count == 31 && sip.allSatisfy { $0.group == "perizinan-nakes" })
            #expect(try await Self.search(catalog, CatalogAPI.SearchServices(q: "zzz qqq")).isEmpty)
            // Any-term fallback: one known word is enough when the whole query matches nothing.
            #expect(try await Self.search(catalog, CatalogAPI.SearchServices(q: "ktp zzzqqq")).first?.id == "ktp-el")
            // FTS5 syntax in a query is just text.
            #expect(try await catalog.call("catalog.services.search", CatalogAPI.SearchServices(q: "\"ktp* OR (NEAR")).isError == false)
        }
    }

    @Test func filtersByAgencyChannelGroupAndRegion() async throws {
        try await withCatalog { catalog in
            let all = try await Self.search(catalog, CatalogAPI.SearchServices(limit: 100))
            #expect(all.count == 39)
            let dinkes = try await Self.search(catalog, CatalogAPI.SearchServices(agency: "dinkes", limit: 100))
            #expect(dinkes.count == 31 && dinkes.allSatisfy { $0.also_involves.contains("dinkes") })
            let kiosk = try await Self.search(catalog, CatalogAPI.SearchServices(channel: .selfService, limit: 100))
            #expect(kiosk.count == 8 && kiosk.allSatisfy { $0.agency == "disdukcapil" })
            let adminduk = try await Self.search(catalog, CatalogAPI.SearchServices(q: "akta", group: "adminduk"))
            #expect(Set(adminduk.map(\.id)) == ["akta-kelahiran", "akta-kematian"] || adminduk.allSatisfy { $0.group == "adminduk" })
            // Klungkung has an MPP: everything is offered there; Jakarta Pusat has none seeded.
            let klungkung = try await Self.search(catalog, CatalogAPI.SearchServices(region: "51.05.03", limit: 100))
            #expect(klungkung.count == 39)
            #expect(try await Self.search(catalog, CatalogAPI.SearchServices(q: "ktp", region: "3171")).isEmpty)
            let badRegion = try await catalog.call("catalog.services.search", CatalogAPI.SearchServices(region: "51"))
            #expect(badRegion.error?.fields["region"] != nil)
            let badChannel = try await catalog.call("catalog.services.search", json: #"{"channel": "fax"}"#)
            #expect(badChannel.error?.fields["channel"] != nil)
        }
    }

    @Test func everySeededServiceIsCompleteAndItsFormAcceptsItsExample() async throws {
        try await withCatalog { catalog in
            let all = try await Self.search(catalog, CatalogAPI.SearchServices(limit: 100))
            #expect(all.count == 39)
            var regionAnswers: [String: Bool] = [:]
            for summary in all {
                let service = try await catalog.get("catalog.services.get", CatalogAPI.GetService(id: summary.id), as: ServiceDefinition.self)
                #expect(service.version == 1 && service.changed_by == "seed" && service.updated_at != nil)
                #expect(!service.form.isEmpty && !service.requirements.isEmpty && !service.channels.isEmpty)
                #expect(service.description?.isEmpty == false && service.description_en?.isEmpty == false, "\(service.id)")
                #expect(service.form.allSatisfy { $0.label_en != nil }, "\(service.id) English labels")
                #expect(service.requirements.allSatisfy { $0.label_en != nil }, "\(service.id) English requirement labels")
                #expect(service.workflow.problems().isEmpty && service.workflow.version == 1)
                #expect(service.workflow.states.contains(service.workflow.initialState))
                #expect(FormSchema.problems(service.form).isEmpty)
                // The example, checked like a submission: every region code asked of the catalog over the wire.
                let example = try #require(service.example, "\(service.id) has an example")
                for value in example.values {
                    guard let text = value.stringValue else { continue }
                    for code in [RegionCode(text), text.count == 16 ? RegionCode(String(text.prefix(6))) : nil].compactMap({ $0 })
                    where regionAnswers[code.value] == nil {
                        regionAnswers[code.value] = try await !catalog.call("catalog.regions.get", CatalogAPI.GetRegion(code: code.value)).isError
                    }
                }
                let known = regionAnswers
                let outcome = service.formValidator(regionExists: { known[$0.value] == true }).check(example)
                #expect(outcome.isValid, "\(service.id): \(outcome.errors)")
                #expect(service.form.filter(\.required).allSatisfy { example[$0.key] != nil })
                if service.group == "adminduk" { #expect(service.fee_idr == 0 && service.workflow.id == "adminduk") }
            }
            let missing = try await catalog.call("catalog.services.get", CatalogAPI.GetService(id: "nope"))
            #expect(missing.error?.code == .notFound)
            let nakes = try await catalog.get("catalog.services.get", CatalogAPI.GetService(id: "sip-bidan"), as: ServiceDefinition.self)
            #expect(nakes.workflow.on_sla_expiry?.action == "auto_approve" && nakes.also_involves == ["dinkes"])
            #expect(nakes.sla == SLA(value: 5, unit: .workingDays) && nakes.keywords.contains("sipb"))
        }
    }

    @Test func workflowsAreServedAsData() async throws {
        try await withCatalog { catalog in
            let adminduk = try await catalog.get("catalog.workflows.get", CatalogAPI.GetWorkflow(id: "adminduk"), as: WorkflowDefinition.self)
            #expect(adminduk.initialState == "submitted" && adminduk.isPaused("revision_requested") && adminduk.isTerminal("completed"))
            #expect(adminduk.action("verify", from: "submitted")?.to == "verified")
            let list = try await catalog.get("catalog.workflows.list", Empty(), as: CatalogAPI.Workflows.self)
            #expect(list.workflows.map(\.id) == ["adminduk", "perizinan-nakes"])
            #expect(try await catalog.call("catalog.workflows.get", CatalogAPI.GetWorkflow(id: "adminduk", version: 9)).error?.code == .notFound)
        }
    }
}
