import Domain
import Foundation
import Support
import Testing

@Suite struct WorkflowDefinitionTests {
    static let standard = WorkflowDefinition(
        id: "standard", states: ["submitted", "verified", "processing", "revision_requested", "approved", "completed", "rejected", "cancelled"],
        paused_states: ["revision_requested"], terminal_states: ["completed", "rejected", "cancelled"],
        actions: [
            WorkflowAction(action: "verify", from: ["submitted"], to: "verified", role: "officer", agency: "disdukcapil"),
            WorkflowAction(action: "request_revision", from: ["submitted", "verified"], to: "revision_requested", role: "officer", note_required: true),
            WorkflowAction(action: "resubmit", from: ["revision_requested"], to: "submitted", role: "citizen"),
            WorkflowAction(action: "process", from: ["verified"], to: "processing", role: "officer"),
            WorkflowAction(action: "approve", from: ["processing"], to: "approved", role: "supervisor"),
            WorkflowAction(action: "complete", from: ["approved"], to: "completed", role: "officer", output_required: true),
            WorkflowAction(action: "reject", from: ["submitted", "verified", "processing"], to: "rejected", role: "officer"),
            WorkflowAction(action: "cancel", from: ["submitted", "revision_requested"], to: "cancelled", role: "citizen"),
        ])

    @Test func theStandardFlowIsSound() {
        let flow = Self.standard
        #expect(flow.problems() == [:])
        #expect(flow.initialState == "submitted" && flow.isPaused("revision_requested") && !flow.isPaused("verified"))
        #expect(flow.isTerminal("completed") && !flow.isTerminal("approved"))
        #expect(flow.actions(from: "submitted").map(\.action) == ["verify", "request_revision", "reject", "cancel"])
        #expect(flow.action("approve", from: "processing")?.to == "approved" && flow.action("approve", from: "submitted") == nil)
        #expect(flow.reachableStates == Set(flow.states))
    }

    @Test func unreachableAndDeadEndStatesAreNamed() {
        var flow = Self.standard
        flow.states.append("archived")
        flow.terminal_states.append("archived")
        #expect(flow.problems()["workflow.states"]?.contains("archived") == true)

        var stuck = Self.standard
        stuck.actions.removeAll { $0.action == "complete" }
        let problems = stuck.problems()
        #expect(problems["workflow.terminal_states"]?.contains("approved") == true)
    }

    @Test func unknownStatesAndAmbiguousActions() {
        var flow = Self.standard
        flow.actions.append(WorkflowAction(action: "verify", from: ["submitted"], to: "limbo", role: ""))
        flow.actions.append(WorkflowAction(action: "reopen", from: ["completed"], to: "submitted", role: "ops"))
        flow.paused_states = ["waiting", "cancelled"]
        flow.initial = "start"
        let problems = flow.problems(prefix: "service.workflow")
        for key in ["service.workflow.actions[8].to", "service.workflow.actions[8].role", "service.workflow.actions[8].action",
                    "service.workflow.actions[9].from", "service.workflow.paused_states", "service.workflow.initial"] {
            #expect(problems[key] != nil, "\(key) in \(problems)")
        }
    }

    @Test func slaExpiryRuleCountsAsAnEdge() throws {
        var flow = Self.standard
        flow.actions.removeAll { $0.action == "approve" }
        #expect(flow.problems()["workflow.states"]?.contains("approved") == true)
        flow.on_sla_expiry = SLAExpiryRule(from: ["processing"], action: "auto_approve")
        #expect(flow.problems() == [:])
        flow.on_sla_expiry = SLAExpiryRule(from: ["processing"], action: "teleport")
        #expect(flow.problems()["workflow.on_sla_expiry.action"] != nil)
        let json = try JSON.encode(Self.standard)
        let decoded = try JSON.decode(WorkflowDefinition.self, from: json)
        #expect(decoded == Self.standard)
        let minimal = try JSON.decode(WorkflowDefinition.self, from: Array(
            #"{"id":"w","states":["a","b"],"terminal_states":["b"],"actions":[{"action":"go","from":["a"],"to":"b","role":"officer"}]}"#.utf8))
        #expect(minimal.paused_states.isEmpty && minimal.problems() == [:])
    }
}
