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

/// `mpp unlock NIK --note TEXT`: at the counter, after checking the citizen's KTP-el, the same
/// officers clear the wrong passwords that make the account's logins wait (audited with the note).
struct UnlockCommand: Command {
    let name = "unlock"
    let summary = "clear the login delays of a citizen's account after checking the KTP-el at the counter (officers)"
    let usage = "mpp unlock NIK --note TEXT [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let nik = try arguments.required(0, "NIK")
        guard let note = arguments.option("note") else { throw UsageError("--note is required: what you checked (e.g. \"KTP-el diperiksa\")") }
        let reply = try await context.request("identity.citizens.unlock", UnlockCitizen(nik: nik, note: note), arguments, mutating: true)
        context.emit(reply) {
            let cleared = reply["failures_cleared"]?.doubleValue.map { Int($0) } ?? 0
            return "\(reply["sub"]?.stringValue ?? nik): login delays cleared (\(cleared) wrong password(s)); the citizen can log in now"
        }
        return 0
    }
}
