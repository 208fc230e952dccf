import Applications
import Bus
import Foundation
import Support

/// Application verbs: citizens apply, follow, reuse their documents and rate the service;
/// officers work their queue (issue: applications service).
let applicationsCommands: [any Command] = [
    ApplyCommand(), TrackCommand(), ShowCommand(), MineCommand(), VaultCommand(), SurveyCommand(), QueueCommand(), ActCommand(),
]

/// What the application verbs share: typed calls, `--field`/`--doc`/`--vault` parsing, lines.
enum ApplicationsCLI {
    /// Calls an applications method with the caller's token (`--token`, `MPP_TOKEN` or the
    /// `mpp login` session, refreshed when due) and decodes the reply. Mutating calls get a fresh
    /// idempotency key unless `--idempotency-key` is given (to retry one safely).
    static func call<Body: Encodable & Sendable, Reply: Decodable & Sendable>(_ context: CommandContext, _ method: String, _ body: Body,
                                                                              _ arguments: Arguments, mutating: Bool = false,
                                                                              attachments: [[UInt8]] = [], as: Reply.Type) async throws -> Reply {
        let stack = try context.clients()
        defer { Task { await stack.rpc.shutdown() } }
        let token = try await SessionToken.resolve(arguments, context, stack)
        let key = arguments.option("idempotency-key") ?? (mutating ? UUID().uuidString : nil)
        return try await stack.client.call(method, body, as: Reply.self,
                                           options: CallOptions(token: token, idempotencyKey: key, attachments: attachments))
    }

    /// `--field key=value` options as form values (text; the service converts numbers).
    static func fields(_ arguments: Arguments) throws -> [String: JSONValue] {
        try Dictionary(arguments.all("field").map { try pair($0, "--field") }.map { ($0.0, JSONValue.string($0.1)) }) { _, last in last }
    }

    /// `--doc requirement=FILE` (uploaded as attachments, in order) and `--vault requirement=ID`.
    static func documents(_ arguments: Arguments) throws -> (inputs: [String: DocumentInput], attachments: [[UInt8]]) {
        var inputs: [String: DocumentInput] = [:]
        var attachments: [[UInt8]] = []
        for option in arguments.all("doc") {
            let (requirement, path) = try pair(option, "--doc")
            guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read \(path)") }
            inputs[requirement] = DocumentInput(attachment: attachments.count, name: (path as NSString).lastPathComponent)
            attachments.append(Array(data))
        }
        for option in arguments.all("vault") {
            let (requirement, id) = try pair(option, "--vault")
            inputs[requirement] = DocumentInput(vault_id: id)
        }
        return (inputs, attachments)
    }

    static func pair(_ text: String, _ option: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { throw UsageError("\(option) wants key=value, got \"\(text)\"") }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// `--page N --page-size N` as numbers.
    static func page(_ arguments: Arguments) throws -> (page: Int?, size: Int?) {
        (try arguments.option("page").map(positiveNumber), try arguments.option("page-size").map(positiveNumber))
    }

    /// The lines of a page of applications.
    static func table(_ page: ApplicationPage, empty: String) -> String {
        guard !page.items.isEmpty else { return empty }
        let rows = page.items.map { item in
            [item.tracking_number, item.service, item.state, PeopleTime.show(item.due_at, region: item.region), item.late ? "LATE" : "",
             item.claimed_by ?? "-", PeopleTime.show(item.updated_at, region: item.region)]
        }
        let more = Paging.hasMore(page: page.page, pageSize: page.page_size, total: page.total)
            ? "\n(\(page.total) in all; more: --page \(page.page + 1))" : ""
        return formatTable([["TRACKING", "SERVICE", "STATE", "DUE", "", "CLAIMED BY", "UPDATED"]] + rows) + more
    }

    /// A human view of one application.
    static func describe(_ view: ApplicationView) -> String {
        var lines = ["\(view.tracking_number)  \(view.service_name) (\(view.service) v\(view.service_version))",
                     "  state      \(view.state)\(view.paused ? " (menunggu pemohon / waiting on the applicant)" : "")",
                     "  region     \(view.region)\(view.site.map { "  site \($0)" } ?? "")",
                     "  due        \(PeopleTime.show(view.sla.due_at, region: view.region))\(view.sla.late ? "  TERLAMBAT (late)" : "")"]
        if let claimed = view.claimed_by { lines.append("  claimed by \(claimed)") }
        if let output = view.output { lines.append("  output     \(output)") }
        if let prefilled = view.prefilled, !prefilled.isEmpty { lines.append("  prefilled  \(prefilled.sorted().joined(separator: ", ")) (from your profile)") }
        lines += view.form.keys.sorted().map { "  form.\($0) = \(view.form[$0].map(text) ?? "")" }
        lines += view.documents.map { "  doc \($0.requirement): \($0.type) \($0.size) B  vault \($0.vault_id.prefix(12))…" }
        lines += view.history.map { "  #\($0.seq) \(PeopleTime.show($0.time, region: view.region)) \($0.action): \($0.from.isEmpty ? "-" : $0.from) → \($0.to) by \($0.actor_role)"
            + ($0.note.map { " — \($0)" } ?? "") }
        if !view.allowed_actions.isEmpty { lines.append("  you may: \(view.allowed_actions.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): number.rounded() == number ? String(Int(number)) : String(number)
        default: JSON.pretty(value)
        }
    }
}
