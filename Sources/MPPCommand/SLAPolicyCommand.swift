import Foundation
import SLA
import Support

/// `mpp sla policy [--region NN.NN]`, `mpp sla policy set REGION --warn 0.5 --step supervisor:0h
/// --step ministry:1d --note "…"`, `mpp sla policy remove REGION --note "…"`: escalation policies.
enum SLAPolicyVerb {
    static let usage = "mpp sla policy [--region NN.NN] | mpp sla policy set REGION --warn SHARE --step ROLE:NUMBER(h|d)… --note TEXT"
        + " | mpp sla policy remove REGION --note TEXT"

    static func run(_ arguments: Arguments, _ context: CommandContext) async throws {
        switch arguments.positional.count > 1 ? try arguments.required(1, "set|remove") : "show" {
        case "show":
            let reply = try await context.request("sla.policies.get", SLAAPI.PoliciesRequest(region: arguments.option("region")), arguments)
            context.emit(reply) { describe(reply) }
        case "set":
            let region = try arguments.required(2, "REGION")
            guard let share = arguments.option("warn").flatMap(Double.init) else { throw UsageError("--warn SHARE (0.05–0.95) is required") }
            let steps = try arguments.all("step").map(step)
            let update = SLAAPI.PolicyUpdate(region: region, rule: EscalationRule(warningShare: share, steps: steps),
                                             note: try note(arguments))
            let reply = try await context.request("sla.policies.update", update, arguments, mutating: true)
            context.emit(reply) { describe(reply) }
        case "remove":
            let update = SLAAPI.PolicyUpdate(region: try arguments.required(2, "REGION"), remove: true, note: try note(arguments))
            let reply = try await context.request("sla.policies.update", update, arguments, mutating: true)
            context.emit(reply) { describe(reply) }
        default:
            throw UsageError(usage)
        }
    }

    /// `supervisor:0h`, `mpp_admin:2d`.
    static func step(_ text: String) throws -> EscalationStep {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let unit = parts[1].last, let amount = Double(parts[1].dropLast()), unit == "h" || unit == "d" else {
            throw UsageError("--step ROLE:NUMBERh or ROLE:NUMBERd, e.g. supervisor:0h or mpp_admin:2d (got \"\(text)\")")
        }
        return unit == "h" ? EscalationStep(role: parts[0], afterWorkingHours: amount) : EscalationStep(role: parts[0], afterWorkingDays: amount)
    }

    static func note(_ arguments: Arguments) throws -> String {
        guard let note = arguments.option("note") else { throw UsageError("--note TEXT (why) is required") }
        return note
    }

    static func describe(_ reply: JSONValue) -> String {
        func rule(_ value: JSONValue?) -> String {
            let steps = (value?["steps"]?.arrayValue ?? []).map { step in
                let delay = step["after_working_hours"].map { "\(SLACommand.text($0)) working h" }
                    ?? step["after_working_days"].map { "\(SLACommand.text($0)) working d" } ?? "?"
                return "\(step["role"]?.stringValue ?? "?") after \(delay)"
            }
            return "warn at \(value?["warning_share"].map(SLACommand.text) ?? "?"); " + steps.joined(separator: ", then ")
        }
        var lines = (reply["policies"]?.arrayValue ?? []).map { policy in
            "  \((policy["region"]?.stringValue ?? "").padding(toLength: 7, withPad: " ", startingAt: 0)) v\(policy["version"].map(SLACommand.text) ?? "?")  "
                + "\(rule(policy["rule"]))  (\(policy["updated_by"]?.stringValue ?? ""), \(policy["note"]?.stringValue ?? ""))"
        }
        if lines.isEmpty { lines = ["  no stored policy: the standard one applies everywhere"] }
        if let effective = reply["effective"] {
            lines.append("in force in \(effective["region"]?.stringValue ?? ""): \(rule(effective["rule"])) [from \(effective["source"]?.stringValue ?? "")]")
        }
        return (["escalation policies"] + lines).joined(separator: "\n")
    }
}
