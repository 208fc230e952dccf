@testable import Catalog
import Domain
import Support
import Testing

/// The CSV reader and the shipped reference data it reads.
@Suite struct ReferenceDataTests {
    @Test func csvQuotesLineEndsAndErrors() throws {
        let rows = try CSVReader.parse(Array("a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\"multi\nline\",,\n".utf8))
        #expect(rows == [["a", "b", "c"], ["1", "x, \"y\"", "3"], ["multi\nline", "", ""]])
        #expect(try CSVReader.parse(Array("\u{FEFF}h\nv".utf8)) == [["h"], ["v"]])
        #expect(try CSVReader.parse([]) == [])
        #expect(throws: CSVReader.Failure.self) { try CSVReader.parse(Array("a\n\"open".utf8)) }
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records(Array("a,b\n1\n".utf8)) }
        let records = try CSVReader.records(Array("code,name\n51.05,\"Klungkung, Bali\"\n".utf8))
        #expect(records.first?["name"] == "Klungkung, Bali" && records.first?["missing"] == nil)
    }

    @Test func theShippedFilesParseAndAgree() throws {
        let reference = try ReferenceData.load()
        #expect(reference.regions.count == 91_599 && reference.historical.count == 594)
        #expect(reference.sites.count == 53 && reference.services.services.count == 39 && reference.services.workflows.count == 2)
        #expect(reference.regions.allSatisfy { RegionCode($0.code)?.level == $0.level && RegionCode($0.code)?.parent?.value == $0.parent })
        #expect(reference.regions.contains { $0.name == "Lubuk Pakam I,II" })
        #expect(!reference.regions.contains { $0.name.hasSuffix(" ") || $0.name.hasPrefix(" ") })
        let codes = Set(reference.regions.map(\.code))
        #expect(reference.historical.allSatisfy { !codes.contains($0.code) })
        #expect(reference.sites.allSatisfy { codes.contains($0.regency) })
        // The one time-zone table (Domain) names exactly the provinces of regions.csv.
        #expect(Set(IndonesianTimeZone.provinces.keys) == Set(reference.regions.filter { $0.level == .province }.map(\.code)))
    }

    @Test func phaseOneServicesAreCompletedFromTheDetails() throws {
        let drafts = PhaseOneServices.drafts(try ReferenceData.load())
        let ktp = try #require(drafts.first { $0.id == "ktp-el" })
        #expect(ktp.keywords.contains("e-ktp") && ktp.keywords.contains("adminduk") && ktp.description_en != nil)
        #expect(ktp.example?["desa"] == "32.73.01.1001" && ktp.form.allSatisfy { $0.label_en != nil })
        let bidan = try #require(drafts.first { $0.id == "sip-bidan" })
        #expect(bidan.description?.contains("bidan") == true && bidan.description_en?.contains("bidan") == true)
        #expect(bidan.keywords.contains("sipb") && bidan.keywords.contains("sip"))
        #expect(PhaseOneServices.abbreviation("Surat Izin Praktik Tenaga Vokasi Farmasi (Tenaga Teknis Kefarmasian) (SIPTTK)") == "SIPTTK")
        #expect(PhaseOneServices.abbreviation("Penerbitan Akta Kelahiran") == nil)
        #expect(PhaseOneServices.abbreviation("Surat Izin Praktik Radioterapis (SIPRt)") == "SIPRt")
    }

    @Test func validatorRulesForServices() throws {
        let drafts = PhaseOneServices.drafts(try ReferenceData.load())
        let validator = ServiceValidator(agencies: ["disdukcapil", "dpmptsp", "dinkes"], regionExists: { _ in true })
        #expect(drafts.allSatisfy { validator.problems($0).isEmpty })
        var draft = try #require(drafts.first { $0.id == "kia" })
        draft.id = "KIA baru"
        draft.name_en = " "
        draft.channels = [.direct, .direct]
        draft.requirements.append(try #require(draft.requirements.first))
        let problems = validator.problems(draft)
        for key in ["service.id", "service.name_en", "service.channels", "service.requirements[\(draft.requirements.count - 1)].key"] {
            #expect(problems[key] != nil, "\(key) in \(problems)")
        }
        var workflow = try ReferenceData.load().services.workflows["adminduk"]!.definition(id: "adminduk")
        try #require(workflow.actions.count >= 3)
        workflow.actions[0].role = "wizard"
        workflow.actions[1].agency = "ministry-of-magic"
        workflow.actions[2].agency = WorkflowDefinition.stepAgency
        let workflowProblems = validator.workflowProblems(workflow, prefix: "workflow")
        #expect(Set(workflowProblems.keys) == ["workflow.actions[0].role", "workflow.actions[1].agency"])
    }
}
