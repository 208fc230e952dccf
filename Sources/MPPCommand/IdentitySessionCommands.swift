import Bus
import Foundation
import Identity
import ServiceKit
import Support

/// `mpp register NIK --name … --birth-date …`: a citizen account.
struct RegisterCommand: Command {
    let name = "register"
    let summary = "register as a citizen with your NIK (the password is asked, never given on the command line)"
    let usage = "mpp register NIK --name \"FULL NAME\" --birth-date YYYY-MM-DD [--phone 08…] [--email ADDRESS] [--password-stdin] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let nik = try arguments.required(0, "NIK")
        guard let fullName = arguments.option("name"), let birthDate = arguments.option("birth-date") else {
            throw UsageError("--name and --birth-date are required")
        }
        guard arguments.option("phone") != nil || arguments.option("email") != nil else { throw UsageError("give --phone or --email") }
        let password = try IdentityPassword.read(arguments, prompt: "Kata sandi baru (new password): ", confirm: true)
        let request = RegisterCitizen(nik: nik, name: fullName, birth_date: birthDate, phone: arguments.option("phone"),
                                      email: arguments.option("email"), password: password)
        return try await IdentityCall.run(context, "identity.citizens.register", request, as: AccountView.self, mutating: true) { view in
            var lines = ["registered: \(view.name) (\(view.sub)), assurance \(view.assurance)",
                         "next: mpp login \(view.nik ?? nik); verify your account at an MPP counter with your KTP-el"]
            if !view.flags.isEmpty { lines.append("note for the officer: \(view.flags.joined(separator: ", "))") }
            return lines.joined(separator: "\n")
        }
    }
}

/// `mpp login NIK|USERNAME`: keeps the tokens in the session file.
struct LoginCommand: Command {
    let name = "login"
    let summary = "log in with your NIK or staff username; the session is kept in ~/.config/mpp/session.json (0600)"
    let usage = "mpp login NIK|USERNAME [--password-stdin] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        let login = try arguments.required(0, "NIK|USERNAME")
        let compact = login.filter { !" .-".contains($0) }
        let isNIK = compact.count == 16 && compact.allSatisfy(\.isNumber)
        let password = try IdentityPassword.read(arguments, prompt: "Kata sandi (password): ", confirm: false)
        let request = LoginRequest(nik: isNIK ? compact : nil, username: isNIK ? nil : login, password: password)
        let stack = try context.clients()
        defer { Task { await stack.rpc.shutdown() } }
        do {
            let pair = try await stack.client.call("identity.login", request, as: TokenPair.self,
                                                   options: CallOptions(idempotencyKey: UUID().uuidString))
            let me = try? await stack.client.call("identity.me", Empty(), as: AccountView.self, options: CallOptions(token: pair.access_token))
            try Session(pair, name: me?.name).save(context.environment)
            context.emit(["sub": pair.sub, "role": pair.role.rawValue, "session": Session.path(context.environment)]) {
                "logged in as \(me?.name ?? pair.sub) (\(pair.role.rawValue)); session in \(Session.path(context.environment))"
            }
            return 0
        } catch let error as RPCError {
            printError("error: \(error)")
            if let wait = error.details?["retry_after_ms"]?.doubleValue {
                let text = Self.duration(milliseconds: wait)
                printError("coba lagi dalam \(text) (try again in \(text))")
            }
            return 1
        }
    }

    /// `4 min 16 s`, `12 s`: how long a delayed login must wait.
    static func duration(milliseconds: Double) -> String {
        let seconds = max(1, Int((milliseconds / 1_000).rounded(.up)))
        return seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min" + (seconds % 60 == 0 ? "" : " \(seconds % 60) s")
    }
}

/// `mpp logout`: ends the stored session everywhere (identity announces the revocation).
struct LogoutCommand: Command {
    let name = "logout"
    let summary = "end the stored session (its tokens are revoked for every service)"
    let usage = "mpp logout"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        guard let session = Session.load(context.environment) else {
            print("not logged in")
            return 0
        }
        let stack = try context.clients()
        defer { Task { await stack.rpc.shutdown() } }
        Session.remove(context.environment)
        do {
            let reply = try await stack.client.call("identity.logout", LogoutRequest(refresh_token: session.refresh_token), as: LogoutReply.self,
                                                    options: CallOptions(idempotencyKey: UUID().uuidString))
            context.emit(reply) { "logged out (\(reply.revoked_access_tokens) access token(s) revoked)" }
            return 0
        } catch {
            printError("session file removed, but identity could not revoke the tokens: \(error)")
            return 1
        }
    }
}

/// `mpp whoami`: the account behind the stored session.
struct WhoAmICommand: Command {
    let name = "whoami"
    let summary = "show the account you are logged in with"
    let usage = "mpp whoami [--token T] [--json]"

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        try await IdentityCall.run(context, "identity.me", Empty(), as: AccountView.self, arguments: arguments) { view in
            IdentityCall.describe(view)
        }
    }
}

/// Calling identity from a command: the session token, an idempotency key for changes,
/// `--json` or human output, error replies as exit code 1.
enum IdentityCall {
    static func run<Body: Encodable & Sendable, Reply: Codable & Sendable>(
        _ context: CommandContext, _ method: String, _ body: Body, as: Reply.Type, arguments: Arguments? = nil,
        mutating: Bool = false, human: (Reply) -> String
    ) async throws -> Int32 {
        let stack = try context.clients()
        defer { Task { await stack.rpc.shutdown() } }
        do {
            var token: String?
            if let arguments { token = try await SessionToken.required(arguments, context, stack) }
            let reply = try await stack.client.call(method, body, as: Reply.self,
                                                    options: CallOptions(token: token, idempotencyKey: mutating ? UUID().uuidString : nil))
            context.emit(reply) { human(reply) }
            return 0
        } catch let error as RPCError {
            printError("error: \(error)")
            return 1
        }
    }

    /// Human text of an account.
    static func describe(_ view: AccountView) -> String {
        var rows: [[String]] = [["sub", view.sub], ["name", view.name], ["role", view.role.rawValue]]
        if let nik = view.nik { rows.append(["nik", nik]) }
        if let username = view.username { rows.append(["username", username]) }
        if let agency = view.agency { rows.append(["agency", agency]) }
        if let region = view.region { rows.append(["region", region]) }
        rows.append(["assurance", view.assurance + (view.flags.isEmpty ? "" : " (flags: \(view.flags.joined(separator: ", ")))")])
        let profile = view.profile
        if let phone = profile.phone { rows.append(["phone", phone]) }
        if let email = profile.email { rows.append(["email", email]) }
        if let address = profile.address {
            rows.append(["address", [address.street, address.rt.map { "RT \($0)" }, address.rw.map { "RW \($0)" }, address.village_code,
                                     address.postal_code].compactMap { $0 }.joined(separator: ", ")])
        }
        if let kk = profile.kk_number { rows.append(["kk_number", kk]) }
        if let occupation = profile.occupation { rows.append(["occupation", occupation]) }
        rows.append(["language", profile.preferred_language])
        rows.append(["channels", profile.preferred_channels.joined(separator: ", ")])
        return formatTable(rows)
    }
}
