import Bus
import Catalog
import Domain
import Foundation
import ServiceKit
import Support
import Testing

/// `catalog.services.upsert` and `catalog.workflows.upsert`: validation, versions, events.
@Suite struct ServiceUpsertTests {
    static func current(_ catalog: RunningCatalog, _ id: String, version: Int? = nil) async throws -> ServiceDefinition {
        try await catalog.get("catalog.services.get", CatalogAPI.GetService(id: id, version: version), as: ServiceDefinition.self)
    }

    /// The definition as a draft naming its workflow by id.
    static func draft(_ service: ServiceDefinition) -> ServiceDraft { service.with(workflow: WorkflowChoice.id(service.workflow.id)) }

    static func serviceEvents(_ catalog: RunningCatalog) async throws -> [CatalogAPI.ServiceChanged] {
        try await catalog.outbox().filter { $0.topic == "catalog.service_changed" }.map { try $0.event.decodeData(CatalogAPI.ServiceChanged.self) }
    }

    @Test func onlyOpsMayChangeServices() async throws {
        try await withCatalog { catalog in
            let request = CatalogAPI.UpsertService(service: Self.draft(try await Self.current(catalog, "kia")))
            #expect(try await catalog.call("catalog.services.upsert", request).error?.code == .unauthenticated)
            for role in [Role.officer, .mppAdmin, .ministry, .citizen] {
                let outcome = try await catalog.call("catalog.services.upsert", request, token: catalog.token(role, region: "51.05"))
                #expect(outcome.error?.code == .permissionDenied, "\(role)")
            }
            let forged = try await catalog.call("catalog.services.upsert", request,
                                                token: TokenCodec.sign(AccessClaims(sub: "x", role: .ops, issuedAt: Date(), lifetime: 60),
                                                                       with: SigningKey.generate()))
            #expect(forged.error?.code == .unauthenticated)
        }
    }

    @Test func aChangeMakesANewVersionAndPublishesIt() async throws {
        try await withCatalog { catalog in
            let ops = catalog.token(.ops, sub: "ops-budi")
            let before = try await catalog.get("catalog.services.search", CatalogAPI.SearchServices(q: "ktp"), as: CatalogAPI.ServiceResults.self)
            #expect(before.results.first?.version == 1)
            var draft = Self.draft(try await Self.current(catalog, "ktp-el"))
            draft.sla = SLA(value: 2, unit: .workingDays)
            draft.description = "Perekaman dan pencetakan KTP-el (diperbarui)."
            let outcome = try await catalog.call("catalog.services.upsert", CatalogAPI.UpsertService(service: draft), token: ops,
                                                 idempotencyKey: "change-ktp-1")
            let result = try JSON.decode(CatalogAPI.UpsertResult.self, from: outcome.body)
            #expect(result == CatalogAPI.UpsertResult(id: "ktp-el", version: 2, changed: true, also_changed: []))

            let events = try await Self.serviceEvents(catalog)
            #expect(events == [CatalogAPI.ServiceChanged(id: "ktp-el", version: 2, changed_by: "ops-budi", previous_version: 1, workflow: "adminduk")])
            let stored = try #require(try await catalog.outbox().last)
            #expect(stored.event.subject == "ktp-el" && stored.event.source == "mpp/catalog")

            let v2 = try await Self.current(catalog, "ktp-el")
            #expect(v2.version == 2 && v2.sla.value == 2 && v2.changed_by == "ops-budi" && v2.workflow.id == "adminduk")
            let v1 = try await Self.current(catalog, "ktp-el", version: 1)
            #expect(v1.version == 1 && v1.sla.value == 1)
            let versions = try await catalog.get("catalog.services.versions", CatalogAPI.GetService(id: "ktp-el"), as: CatalogAPI.ServiceVersions.self)
            #expect(versions.versions.map(\.version) == [1, 2] && versions.versions.map(\.changed_by) == ["seed", "ops-budi"])
            // Search sees the new version.
            let hit = try await catalog.get("catalog.services.search", CatalogAPI.SearchServices(q: "ktp"), as: CatalogAPI.ServiceResults.self)
            #expect(hit.results.first?.version == 2 && hit.results.first?.sla.value == 2)

            // A retry with the same key gets the first answer and does nothing twice.
            let retry = try await catalog.call("catalog.services.upsert", CatalogAPI.UpsertService(service: draft), token: ops,
                                               idempotencyKey: "change-ktp-1")
            #expect(retry.body == outcome.body)
            // The same definition again (another key) changes nothing and publishes nothing.
            let same = try await catalog.get("catalog.services.upsert", CatalogAPI.UpsertService(service: draft),
                                             as: CatalogAPI.UpsertResult.self, token: ops)
            #expect(same == CatalogAPI.UpsertResult(id: "ktp-el", version: 2, changed: false, also_changed: []))
            #expect(try await Self.serviceEvents(catalog).count == 1)

            // Optimistic concurrency.
            let stale = try await catalog.call("catalog.services.upsert", CatalogAPI.UpsertService(service: draft, expected_version: 1), token: ops)
            #expect(stale.error?.code == .aborted)
        }
    }

    @Test func invalidDefinitionsAreRefusedWithFieldErrors() async throws {
        try await withCatalog { catalog in
            let ops = catalog.token(.ops)
            let base = Self.draft(try await Self.current(catalog, "sip-bidan"))
            func refused(_ draft: ServiceDraft) async throws -> [String: String] {
                let outcome = try await catalog.call("catalog.services.upsert", CatalogAPI.UpsertService(service: draft), token: ops)
                #expect(outcome.error?.code == .invalidArgument)
                return outcome.error?.fields ?? [:]
            }
            var unknownAgency = base
            unknownAgency.agency = "dinas-sihir"
            unknownAgency.also_involves = ["dinkes", "kantor-hantu"]
            let agencyFields = try await refused(unknownAgency)
            #expect(agencyFields["service.agency"] != nil && agencyFields["service.also_involves"] != nil)

            var unreachable = base.workflow.id
            unreachable = "perizinan-nakes-v2"
            var workflow = try await catalog.get("catalog.workflows.get", CatalogAPI.GetWorkflow(id: "perizinan-nakes"), as: WorkflowDefinition.self)
            workflow.id = unreachable
            workflow.states.append("archived")
            workflow.terminal_states.append("archived")
            var withWorkflow = base
            withWorkflow.workflow = .definition(workflow)
            let workflowFields = try await refused(withWorkflow)
            #expect(workflowFields["service.workflow.states"]?.contains("archived") == true, "\(workflowFields)")

            var several = base
            try #require(!several.form.isEmpty && !several.requirements.isEmpty)
            several.sla = SLA(value: 0, unit: .minutes)
            several.channels = []
            several.fee_idr = -5
            several.form[0].type = .enum
            several.example = ["nik": "123", "hobi": "catur"]
            several.requirements[0].types = ["exe"]
            let fields = try await refused(several)
            for key in ["service.sla.value", "service.channels", "service.fee_idr", "service.form[0].options",
                        "service.example.nik", "service.example.hobi", "service.requirements[0].types"] {
                #expect(fields[key] != nil, "\(key) in \(fields)")
            }

            // An SLA unit the platform does not know is a field error too.
            var json = try JSONParser.parse(try JSON.encode(CatalogAPI.UpsertService(service: base)))
            if case .object(var body) = json, case .object(var service) = body["service"] {
                service["sla"] = ["value": 3, "unit": "fortnights"]
                body["service"] = .object(service)
                json = .object(body)
            }
            let unit = try await catalog.call("catalog.services.upsert", json: String(decoding: JSONWriter.write(json), as: UTF8.self), token: ops)
            #expect(unit.error?.code == .invalidArgument && unit.error?.fields["service.sla.unit"] != nil, "\(unit.error.map { "\($0)" } ?? "")")

            var paid = Self.draft(try await Self.current(catalog, "kia"))
            paid.fee_idr = 10_000
            #expect(try await refused(paid)["service.fee_idr"]?.contains("79A") == true)
            var unknownWorkflow = base
            unknownWorkflow.workflow = .id("nowhere")
            #expect(try await refused(unknownWorkflow)["service.workflow"] != nil)

            // Nothing was stored, nothing published.
            #expect(try await Self.serviceEvents(catalog).isEmpty)
            #expect(try await Self.current(catalog, "sip-bidan").version == 1)
        }
    }

    @Test func newServicesAndWorkflowChanges() async throws {
        try await withCatalog { catalog in
            let ops = catalog.token(.ops, sub: "ops-sari")
            var skck = Self.draft(try await Self.current(catalog, "sip-bidan"))
            skck.id = "skck"
            skck.group = "kepolisian"
            skck.agency = "polres"
            skck.also_involves = []
            skck.name = "Surat Keterangan Catatan Kepolisian (SKCK)"
            skck.name_en = "Police clearance certificate"
            skck.fee_idr = 30_000
            skck.sla = SLA(value: 60, unit: .minutes)
            skck.keywords = ["skck", "catatan kepolisian"]
            var workflow = try await catalog.get("catalog.workflows.get", CatalogAPI.GetWorkflow(id: "adminduk"), as: WorkflowDefinition.self)
            workflow.id = "polres-skck"
            workflow.description = "Polres: verifikasi, sidik jari, terbit."
            workflow.actions = workflow.actions.map { action in
                var action = action
                if action.agency == "disdukcapil" { action.agency = "polres" }
                return action
            }
            skck.workflow = .definition(workflow)
            let created = try await catalog.get("catalog.services.upsert", CatalogAPI.UpsertService(service: skck, expected_version: 0),
                                                as: CatalogAPI.UpsertResult.self, token: ops)
            #expect(created == CatalogAPI.UpsertResult(id: "skck", version: 1, changed: true, also_changed: []))
            let stored = try await Self.current(catalog, "skck")
            #expect(stored.workflow.id == "polres-skck" && stored.workflow.version == 1 && stored.sla.unit == .minutes)
            let found = try await catalog.get("catalog.services.search", CatalogAPI.SearchServices(q: "catatan kepolisian"),
                                              as: CatalogAPI.ServiceResults.self)
            #expect(found.results.first?.id == "skck" && found.results.first?.fee_idr == 30_000)

            // Changing a workflow gives every service following it a new version, each published.
            var adminduk = try await catalog.get("catalog.workflows.get", CatalogAPI.GetWorkflow(id: "adminduk"), as: WorkflowDefinition.self)
            try #require(!adminduk.actions.isEmpty)
            adminduk.actions[0].note_required = true
            let changed = try await catalog.get("catalog.workflows.upsert", CatalogAPI.UpsertWorkflow(workflow: adminduk),
                                                as: CatalogAPI.UpsertResult.self, token: ops)
            #expect(changed.version == 2 && changed.changed && changed.also_changed.count == 8)
            let kia = try await Self.current(catalog, "kia")
            #expect(kia.version == 2 && kia.workflow.version == 2 && kia.workflow.actions.first?.note_required == true)
            #expect(try await Self.current(catalog, "kia", version: 1).workflow.version == 1)
            let events = try await Self.serviceEvents(catalog)
            #expect(events.count == 9 && events.filter { $0.workflow == "adminduk" }.allSatisfy { $0.version == 2 })
            #expect(try await catalog.outbox().contains { $0.topic == "catalog.workflow_changed" && $0.event.subject == "adminduk" })

            var broken = adminduk
            broken.actions.removeAll { $0.action == "complete" }
            let refused = try await catalog.call("catalog.workflows.upsert", CatalogAPI.UpsertWorkflow(workflow: broken), token: ops)
            #expect(refused.error?.fields["workflow.terminal_states"] != nil || refused.error?.fields["workflow.states"] != nil,
                    "\(refused.error.map { "\($0)" } ?? "")")
        }
    }
}
