import Foundation
import Domain
import ServiceKit

/// Everything that must hold of a service definition before the catalog stores it, reported
/// together as field errors (`service.agency`, `service.sla.value`, `service.workflow.states`…).
/// Pure: the known agencies and regions are given.
struct ServiceValidator {
    let agencies: Set<String>
    let regionExists: @Sendable (RegionCode) -> Bool

    /// Services of this group are free by law (UU 24/2013 Pasal 79A): fee 0, no regional override.
    static let freeByLawGroups: Set<String> = ["adminduk"]

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
        if draft.fee_idr < 0 { problems["service.fee_idr"] = "tidak boleh negatif (must be ≥ 0)" }
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
