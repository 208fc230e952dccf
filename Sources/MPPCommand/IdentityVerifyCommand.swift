import Foundation
import Identity
import Support

/// `mpp verify NIK`: at the counter, after checking the citizen's KTP-el, an officer of
/// Disdukcapil or the MPP front desk marks the account verified.
struct VerifyCommand: Command {
    let name = "verify"
    let summary = "mark a citizen's account verified after checking the KTP-el at the counter (officers)"
    let usage = "mpp verify NIK [--method ktp_el|ikd] [--birth-date-checked] [--note TEXT] [--json]"
    var switches: Set<String> { ["birth-date-checked"] }

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let nik = try arguments.required(0, "NIK")
        let request = VerifyCitizen(nik: nik, method: arguments.option("method") ?? "ktp_el",
                                    birth_date_checked: arguments.flag("birth-date-checked") ? true : nil, note: arguments.option("note"))
        let reply = try await context.request("identity.citizens.verify", request, arguments, mutating: true)
        context.emit(reply) {
            "\(reply["name"]?.stringValue ?? nik): \(reply["assurance"]?.stringValue ?? "verified")"
        }
        return 0
    }
}
