import Applications
import Domain

/// The two phase-1 workflows, as the catalog serves them (services_phase1.json).
enum WorkflowFixtures {
    static let adminduk = WorkflowDefinition(
        id: "adminduk",
        states: ["submitted", "verified", "processing", "revision_requested", "approved", "completed", "rejected", "cancelled"],
        paused_states: ["revision_requested"], terminal_states: ["completed", "rejected", "cancelled"],
        actions: [
            WorkflowAction(action: "verify", from: ["submitted"], to: "verified", role: "officer", agency: "disdukcapil"),
            WorkflowAction(action: "request_revision", from: ["submitted", "verified"], to: "revision_requested", role: "officer",
                           agency: "disdukcapil", note_required: true),
            WorkflowAction(action: "resubmit", from: ["revision_requested"], to: "submitted", role: "citizen"),
            WorkflowAction(action: "process", from: ["verified"], to: "processing", role: "officer", agency: "disdukcapil"),
            WorkflowAction(action: "approve", from: ["processing"], to: "approved", role: "supervisor", agency: "disdukcapil"),
            WorkflowAction(action: "complete", from: ["approved"], to: "completed", role: "officer", agency: "disdukcapil",
                           output_required: true),
            WorkflowAction(action: "reject", from: ["submitted", "verified", "processing"], to: "rejected", role: "officer",
                           agency: "disdukcapil", note_required: true),
            WorkflowAction(action: "cancel", from: ["submitted", "revision_requested"], to: "cancelled", role: "citizen"),
        ])

    static let nakes = WorkflowDefinition(
        id: "perizinan-nakes",
        states: ["submitted", "checked", "technical_review", "revision_requested", "approved", "completed", "rejected", "cancelled"],
        paused_states: ["revision_requested"], terminal_states: ["completed", "rejected", "cancelled"],
        actions: [
            WorkflowAction(action: "check", from: ["submitted"], to: "checked", role: "officer", agency: "dpmptsp"),
            WorkflowAction(action: "request_revision", from: ["submitted", "checked", "technical_review"], to: "revision_requested",
                           role: "officer", agency: "any-step-agency", note_required: true),
            WorkflowAction(action: "resubmit", from: ["revision_requested"], to: "submitted", role: "citizen"),
            WorkflowAction(action: "start_technical_review", from: ["checked"], to: "technical_review", role: "officer", agency: "dinkes"),
            WorkflowAction(action: "recommend", from: ["technical_review"], to: "approved", role: "supervisor", agency: "dinkes"),
            WorkflowAction(action: "complete", from: ["approved"], to: "completed", role: "officer", agency: "dpmptsp", output_required: true),
            WorkflowAction(action: "reject", from: ["checked", "technical_review"], to: "rejected", role: "supervisor", agency: "dinkes",
                           note_required: true),
            WorkflowAction(action: "cancel", from: ["submitted", "revision_requested"], to: "cancelled", role: "citizen"),
        ],
        on_sla_expiry: SLAExpiryRule(from: ["checked", "technical_review"], action: "auto_approve"))

    static let citizen = Actor(id: "c-1", role: "citizen")
    static let otherCitizen = Actor(id: "c-2", role: "citizen")
    static let officer = Actor(id: "o-1", role: "officer", agency: "disdukcapil", region: "32.73")
    static let colleague = Actor(id: "o-2", role: "officer", agency: "disdukcapil", region: "32.73")
    static let supervisor = Actor(id: "s-1", role: "supervisor", agency: "disdukcapil", region: "32.73")
    static let elsewhere = Actor(id: "o-9", role: "officer", agency: "disdukcapil", region: "32.04")
    static let otherAgency = Actor(id: "o-8", role: "officer", agency: "dinkes", region: "32.73")

    static func ktp(state: String = "submitted", version: Int = 1, claimedBy: String? = nil) -> ApplicationWorkflow {
        ApplicationWorkflow(definition: adminduk, agency: "disdukcapil", alsoInvolves: [], owner: "c-1", region: "32.73",
                            state: state, version: version, claimedBy: claimedBy)
    }

    static func permit(state: String = "submitted") -> ApplicationWorkflow {
        ApplicationWorkflow(definition: nakes, agency: "dpmptsp", alsoInvolves: ["dinkes"], owner: "c-1", region: "32.73",
                            state: state, version: 1, claimedBy: nil)
    }
}
