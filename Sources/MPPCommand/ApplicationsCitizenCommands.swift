import Applications
import Bus
import Foundation
import Support

/// `mpp apply SERVICE --region NN.NN --field key=value … --doc requirement=FILE … --vault requirement=ID …`
struct ApplyCommand: Command {
    let name = "apply"
    let summary = "apply for a service in a kab/kota; missing fields come from your profile, documents from files or your vault"
    let usage = "mpp apply SERVICE --region NN.NN [--field key=value]… [--doc requirement=FILE]… [--vault requirement=ID]… [--idempotency-key K] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let service = try arguments.required(0, "SERVICE")
        guard let region = arguments.option("region") else { throw UsageError("--region is required (kab/kota code, e.g. 32.02)") }
        let (documents, attachments) = try ApplicationsCLI.documents(arguments)
        let request = SubmitApplication(service: service, region: region, form: try ApplicationsCLI.fields(arguments), documents: documents)
        let view = try await ApplicationsCLI.call(context, "applications.submit", request, arguments, mutating: true,
                                                  attachments: attachments, as: ApplicationView.self)
        context.emit(view) { ApplicationsCLI.describe(view) + "\n\nikuti dengan (follow with): mpp track \(view.tracking_number)" }
        return 0
    }
}

/// `mpp track NUMBER`: public status, no login needed.
struct TrackCommand: Command {
    let name = "track"
    let summary = "the status of an application by its tracking number (no login needed)"
    let usage = "mpp track NUMBER [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let number = try arguments.required(0, "NUMBER")
        let view = try await ApplicationsCLI.call(context, "applications.track", TrackingRef(tracking_number: number), arguments, as: TrackView.self)
        let language = PeopleTime.language(context)
        context.emit(view) {
            "\(view.tracking_number)  \(view.service_name)\n  status       \(view.status)\(view.terminal ? " (selesai / finished)" : "")\n"
                + "  submitted    \(PeopleTime.showDate(view.submitted_on, language))\n"
                + "  last update  \(PeopleTime.show(view.last_update, region: view.tracking_number, language))"
        }
        return 0
    }
}

/// `mpp show NUMBER`: the whole application, for its owner and the staff in scope.
struct ShowCommand: Command {
    let name = "show"
    let summary = "an application with its form, documents and full history"
    let usage = "mpp show NUMBER [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let number = try arguments.required(0, "NUMBER")
        let view = try await ApplicationsCLI.call(context, "applications.get", TrackingRef(tracking_number: number), arguments, as: ApplicationView.self)
        context.emit(view) { ApplicationsCLI.describe(view) }
        return 0
    }
}

/// `mpp mine [--status S]`: the citizen's applications, newest first.
struct MineCommand: Command {
    let name = "mine"
    let summary = "your applications, newest first"
    let usage = "mpp mine [--status STATE] [--page N] [--page-size N] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let (number, size) = try ApplicationsCLI.page(arguments)
        let page = try await ApplicationsCLI.call(context, "applications.mine", MineRequest(status: arguments.option("status"), page: number, page_size: size),
                                                  arguments, as: ApplicationPage.self)
        context.emit(page) { ApplicationsCLI.table(page, empty: "belum ada permohonan (no applications yet)") }
        return 0
    }
}

/// `mpp vault`: the citizen's stored documents, reusable with `--vault requirement=ID`.
struct VaultCommand: Command {
    let name = "vault"
    let summary = "your stored documents (reuse one with mpp apply … --vault requirement=ID)"
    let usage = "mpp vault [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let list = try await ApplicationsCLI.call(context, "applications.vault.list", Empty(), arguments, as: VaultList.self)
        context.emit(list) {
            list.documents.isEmpty ? "arsip dokumen kosong (your vault is empty)" : formatTable(
                [["VAULT ID", "TYPE", "SIZE", "NAME", "USED IN"]] + list.documents.map {
                    [$0.vault_id, $0.type, "\($0.size)", $0.name ?? "-", $0.used_in.joined(separator: " ")]
                })
        }
        return 0
    }
}

/// `mpp survey NUMBER --scores 4,4,3,4,4,3,4,4,3 [--comment TEXT]`: the SKM, once per completed application.
struct SurveyCommand: Command {
    let name = "survey"
    let summary = "rate a completed application: the 9 SKM elements, 1–4 each (once)"
    let usage = "mpp survey NUMBER --scores S1,S2,…,S9 [--comment TEXT] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let number = try arguments.required(0, "NUMBER")
        guard let text = arguments.option("scores") else { throw UsageError("--scores is required: nine numbers 1–4, comma-separated") }
        let scores = try text.split(separator: ",").map { part -> Int in
            guard let score = Int(part.trimmingCharacters(in: .whitespaces)) else { throw UsageError("--scores: \"\(part)\" is not a number") }
            return score
        }
        let receipt = try await ApplicationsCLI.call(context, "applications.survey.submit",
                                                     SurveyRequest(tracking_number: number, scores: scores, comment: arguments.option("comment")),
                                                     arguments, mutating: true, as: SurveyReceipt.self)
        context.emit(receipt) { "terima kasih, survei tercatat (thank you, survey recorded) for \(receipt.tracking_number)" }
        return 0
    }
}
