import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// `sla.policies.get` and `sla.policies.update`: when to warn and whom to escalate to, per
/// kab/kota, province or everyone, edited by ops. A clock keeps the policy it started under, so
/// a change applies to applications filed after it.
extension SLAService {
    func registerPolicies() {
        let host = host, policies = policies
        host.methods.on("sla.policies.get", roles: [.ops, .ministry, .mppAdmin, .supervisor]) { [self] (request: SLAAPI.PoliciesRequest, _: RequestContext) -> SLAAPI.Policies in
            if let region = request.region, RegionCode(region)?.level != .regency {
                throw RPCError.invalid(["region": "harus kode kab/kota NN.NN (a regency/city code)"])
            }
            return try await policiesView(for: request.region)
        }

        host.methods.on("sla.policies.update", .command, roles: [.ops]) { [self] (update: SLAAPI.PolicyUpdate, context: RequestContext) -> SLAAPI.Policies in
            let claims = try host.auth.claims(context)
            var problems = update.remove == true ? [:] : (update.rule?.problems ?? ["rule": "wajib diisi, atau remove: true (required)"])
            if !EscalationRule.isRuleRegion(update.region) { problems["region"] = "harus *, kode provinsi NN atau kab/kota NN.NN" }
            if update.note.trimmingWhitespace().isEmpty { problems["note"] = "wajib diisi: alasan perubahan (required)" }
            if let problem = TextCheck.problem(update.note, maxLength: 1_000, multiline: true) { problems["note"] = problem }
            guard problems.isEmpty else { throw RPCError.invalid(problems, message: "kebijakan eskalasi tidak valid (invalid policy)") }
            let time = Timestamp.format(host.clock.now()), rule = update.rule
            try await host.store.write { db in
                if update.remove == true {
                    try db.run("DELETE FROM escalation_policies WHERE region = ?", [.text(update.region)])
                } else if let rule {
                    try db.run("""
                        INSERT INTO escalation_policies (region, rule, version, updated_by, updated_at, note) VALUES (?, ?, 1, ?, ?, ?)
                        ON CONFLICT (region) DO UPDATE SET rule = excluded.rule, version = version + 1, updated_by = excluded.updated_by,
                            updated_at = excluded.updated_at, note = excluded.note
                        """, [.text(update.region), .text(String(decoding: try JSON.encode(rule), as: UTF8.self)), .text(claims.sub),
                              .text(time), .text(update.note)])
                }
                try policies.load(db)
            }
            context.logger.info("escalation policy changed", ["region": .string(update.region), "by": .string(claims.sub),
                                                               "removed": .bool(update.remove == true)])
            return try await policiesView(for: nil)
        }
    }

    /// Every stored rule, and the one in force for `region` when asked.
    func policiesView(for region: String?) async throws -> SLAAPI.Policies {
        let rows = try await host.store.read { db in
            try db.query("SELECT region, rule, version, updated_by, updated_at, note FROM escalation_policies ORDER BY region")
        }
        let stored = rows.compactMap { row -> SLAAPI.StoredPolicy? in
            guard let text = row.string("rule"), let rule = try? JSON.decode(EscalationRule.self, from: Array(text.utf8)) else { return nil }
            return SLAAPI.StoredPolicy(region: row.string("region") ?? "", rule: rule, version: row.int("version") ?? 1,
                                       updated_by: row.string("updated_by") ?? "", updated_at: row.string("updated_at") ?? "",
                                       note: row.string("note") ?? "")
        }
        let effective = region.map { region in
            let (rule, source) = policies.rule(for: region)
            return SLAAPI.EffectivePolicy(region: region, source: source, rule: rule)
        }
        return SLAAPI.Policies(policies: stored, effective: effective)
    }
}
