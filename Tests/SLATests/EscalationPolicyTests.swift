import Bus
import Domain
import Foundation
import SLA
import ServiceKit
import Support
import Testing
import TestKit

/// Escalation policies edited by ops: the rule's checks (pure), then the service: refusals,
/// scope, resolution kab/kota → province → everyone → standard, and a clock filed after a change
/// warning and escalating by the new rule.
@Suite(.serialized) struct EscalationPolicyTests {
    @Test func aRuleNamesEveryProblem() {
        #expect(EscalationRule.standard.problems.isEmpty)
        let bad = EscalationRule(warningShare: 1.5, steps: [
            EscalationStep(role: "lurah", afterWorkingHours: 1),
            EscalationStep(role: "ministry", afterWorkingHours: 500),
            EscalationStep(role: "supervisor", afterWorkingHours: 2, afterWorkingDays: 1),
            EscalationStep(role: "mpp_admin"),
        ])
        #expect(Set(bad.problems.keys) == ["warning_share", "steps[0].role", "steps[1]", "steps[2]", "steps[3]"])
        let unordered = EscalationRule(warningShare: 0.5, steps: [
            EscalationStep(role: "mpp_admin", afterWorkingDays: 1), EscalationStep(role: "supervisor", afterWorkingHours: 2),
        ])
        #expect(Set(unordered.problems.keys) == ["steps[1]"])
        #expect(EscalationRule(warningShare: 0.5, steps: []).problems.keys.contains("steps"))
        #expect(["*", "32", "32.73"].allSatisfy(EscalationRule.isRuleRegion))
        #expect(!["", "3273", "32.73.01", "xx", "32.7"].contains(where: EscalationRule.isRuleRegion))
    }

    @Test func opsSetTheRuleOfAKabKotaAndNewClocksFollowIt() async throws {
        let suite = SLAServiceTests()
        let setup = try await suite.start()
        defer { Task { await setup.platform.stop() } }
        let rpc = RPCClient()
        defer { Task { await rpc.shutdown() } }
        func call(_ method: String, _ body: some Encodable, token: String) async throws -> Outcome {
            try await rpc.send(to: setup.slaEndpoint, method: method, metadata: RequestMetadata(token: token, idempotencyKey: UUID().uuidString),
                               body: try JSON.encode(body))
        }

        let refused = try await call("sla.policies.update", SLAAPI.PolicyUpdate(
            region: "32.73.01", rule: EscalationRule(warningShare: 0, steps: []), note: " "), token: setup.ops)
        #expect(refused.error?.code == .invalidArgument)
        #expect(Set(refused.error?.fields.keys.map { $0 } ?? []) == ["region", "warning_share", "steps", "note"])
        let officer = setup.platform.token(sub: "o-1", role: .officer, agency: "disdukcapil", region: "32.73")
        let denied = try await call("sla.policies.update", SLAAPI.PolicyUpdate(region: "32.73", rule: .standard, note: "coba"), token: officer)
        #expect(denied.error?.code == .permissionDenied)

        // Kota Sukabumi: warn at half the budget; at the breach the supervisor, 4 working hours later the ministry.
        let rule = EscalationRule(warningShare: 0.5, steps: [
            EscalationStep(role: "supervisor", afterWorkingHours: 0), EscalationStep(role: "ministry", afterWorkingHours: 4),
        ])
        let set = try await call("sla.policies.update", SLAAPI.PolicyUpdate(region: "32.73", rule: rule, note: "pilot eskalasi"), token: setup.ops)
        let stored = try JSON.decode(SLAAPI.Policies.self, from: set.body).policies
        #expect(stored.map(\.region) == ["32.73"] && stored.first?.rule == rule && stored.first?.updated_by == "ops-1")
        _ = try await call("sla.policies.update", SLAAPI.PolicyUpdate(region: "32", rule: .standard, note: "Jawa Barat"), token: setup.ops)
        func effective(_ region: String) async throws -> String? {
            let reply = try await call("sla.policies.get", SLAAPI.PoliciesRequest(region: region), token: setup.ops)
            return try JSON.decode(SLAAPI.Policies.self, from: reply.body).effective?.source
        }
        #expect(try await effective("32.73") == "32.73")
        #expect(try await effective("32.02") == "32", "the province's rule")
        #expect(try await effective("31.71") == "standard")
        let removed = try await call("sla.policies.update", SLAAPI.PolicyUpdate(region: "32", remove: true, note: "kembali"), token: setup.ops)
        #expect(try JSON.decode(SLAAPI.Policies.self, from: removed.body).policies.map(\.region) == ["32.73"])

        // Filed Monday 08:00 WIB with 1 working day: warned at 12:00, breached at 16:00, the ministry told Tuesday 12:00.
        let number = "3273-250505-PPPPPP"
        try await suite.submit(setup, number, at: SLAServiceTests.monday)
        #expect(try await eventually { try await suite.count(suite.facts(setup, number), "sla.deadline_set") == 1 })
        for hours in [3, 5, 8.5, 24, 27, 30] {
            try await suite.advance(setup, to: SLAServiceTests.monday.addingTimeInterval(hours * 3600))
        }
        let facts = try await suite.facts(setup, number)
        #expect(facts.first { $0.0 == "sla.warning" }?.1["at"]?.stringValue == "2025-05-05T05:00:00.000Z")
        let escalations = facts.filter { $0.0 == "sla.escalated" }.map(\.1)
        #expect(escalations.map { $0["role"]?.stringValue } == ["supervisor", "ministry"])
        #expect(escalations.last?["at"]?.stringValue == "2025-05-06T05:00:00.000Z")
    }

    @Test func opsManagePoliciesFromTheCommandLine() async throws {
        let setup = try await SLAServiceTests().start()
        defer { Task { await setup.platform.stop() } }
        let folder = temporaryFolder("mpp-sla-policy-cli")
        let environment = ["MPP_REGISTRY": setup.platform.registryEndpoint, "MPP_TOKEN": setup.ops]
        let set = try await runCommand(["sla", "policy", "set", "32.73", "--warn", "0.5", "--step", "supervisor:0h", "--step", "ministry:1d",
                                        "--note", "pilot"], environment: environment, folder: folder)
        #expect(set.status == 0, "\(set.errors)")
        #expect(set.output.contains("32.73") && set.output.contains("ministry after 1 working d"))
        let shown = try await runCommand(["sla", "policy", "--region", "32.73", "--json"], environment: environment, folder: folder)
        #expect(try JSON.decode(SLAAPI.Policies.self, from: Array(shown.output.utf8)).effective?.source == "32.73")
        let badStep = try await runCommand(["sla", "policy", "set", "32", "--warn", "0.5", "--step", "lurah:2x", "--note", "x"],
                                           environment: environment, folder: folder)
        #expect(badStep.status == 2 && badStep.errors.contains("--step ROLE"))
        let refused = try await runCommand(["sla", "policy", "set", "32", "--warn", "1.5", "--step", "lurah:2h", "--note", "x"],
                                           environment: environment, folder: folder)
        #expect(refused.status == 1 && refused.errors.contains("steps[0].role") && refused.errors.contains("warning_share"))
        let removed = try await runCommand(["sla", "policy", "remove", "32.73", "--note", "selesai"], environment: environment, folder: folder)
        #expect(removed.status == 0 && removed.output.contains("no stored policy"))
    }
}
