import Bus
import Foundation
import Identity
import ServiceKit

/// `mpp profile show|set`: the profile services prefill forms from.
struct ProfileCommand: Command {
    let name = "profile"
    let summary = "show or change your profile (address, KK number, contacts, language, channels)"
    let usage = """
        mpp profile show [--json]
               mpp profile set [--phone 08…] [--email ADDRESS] [--village NN.NN.NN.NNNN [--street TEXT] [--rt N] [--rw N] [--postal-code NNNNN]]
                               [--kk NNNNNNNNNNNNNNNN] [--occupation TEXT] [--language id|en] [--channels app,sms,whatsapp,email] [--json]
               (an empty value clears --phone, --email, --kk or --occupation)
        """

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        switch arguments.positional.first {
        case "show":
            return try await IdentityCall.run(context, "identity.me", Empty(), as: AccountView.self, arguments: arguments) {
                IdentityCall.describe($0)
            }
        case "set":
            let update = try Self.update(arguments)
            return try await IdentityCall.run(context, "identity.profile.update", update, as: AccountView.self, arguments: arguments,
                                              mutating: true) { "profile saved\n" + IdentityCall.describe($0) }
        default:
            throw UsageError("show or set")
        }
    }

    static func update(_ arguments: Arguments) throws -> ProfileUpdate {
        var update = ProfileUpdate(phone: arguments.option("phone"), email: arguments.option("email"), kk_number: arguments.option("kk"),
                                   occupation: arguments.option("occupation"), preferred_language: arguments.option("language"),
                                   preferred_channels: arguments.option("channels").map { $0.split(separator: ",").map(String.init) })
        if let village = arguments.option("village") {
            update.address = Address(street: arguments.option("street"), rt: arguments.option("rt"), rw: arguments.option("rw"),
                                     village_code: village, postal_code: arguments.option("postal-code"))
        } else if ["street", "rt", "rw", "postal-code"].contains(where: { arguments.option($0) != nil }) {
            throw UsageError("an address needs --village (the whole address is replaced)")
        }
        return update
    }
}
