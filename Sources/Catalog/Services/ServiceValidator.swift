import Foundation
import Domain
import ServiceKit
import Support

/// Everything that must hold of a service definition before the catalog stores it, reported
/// together as field errors (`service.agency`, `service.sla.value`, `service.workflow.states`…).
/// Pure: the known agencies and regions are given.
struct ServiceValidator {
    let agencies: Set<String>
    let regionExists: @Sendable (RegionCode) -> Bool

    /// Services of this group are free by law (UU 24/2013 Pasal 79A): fee 0, no regional override.
    static let freeByLawGroups: Set<String> = ["adminduk"]

    /// Fees a service or a kab/kota may ask, in rupiah.
    static let feeRange = 0...1_000_000_000
    static let feeProblem = "harus 0–1000000000 (must be 0–1,000,000,000)"

    /// Length and control-character problems of free-text fields, by field: (field, text, most characters).
    static func textProblems(_ fields: [(String, String?, Int)], multiline: Bool = false) -> [String: String] {
        var problems: [String: String] = [:]
        for case let (field, text?, limit) in fields {
            if let problem = TextCheck.problem(text, maxLength: limit, multiline: multiline) { problems[field] = problem }
        }
        return problems
    }

    static func isValidID(_ id: String) -> Bool {
        guard (2...64).contains(id.count), let first = id.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    /// Problems of a draft; its workflow is checked only when given in full (a workflow named by id
    /// is looked up by the caller).
    func problems(_ draft: ServiceDraft) -> [String: String] {
        var problems: [String: String] = [:]
        if !Self.isValidID(draft.id) { problems["service.id"] = "huruf kecil, angka dan -, 2–64 karakter (lowercase slug)" }
        if draft.name.trimmingCharacters(in: .whitespaces).isEmpty { problems["service.name"] = "wajib diisi (required)" }
        if draft.name_en.trimmingCharacters(in: .whitespaces).isEmpty { problems["service.name_en"] = "wajib diisi (required)" }
        if !agencies.contains(draft.agency) { problems["service.agency"] = "instansi \"\(draft.agency)\" tidak dikenal (unknown agency)" }
        let unknownInvolved = draft.also_involves.filter { !agencies.contains($0) }
        if !unknownInvolved.isEmpty {
            problems["service.also_involves"] = "instansi tidak dikenal (unknown agency): " + unknownInvolved.joined(separator: ", ")
        }
        problems.merge(Self.draftTextProblems(draft)) { first, _ in first }
        if !Self.feeRange.contains(draft.fee_idr) { problems["service.fee_idr"] = Self.feeProblem }
        if let group = draft.group, Self.freeByLawGroups.contains(group), draft.fee_idr != 0 {
            problems["service.fee_idr"] = "layanan adminduk tidak dipungut biaya (free by law, UU 24/2013 Pasal 79A)"
        }
        for (key, reason) in draft.sla.problems { problems["service." + key] = reason }
        if draft.channels.isEmpty { problems["service.channels"] = "minimal satu kanal (at least one channel)" }
        if Set(draft.channels).count != draft.channels.count { problems["service.channels"] = "kanal ganda (duplicate channel)" }
        problems.merge(FormSchema.problems(draft.form, prefix: "service.form")) { first, _ in first }
        problems.merge(requirementProblems(draft.requirements)) { first, _ in first }
        if let example = draft.example {
            for (key, reason) in FormValidator(draft.form, regionExists: regionExists).validate(example) {
                problems["service.example.\(key)"] = reason
            }
        }
        if case .definition(let workflow) = draft.workflow {
            problems.merge(workflowProblems(workflow, prefix: "service.workflow")) { first, _ in first }
        }
        return problems
    }

    /// The free text of a definition: names, descriptions, keywords, form labels and help.
    static func draftTextProblems(_ draft: ServiceDraft) -> [String: String] {
        var fields: [(String, String?, Int)] = [
            ("service.name", draft.name, 200), ("service.name_en", draft.name_en, 200), ("service.group", draft.group, 64),
            ("service.legal_basis", draft.legal_basis, 1_000), ("service.output", draft.output, 200),
        ]
        fields += draft.keywords.enumerated().map { ("service.keywords[\($0.offset)]", $0.element, 100) }
        for (index, field) in draft.form.enumerated() {
            let at = "service.form[\(index)]"
            fields += [("\(at).label", field.label, 200), ("\(at).label_en", field.label_en, 200), ("\(at).pattern", field.pattern, 500),
                       ("\(at).prefill", field.prefill, 64)]
            fields += (field.options ?? []).enumerated().map { ("\(at).options[\($0.offset)]", $0.element, 100) }
        }
        for (index, requirement) in draft.requirements.enumerated() {
            fields.append(("service.requirements[\(index)].label", requirement.label, 200))
        }
        var problems = textProblems(fields)
        problems.merge(textProblems([("service.description", draft.description, 4_000), ("service.description_en", draft.description_en, 4_000)]
                                    + draft.form.enumerated().map { ("service.form[\($0.offset)].help", $0.element.help, 1_000) },
                                    multiline: true)) { first, _ in first }
        if draft.keywords.count > 100 { problems["service.keywords"] = "maksimal 100 kata (at most 100 keywords)" }
        if draft.form.count > 100 { problems["service.form"] = "maksimal 100 isian (at most 100 fields)" }
        return problems
    }

    func requirementProblems(_ requirements: [Requirement]) -> [String: String] {
        var problems: [String: String] = [:]
        var keys: Set<String> = []
        for (index, requirement) in requirements.enumerated() {
            let at = "service.requirements[\(index)]"
            if !Self.isValidID(requirement.key.replacingOccurrences(of: "_", with: "-")) { problems["\(at).key"] = "wajib diisi: huruf kecil, angka, _" }
            if !keys.insert(requirement.key).inserted { problems["\(at).key"] = "kunci \"\(requirement.key)\" ganda (duplicate)" }
            if requirement.label.trimmingCharacters(in: .whitespaces).isEmpty { problems["\(at).label"] = "wajib diisi (required)" }
            if requirement.types.isEmpty || !Set(requirement.types).isSubset(of: DocumentType.known) {
                problems["\(at).types"] = "harus dari " + DocumentType.known.sorted().joined(separator: ", ")
            }
        }
        return problems
    }

    /// Structure (states, reachability, terminal states) plus roles and agencies the platform knows.
    func workflowProblems(_ workflow: WorkflowDefinition, prefix: String) -> [String: String] {
        var problems = workflow.problems(prefix: prefix)
        if !Self.isValidID(workflow.id) { problems["\(prefix).id"] = "huruf kecil, angka dan -, 2–64 karakter (lowercase slug)" }
        var names = workflow.states.enumerated().map { ("\(prefix).states[\($0.offset)]", $0.element) }
        names += workflow.actions.enumerated().map { ("\(prefix).actions[\($0.offset)].action", $0.element.action) }
        for (field, name) in names { if let problem = TextCheck.nameProblem(name, maxLength: 64) { problems[field] = problem } }
        problems.merge(Self.textProblems([("\(prefix).description", workflow.description, 4_000)], multiline: true)) { first, _ in first }
        if workflow.states.count > 100 || workflow.actions.count > 200 {
            problems["\(prefix).states"] = "maksimal 100 status dan 200 aksi (at most 100 states, 200 actions)"
        }
        for (index, action) in workflow.actions.enumerated() {
            if Role(rawValue: action.role) == nil {
                problems["\(prefix).actions[\(index)].role"] = "peran tidak dikenal: " + action.role
            }
            if let agency = action.agency, agency != WorkflowDefinition.stepAgency, !agencies.contains(agency) {
                problems["\(prefix).actions[\(index)].agency"] = "instansi \"\(agency)\" tidak dikenal (unknown agency)"
            }
        }
        return problems
    }
}
