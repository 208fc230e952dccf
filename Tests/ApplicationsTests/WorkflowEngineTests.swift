import Applications
import Domain
import Testing

@Suite("Workflow engine")
struct WorkflowEngineTests {
    typealias F = WorkflowFixtures

    func act(_ flow: inout ApplicationWorkflow, _ action: String, by actor: Actor, note: String? = nil, output: String? = nil,
             expected: Int? = nil) throws(WorkflowRefusal) -> ApplicationWorkflow.Transition {
        let effect = try flow.handle(.act(action: action, by: actor, note: note, output: output, expectedVersion: expected))
        guard case .transitioned(let transition) = effect else { preconditionFailure("no transition") }
        return transition
    }

    func refusal(_ flow: ApplicationWorkflow, _ command: ApplicationWorkflow.Command) -> WorkflowRefusal? {
        var copy = flow
        do { _ = try copy.handle(command); return nil } catch { return error }
    }

    @Test func theWholeKTPJourney() throws {
        var flow = F.ktp()
        #expect(try act(&flow, "verify", by: F.officer).to == "verified")
        let revision = try act(&flow, "request_revision", by: F.officer, note: "KK buram")
        #expect(revision.paused && !revision.terminal)
        #expect(try act(&flow, "resubmit", by: F.citizen).to == "submitted")
        _ = try act(&flow, "verify", by: F.officer)
        _ = try act(&flow, "process", by: F.officer)
        _ = try act(&flow, "approve", by: F.supervisor)
        let done = try act(&flow, "complete", by: F.officer, output: "KTP-el 3273011501900001")
        #expect(done.terminal && done.to == "completed" && done.output == "KTP-el 3273011501900001")
        #expect(flow.version == 8)
        #expect(flow.allowedActions(for: F.officer).isEmpty)
    }

    @Test func roleAgencyAndRegionScope() {
        let flow = F.ktp()
        let verify = ApplicationWorkflow.Command.act(action: "verify", by: F.elsewhere, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(flow, verify).map { if case .notPermitted = $0 { true } else { false } } == true)
        let wrongAgency = ApplicationWorkflow.Command.act(action: "verify", by: F.otherAgency, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(flow, wrongAgency).map { if case .notPermitted = $0 { true } else { false } } == true)
        let citizenVerifies = ApplicationWorkflow.Command.act(action: "verify", by: F.citizen, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(flow, citizenVerifies) != nil)
        let strangerCancels = ApplicationWorkflow.Command.act(action: "cancel", by: F.otherCitizen, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(flow, strangerCancels).map { if case .notPermitted = $0 { true } else { false } } == true)
        let officerCancels = ApplicationWorkflow.Command.act(action: "cancel", by: F.officer, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(flow, officerCancels) != nil)
    }

    @Test func supervisorsDoWhatOfficersDoButNotTheOtherWayRound() throws {
        var flow = F.ktp(state: "processing")
        let officerApproves = ApplicationWorkflow.Command.act(action: "approve", by: F.officer, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(flow, officerApproves) != nil)
        _ = try act(&flow, "approve", by: F.supervisor)
        var other = F.ktp()
        #expect(try act(&other, "verify", by: F.supervisor).to == "verified")
    }

    @Test func actionNotAllowedInTheCurrentState() {
        let flow = F.ktp()
        let complete = ApplicationWorkflow.Command.act(action: "complete", by: F.officer, note: nil, output: "x", expectedVersion: nil)
        guard case .notAllowedInState(let action, let state, let allowed)? = refusal(flow, complete) else {
            Issue.record("expected notAllowedInState")
            return
        }
        #expect(action == "complete" && state == "submitted")
        #expect(Set(allowed) == ["verify", "request_revision", "reject"])
        let unknown = ApplicationWorkflow.Command.act(action: "stamp", by: F.officer, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(flow, unknown).map { if case .unknownAction = $0 { true } else { false } } == true)
    }

    @Test func finishedApplicationsDoNotMove() {
        let flow = F.ktp(state: "completed")
        let reject = ApplicationWorkflow.Command.act(action: "reject", by: F.officer, note: "x", output: nil, expectedVersion: nil)
        #expect(refusal(flow, reject) == .finished("completed"))
        #expect(refusal(flow, .claim(by: F.officer, force: false)) == .finished("completed"))
    }

    @Test func noteAndOutputRequired() throws {
        let flow = F.ktp()
        let bare = ApplicationWorkflow.Command.act(action: "request_revision", by: F.officer, note: "  ", output: nil, expectedVersion: nil)
        #expect(refusal(flow, bare).map { if case .missing(field: "note", _) = $0 { true } else { false } } == true)
        let approved = F.ktp(state: "approved")
        let noOutput = ApplicationWorkflow.Command.act(action: "complete", by: F.officer, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(approved, noOutput).map { if case .missing(field: "output", _) = $0 { true } else { false } } == true)
    }

    @Test func staleVersionIsAConflictWithTheCurrentState() throws {
        var flow = F.ktp(version: 3)
        let stale = ApplicationWorkflow.Command.act(action: "verify", by: F.officer, note: nil, output: nil, expectedVersion: 2)
        #expect(refusal(flow, stale) == .conflict(state: "submitted", version: 3))
        _ = try act(&flow, "verify", by: F.officer, expected: 3)
        #expect(flow.version == 4)
        // The loser of a race: acted on version 3, the application is now at 4.
        let late = ApplicationWorkflow.Command.act(action: "request_revision", by: F.colleague, note: "x", output: nil, expectedVersion: 3)
        #expect(refusal(flow, late) == .conflict(state: "verified", version: 4))
    }

    @Test func claims() throws {
        var flow = F.ktp()
        #expect(try flow.handle(.claim(by: F.officer, force: false)) == .claimChanged("o-1"))
        #expect(try flow.handle(.claim(by: F.officer, force: false)) == .none)
        #expect(refusal(flow, .claim(by: F.colleague, force: true)) == .claimedByOther("o-1"))
        let colleagueVerifies = ApplicationWorkflow.Command.act(action: "verify", by: F.colleague, note: nil, output: nil, expectedVersion: nil)
        #expect(refusal(flow, colleagueVerifies) == .claimedByOther("o-1"))
        #expect(flow.allowedActions(for: F.colleague).isEmpty)
        #expect(refusal(flow, .unclaim(by: F.colleague)) == .claimedByOther("o-1"))
        #expect(refusal(flow, .claim(by: F.citizen, force: false)).map { if case .notPermitted = $0 { true } else { false } } == true)
        #expect(refusal(flow, .claim(by: F.otherAgency, force: false)).map { if case .notPermitted = $0 { true } else { false } } == true)
        // A supervisor may take over and still act.
        #expect(try flow.handle(.claim(by: F.supervisor, force: true)) == .claimChanged("s-1"))
        #expect(try flow.handle(.unclaim(by: F.supervisor)) == .claimChanged(nil))
        #expect(try flow.handle(.unclaim(by: F.supervisor)) == .none)
    }

    @Test func anyStepAgencyMeansEveryAgencyTakingPart() throws {
        let dinkes = Actor(id: "d-1", role: "officer", agency: "dinkes", region: "32.73")
        let dpmptsp = Actor(id: "p-1", role: "officer", agency: "dpmptsp", region: "32.73")
        let disdukcapil = Actor(id: "x-1", role: "officer", agency: "disdukcapil", region: "32.73")
        var flow = F.permit(state: "technical_review")
        #expect(Set(flow.allowedActions(for: dinkes)) == ["request_revision"])
        #expect(flow.allowedActions(for: dpmptsp) == ["request_revision"])
        #expect(flow.allowedActions(for: disdukcapil).isEmpty)
        #expect(try act(&flow, "request_revision", by: dinkes, note: "STR kedaluwarsa").to == "revision_requested")
    }

    @Test func slaExpiryActsOnceAndOnlyWhereTheRuleSays() throws {
        var flow = F.permit(state: "checked")
        guard case .transitioned(let change) = try flow.handle(.slaExpired(action: "auto_approve")) else {
            Issue.record("expected the automatic approval")
            return
        }
        #expect(change.from == "checked" && change.to == "approved" && change.actor == .system && !change.terminal)
        #expect(try flow.handle(.slaExpired(action: "auto_approve")) == .none)
        var waiting = F.permit(state: "revision_requested")
        #expect(try waiting.handle(.slaExpired(action: "auto_approve")) == .none)
        var ktp = F.ktp()
        #expect(try ktp.handle(.slaExpired(action: "auto_approve")) == .none)
    }
}
