import Foundation
import Support

/// SLA verbs: an application's clock, open breaches, reports and the weekly evaluation.
let slaCommands: [any Command] = [SLACommand(), ReportCommand(), EvaluationCommand()]

/// `mpp sla status NUMBER` / `mpp sla breaches` / `mpp sla calendar [--year Y]` / `mpp sla policy …`.
struct SLACommand: Command {
    let name = "sla"
    let summary = "an application's SLA clock (status NUMBER), open breaches, the holiday calendar, escalation policies"
    let usage = "mpp sla status NUMBER | mpp sla breaches [--page N] | mpp sla calendar [--year YYYY] [--region NN.NN] [--json] | "
        + SLAPolicyVerb.usage

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        switch try arguments.required(0, "status|breaches|calendar|policy") {
        case "status":
            let number = try arguments.required(1, "NUMBER")
            let reply = try await context.request("sla.status", ["tracking_number": number], arguments)
            context.emit(reply) {
                let region = reply["region"]?.stringValue ?? number
                let line = { (label: String, key: String) -> String in
                    let value = ["deadline", "breached_at", "finished_at"].contains(key)
                        ? PeopleTime.show(reply[key]?.stringValue, region: region) : reply[key].map(Self.text) ?? "-"
                    return "  \(label.padding(toLength: 12, withPad: " ", startingAt: 0))\(value)"
                }
                return ["\(number) — \(reply["service"]?.stringValue ?? "")", line("state", "state"), line("deadline", "deadline"),
                        line("budget used", "budget_used"), line("paused", "paused"), line("breached at", "breached_at"),
                        line("outcome", "outcome")].joined(separator: "\n")
            }
        case "breaches":
            let reply = try await context.request("sla.breaches", ["page": Int(arguments.option("page") ?? "1") ?? 1], arguments)
            let rows = reply["breaches"]?.arrayValue ?? []
            context.emit(reply) {
                rows.isEmpty ? "tidak ada pelanggaran SLA terbuka (no open breaches)" : formatTable(
                    [["TRACKING", "SERVICE", "REGION", "AGENCY", "BREACHED AT", "OVERDUE (WORKING H)"]]
                        + rows.map { row in
                            ["tracking_number", "service", "region", "agency", "breached_at", "overdue_working_hours"].map { key in
                                key == "breached_at" ? PeopleTime.show(row[key]?.stringValue, region: row["region"]?.stringValue ?? "31")
                                    : row[key].map(Self.text) ?? "-"
                            }
                        })
            }
        case "calendar":
            var body: [String: JSONValue] = [:]
            if let year = arguments.option("year").flatMap(Int.init) { body["year"] = .number(Double(year)) }
            if let region = arguments.option("region") { body["region"] = .string(region) }
            let reply = try await context.request("sla.calendars.get", JSONValue.object(body), arguments)
            context.emit(reply) {
                let days = (reply["holidays"]?.arrayValue ?? []).map { "  \($0["date"]?.stringValue ?? "")  \($0["kind"]?.stringValue ?? "")  \($0["name"]?.stringValue ?? "")" }
                let warnings = (reply["warnings"]?.arrayValue ?? []).compactMap(\.stringValue).map { "warning: \($0)" }
                return (["calendar version \(reply["version"].map(Self.text) ?? "?")"] + days + warnings).joined(separator: "\n")
            }
        case "policy":
            try await SLAPolicyVerb.run(arguments, context)
        default:
            throw UsageError("unknown subcommand")
        }
        return 0
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): number.rounded() == number ? String(Int(number)) : String(format: "%.2f", number)
        case .bool(let flag): flag ? "yes" : "no"
        case .null: "-"
        default: JSON.pretty(value)
        }
    }
}

/// `mpp report --from D --to D [--region R] [--site S] [--agency A] [--service ID] [--csv]`.
struct ReportCommand: Command {
    let name = "report"
    let summary = "performance report: received, on-time %, working time, backlog, breaches, SKM"
    let usage = "mpp report --from YYYY-MM-DD --to YYYY-MM-DD [--region NN.NN] [--site ID] [--agency ID] [--service ID] [--csv] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        guard let from = arguments.option("from"), let to = arguments.option("to") else { throw UsageError("--from and --to are required") }
        var body: [String: JSONValue] = ["from": .string(from), "to": .string(to), "format": arguments.flag("csv") ? "csv" : "json"]
        for key in ["region", "site", "agency", "service"] { if let value = arguments.option(key) { body[key] = .string(value) } }
        let reply = try await context.request("sla.report", JSONValue.object(body), arguments)
        if let csv = reply["csv"]?.stringValue { print(csv, terminator: ""); return 0 }
        context.emit(reply) {
            let figures = reply["figures"]?.objectValue ?? [:]
            return figures.keys.sorted().map { "  \($0.padding(toLength: 22, withPad: " ", startingAt: 0))\(SLACommand.text(figures[$0]!))" }
                .joined(separator: "\n")
        }
        return 0
    }
}

/// `mpp evaluation --week 2026-W47 [--csv]`: the ministry's weekly look at every MPP.
struct EvaluationCommand: Command {
    let name = "evaluation"
    let summary = "weekly evaluation of every MPP site with its flags (e.g. tidak beroperasi)"
    let usage = "mpp evaluation --week YYYY-Www [--csv] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        guard let week = arguments.option("week") else { throw UsageError("--week is required, e.g. 2026-W47") }
        let reply = try await context.request("sla.evaluation.weekly", ["week": week, "format": arguments.flag("csv") ? "csv" : "json"], arguments)
        if let csv = reply["csv"]?.stringValue { print(csv, terminator: ""); return 0 }
        let sites = reply["sites"]?.arrayValue ?? []
        context.emit(reply) {
            formatTable([["SITE", "REGION", "RECEIVED", "ON TIME %", "OPEN BREACHED", "SKM", "FLAGS"]] + sites.map { site in
                let figures = site["figures"] ?? .null
                return [site["name"]?.stringValue ?? site["site"]?.stringValue ?? "", site["region"]?.stringValue ?? "",
                        figures["received"].map(SLACommand.text) ?? "-", figures["on_time_pct"].map(SLACommand.text) ?? "-",
                        figures["open_breached"].map(SLACommand.text) ?? "-", figures["skm_grade"].map(SLACommand.text) ?? "-",
                        (site["flags"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")]
            })
        }
        return 0
    }
}
