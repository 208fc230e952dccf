import Foundation
import Notifications
import NotifyWorker
import Support

/// Notification verbs: the inbox, the dead letters, and a notify worker in this process.
let notificationsCommands: [any Command] = [NotificationsCommand(), DeadLettersCommand(), NotifyWorkerCommand()]

/// `mpp notifications [unread] [--page N]` / `mpp notifications read ID…`.
struct NotificationsCommand: Command {
    let name = "notifications"
    let summary = "your in-app notifications, newest first (unread: only those); read ID… marks them read"
    let usage = "mpp notifications [unread] [--page N] [--page-size N] | mpp notifications read ID… [--token T] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        if arguments.positional.first == "read" {
            let reply = try await context.request("notifications.read", MarkRead(ids: try ids(arguments)), arguments, mutating: true)
            context.emit(reply) { "\(reply["updated"]?.intValue ?? 0) ditandai dibaca (marked read); \(reply["unread"]?.intValue ?? 0) belum dibaca (unread)" }
            return 0
        }
        guard arguments.positional.isEmpty || arguments.positional == ["unread"] else { throw UsageError("unknown subcommand \(arguments.positional[0])") }
        let request = InboxRequest(unread: arguments.positional.first == "unread", page: try number(arguments, "page"),
                                   page_size: try number(arguments, "page-size"))
        let reply = try await context.request("notifications.inbox", request, arguments)
        let language = PeopleTime.language(context)
        context.emit(reply) {
            let items = reply["items"]?.arrayValue ?? []
            guard !items.isEmpty else { return "kotak masuk kosong (no notifications)" }
            let rows = items.map { item in
                [item["id"]?.intValue.map(String.init) ?? "", item["read_at"] == .null || item["read_at"] == nil ? "•" : " ",
                 PeopleTime.show(item["created_at"]?.stringValue, region: item["reference"]?.stringValue ?? "31", language),
                 item["subject"]?.stringValue ?? item["kind"]?.stringValue ?? "", item["body"]?.stringValue ?? ""]
            }
            let page = "page \(reply["page"]?.intValue ?? 1) — \(reply["total"]?.intValue ?? 0) in all, \(reply["unread"]?.intValue ?? 0) unread (•)"
            return formatTable([["ID", "", "WHEN", "SUBJECT", "MESSAGE"]] + rows) + "\n" + page
        }
        return 0
    }
}

/// `mpp dead-letters [--page N]` / `mpp dead-letters retry ID…` (ops).
struct DeadLettersCommand: Command {
    let name = "dead-letters"
    let summary = "notifications that could not be delivered (ops); retry ID… puts them back in the queue"
    let usage = "mpp dead-letters [--page N] | mpp dead-letters retry ID… [--token T] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        if arguments.positional.first == "retry" {
            let reply = try await context.request("notifications.dead_letters.retry", RetryDeadLetters(ids: try ids(arguments)), arguments,
                                                  mutating: true)
            context.emit(reply) { "\(reply["requeued"]?.intValue ?? 0) kembali ke antrean (back in the queue)" }
            return 0
        }
        guard arguments.positional.isEmpty else { throw UsageError("unknown subcommand \(arguments.positional[0])") }
        let reply = try await context.request("notifications.dead_letters.list", ListDeadLetters(page: try number(arguments, "page")), arguments)
        context.emit(reply) {
            let items = reply["items"]?.arrayValue ?? []
            guard !items.isEmpty else { return "tidak ada (no dead letters)" }
            let rows = items.map { item in
                ["id", "failed_at", "kind", "recipient", "channel", "attempts", "reason"].map { key in
                    item[key].map { $0.stringValue ?? $0.intValue.map(String.init) ?? "" } ?? ""
                }
            }
            return formatTable([["ID", "FAILED AT", "KIND", "RECIPIENT", "CHANNEL", "ATTEMPTS", "REASON"]] + rows)
                + "\n\(reply["total"]?.intValue ?? 0) in all"
        }
        return 0
    }
}

/// `mpp notify-worker`: a notify worker in this process, configured like `mpp-notify-worker`.
struct NotifyWorkerCommand: Command {
    let name = "notify-worker"
    let summary = "run a notify worker here (webhook/sendmail/log; Ctrl-C stops it after the jobs it holds)"
    let usage = "mpp notify-worker   (environment: MPP_WEBHOOK_URL, MPP_WEBHOOK_SECRET, MPP_WORKER_CHANNELS, MPP_WORKER_LANES, MPP_WORKER_BATCH, MPP_WORKER_CONCURRENCY…)"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        await WorkerMain.run("mpp notify-worker", environment: context.environment)
    }
}

/// A whole-number option, or a usage error.
private func number(_ arguments: Arguments, _ name: String) throws -> Int? {
    guard let text = arguments.option(name) else { return nil }
    guard let value = Int(text) else { throw UsageError("--\(name) must be a whole number") }
    return value
}

/// The notification ids after the subcommand word, or a usage error.
private func ids(_ arguments: Arguments) throws -> [Int64] {
    let words = arguments.positional.dropFirst()
    let ids = words.compactMap { Int64($0) }
    guard !ids.isEmpty, ids.count == words.count else { throw UsageError("\(arguments.positional[0]) needs notification ids (numbers)") }
    return ids
}
