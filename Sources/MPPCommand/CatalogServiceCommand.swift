import Catalog
import Domain
import Foundation
import Support

/// `mpp catalog search WORDS…` / `mpp catalog show ID` / `mpp catalog upsert FILE.json`.
struct CatalogCommand: Command {
    let name = "catalog"
    let summary = "find services (search WORDS), show one (show ID), change one (upsert FILE, ops)"
    let usage = """
        mpp catalog search [WORDS…] [--region NN.NN] [--agency ID] [--channel direct|mobile|self_service|electronic] [--limit N] [--json]
               mpp catalog show ID [--version N] [--json]
               mpp catalog upsert FILE.json [--expected-version N]   (ops; FILE holds one service definition)
        """

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        switch try arguments.required(0, "search|show|upsert") {
        case "search":
            let channel = try arguments.option("channel").map { text in
                guard let channel = ServiceChannel(rawValue: text) else { throw UsageError("--channel: one of direct, mobile, self_service, electronic") }
                return channel
            }
            let words = arguments.positional.dropFirst().joined(separator: " ")
            let request = CatalogAPI.SearchServices(q: words.isEmpty ? nil : words, region: arguments.option("region"),
                                                    agency: arguments.option("agency"), channel: channel,
                                                    limit: try arguments.option("limit").map(positiveNumber))
            let reply = try await context.call("catalog.services.search", request, as: CatalogAPI.ServiceResults.self, arguments)
            context.emit(reply) { Self.table(reply.results) }
        case "show":
            let id = try arguments.required(1, "ID")
            let request = CatalogAPI.GetService(id: id, version: try arguments.option("version").map(positiveNumber))
            let service = try await context.call("catalog.services.get", request, as: ServiceDefinition.self, arguments)
            context.emit(service) { Self.describe(service) }
        case "upsert":
            let path = try arguments.required(1, "FILE.json")
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
            let draft: ServiceDraft
            do { draft = try JSON.decode(ServiceDraft.self, from: Array(data)) } catch { throw UsageError("\(path): \(error)") }
            let request = CatalogAPI.UpsertService(service: draft, expected_version: try arguments.option("expected-version").map(positiveNumber))
            let reply = try await context.call("catalog.services.upsert", request, as: CatalogAPI.UpsertResult.self, arguments, mutating: true)
            context.emit(reply) {
                (reply.changed ? "\(reply.id): version \(reply.version) saved" : "\(reply.id): unchanged (version \(reply.version))")
                    + (reply.also_changed.isEmpty ? "" : "\nalso new versions (same workflow): " + reply.also_changed.joined(separator: ", "))
            }
        default:
            throw UsageError("unknown subcommand")
        }
        return 0
    }

    static func table(_ results: [ServiceSummary]) -> String {
        guard !results.isEmpty else { return "tidak ada layanan yang cocok (no matching service)" }
        // Relevance relative to the best hit (BM25 scores have no fixed scale).
        let best = max(results.first?.score ?? 0, .leastNonzeroMagnitude)
        return formatTable([["ID", "NAME", "AGENCY", "SLA", "FEE", "RELEVANCE"]] + results.map {
            [$0.id, $0.name, $0.agency, sla($0.sla), rupiah($0.fee_idr), $0.score > 0 ? String(format: "%.2f", $0.score / best) : "-"]
        })
    }

    static func describe(_ service: ServiceDefinition) -> String {
        func line(_ label: String, _ value: String?) -> String? {
            value.map { "  \(label.padding(toLength: 13, withPad: " ", startingAt: 0))\($0)" }
        }
        let workflow = service.workflow
        let lines: [String?] = [
            "\(service.id)  v\(service.version ?? 0)  \(service.name)", "  \(service.name_en)",
            service.description.map { "\n  \($0)\n" },
            line("agency", service.agency + (service.also_involves.isEmpty ? "" : " (with " + service.also_involves.joined(separator: ", ") + ")")),
            line("fee", rupiah(service.fee_idr)), line("SLA", sla(service.sla)),
            line("channels", service.channels.map(\.rawValue).joined(separator: ", ")),
            line("identity", service.requires_verified_identity ? "verified identity required" : "any registered citizen"),
            line("legal basis", service.legal_basis), line("output", service.output),
            line("workflow", "\(workflow.id) v\(workflow.version ?? 0): " + workflow.states.joined(separator: " · ")),
            line("", "paused: " + workflow.paused_states.joined(separator: ", ") + "; final: " + workflow.terminal_states.joined(separator: ", ")),
            line("changed", [service.updated_at.map { PeopleTime.show($0, region: "31") }, service.changed_by.map { "by \($0)" }]
                .compactMap { $0 }.joined(separator: " ")),
            "\n  requirements:",
        ]
        let requirements = service.requirements.map {
            "    \($0.required ? "*" : "-") \($0.label)  [\($0.types.joined(separator: ", "))]"
        }
        let form = formatTable([["KEY", "LABEL", "TYPE", "REQUIRED", "PREFILL"]] + service.form.map {
            [$0.key, $0.label, $0.type.rawValue + ($0.options.map { " (" + $0.joined(separator: "|") + ")" } ?? ""),
             $0.required ? "yes" : "", $0.prefill ?? ""]
        }).split(separator: "\n").map { "    " + $0 }
        return (lines.compactMap { $0 } + requirements + ["\n  form:"] + form).joined(separator: "\n")
    }

    static func sla(_ sla: SLA) -> String {
        switch sla.unit {
        case .workingDays: "\(sla.value) hari kerja"
        case .workingHours: "\(sla.value) jam kerja"
        case .minutes: "\(sla.value) menit"
        }
    }

    /// "Rp150.000", "Rp0 (gratis)" (`PeopleFormat`).
    static func rupiah(_ amount: Int) -> String { PeopleFormat.rupiah(amount) }
}

func positiveNumber(_ text: String) throws -> Int {
    guard let number = Int(text), number > 0 else { throw UsageError("\(text) is not a positive number") }
    return number
}

extension CommandContext {
    /// Calls `method` (see `request`) and decodes the reply as `Result`.
    func call<Body: Encodable & Sendable, Result: Decodable>(_ method: String, _ body: Body, as: Result.Type,
                                                             _ arguments: Arguments, mutating: Bool = false) async throws -> Result {
        let reply = try await request(method, body, arguments, mutating: mutating)
        return try JSON.decode(Result.self, from: JSONWriter.write(reply))
    }
}
