import Foundation
import Identity
import ServiceKit
import Sodium
import Support

/// `mpp staff create USERNAME …`: a staff account within the caller's scope.
struct StaffCommand: Command {
    let name = "staff"
    let summary = "create staff accounts (ops: anyone; mpp_admin: officers/supervisors of their kab/kota; supervisor: officers)"
    let usage = """
        mpp staff create USERNAME --name "FULL NAME" --role officer|supervisor|mpp_admin|ministry|ops [--agency ID] [--region NN.NN]
                                  [--phone 08…] [--email ADDRESS] [--password-stdin] [--json]   (the new account's password is asked)
        """

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        guard arguments.positional.first == "create" else { throw UsageError("create") }
        let username = try arguments.required(1, "USERNAME")
        guard let fullName = arguments.option("name") else { throw UsageError("--name is required") }
        guard let roleName = arguments.option("role"), let role = Role(rawValue: roleName), role.isStaff else {
            throw UsageError("--role must be officer, supervisor, mpp_admin, ministry or ops")
        }
        let password = try IdentityPassword.read(arguments, prompt: "Kata sandi untuk \(username) (password of the new account): ", confirm: true)
        let request = CreateStaff(username: username, name: fullName, password: password, role: role, agency: arguments.option("agency"),
                                  region: arguments.option("region"), phone: arguments.option("phone"), email: arguments.option("email"))
        return try await IdentityCall.run(context, "identity.staff.create", request, as: AccountView.self, arguments: arguments,
                                          mutating: true) { view in
            "created \(view.role.rawValue) \(view.username ?? view.sub) (\(view.sub))"
                + [view.agency, view.region].compactMap { $0 }.map { " · \($0)" }.joined()
        }
    }
}

/// `mpp admin bootstrap [USERNAME]`: the first `ops` account, written straight into identity's
/// store in `$MPP_DATA` (local access to the data folder, not the network).
struct AdminCommand: Command {
    let name = "admin"
    let summary = "bootstrap the first ops account in the local identity store ($MPP_DATA/identity.db)"
    let usage = "mpp admin bootstrap [USERNAME (default ops)] [--name \"FULL NAME\"] [--force] [--password-stdin] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        guard arguments.positional.first == "bootstrap" else { throw UsageError("bootstrap") }
        let username = arguments.positional.count > 1 ? arguments.positional[1] : "ops"
        let parameters: PasswordHash.Parameters = context.environment.string("MPP_ARGON2", default: "interactive") == "minimum"
            ? .minimum : .interactive
        let password = try IdentityPassword.read(arguments, prompt: "Kata sandi untuk \(username) (password): ", confirm: true)
        do {
            let view = try await IdentityBootstrap.createOperator(
                dataDirectory: context.dataDirectory, username: username, name: arguments.option("name") ?? "Operator Platform",
                password: password, force: arguments.flag("force"), parameters: parameters)
            context.emit(view) {
                "ops account \(view.username ?? username) ready (\(view.sub)) in \(IdentityBootstrap.databasePath(dataDirectory: context.dataDirectory))\nnext: mpp login \(view.username ?? username)"
            }
            return 0
        } catch let refused as IdentityBootstrap.Refused {
            printError("mpp admin bootstrap: \(refused)")
            return 1
        }
    }
}
