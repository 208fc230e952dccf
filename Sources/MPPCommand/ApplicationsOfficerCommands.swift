import Applications
import Foundation
import Support

/// `mpp queue [--status S] [--service ID] [--claimed me|none]`: open applications of the
/// officer's agency in their kab/kota, most urgent SLA first.
struct QueueCommand: Command {
    let name = "queue"
    let summary = "your agency's open applications in your kab/kota, most urgent first"
    let usage = "mpp queue [--status STATE] [--service ID] [--claimed me|none] [--page N] [--page-size N] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let (number, size) = try ApplicationsCLI.page(arguments)
        var request = QueueRequest(status: arguments.option("status"), service: arguments.option("service"), page: number, page_size: size)
        switch arguments.option("claimed") {
        case nil: break
        case "me": request.claimed_by_me = true
        case "none": request.unclaimed = true
        case let other?: throw UsageError("--claimed is me or none, got \"\(other)\"")
        }
        let page = try await ApplicationsCLI.call(context, "applications.queue", request, arguments, as: ApplicationPage.self)
        context.emit(page) { ApplicationsCLI.table(page, empty: "antrean kosong (queue is empty)") }
        return 0
    }
}

/// `mpp act NUMBER ACTION [--note …] [--output …]`: a workflow action on the version just read
/// (a colleague's change in between gets `aborted`: look again). `claim` and `unclaim` take or
/// release the application; a citizen's `resubmit` may carry `--field`, `--doc`, `--vault`.
struct ActCommand: Command {
    let name = "act"
    let summary = "take a workflow action (verify, request_revision, approve, complete…), or claim/unclaim"
    let usage = "mpp act NUMBER ACTION|claim|unclaim [--note TEXT] [--output REF] [--field k=v]… [--doc req=FILE]… [--vault req=ID]… [--force] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let number = try arguments.required(0, "NUMBER")
        let action = try arguments.required(1, "ACTION")
        let view: ApplicationView
        if action == "claim" || action == "unclaim" {
            view = try await ApplicationsCLI.call(context, "applications.\(action)",
                                                  ClaimRequest(tracking_number: number, force: arguments.flag("force") ? true : nil),
                                                  arguments, mutating: true, as: ApplicationView.self)
        } else {
            let current = try await ApplicationsCLI.call(context, "applications.get", TrackingRef(tracking_number: number), arguments,
                                                         as: ApplicationView.self)
            let (documents, attachments) = try ApplicationsCLI.documents(arguments)
            let fields = try ApplicationsCLI.fields(arguments)
            let request = TransitionRequest(tracking_number: number, action: action, note: arguments.option("note"),
                                            output: arguments.option("output"), expected_version: current.version,
                                            form: fields.isEmpty ? nil : fields, documents: documents.isEmpty ? nil : documents)
            view = try await ApplicationsCLI.call(context, "applications.transition", request, arguments, mutating: true,
                                                  attachments: attachments, as: ApplicationView.self)
        }
        context.emit(view) { ApplicationsCLI.describe(view) }
        return 0
    }
}
