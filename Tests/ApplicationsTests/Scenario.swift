import Applications
import Bus
import Foundation
import Identity
import ServiceKit
import Support
import Testing

/// Someone signed in: their account id and access token.
struct Person: Sendable {
    let sub: String
    let token: String
    var nik: String = ""
}

/// Kabupaten Sukabumi has an MPP (so its services are offered); Kota Bandung has none seeded.
enum Places {
    static let sukabumi = "32.02"
    static let majalengka = "32.10"
    static let bandung = "32.73"
    static let village = "32.02.01.1001"
}

/// The steps of the citizens' and officers' stories, through the real identity service and
/// an applications service called directly at its endpoint.
struct Scenario: Sendable {
    let platform: Platform
    /// The applications service's rpc endpoint.
    let endpoint: String
    let stack: ClientStack
    /// How long a call to the applications service may take.
    var timeout: Duration = .seconds(15)

    init(_ platform: Platform, endpoint: String) {
        self.platform = platform
        self.endpoint = endpoint
        stack = platform.clients()
    }

    init(_ platform: Platform, _ applications: RunningApplications) {
        self.init(platform, endpoint: applications.endpoint)
    }

    // MARK: identity

    func identity<Body: Encodable & Sendable, Result: Decodable & Sendable>(_ method: String, _ body: Body, token: String? = nil,
                                                                              as: Result.Type = Result.self) async throws -> Result {
        try await stack.client.call(method, body, as: Result.self,
                                    options: CallOptions(token: token, idempotencyKey: UUID().uuidString, timeout: .seconds(15)))
    }

    /// A staff member created by ops and signed in.
    func staff(_ role: Role, agency: String? = nil, region: String? = Places.sukabumi) async throws -> Person {
        let username = "\(role.rawValue.prefix(3))-\(UUID().uuidString.prefix(8).lowercased())"
        let password = "kata-sandi-staf-\(UUID().uuidString.prefix(4))"
        let _: AccountView = try await identity("identity.staff.create", CreateStaff(
            username: username, name: "Petugas Uji", password: password, role: role, agency: agency, region: region), token: platform.opsToken)
        let pair: TokenPair = try await identity("identity.login", LoginRequest(username: username, password: password))
        return Person(sub: pair.sub, token: pair.access_token)
    }

    /// A citizen registered with a fresh NIK, their address and KK number in the profile,
    /// verified at a Disdukcapil counter when `verified`, then signed in.
    func citizen(verified: Bool = true) async throws -> Person {
        let password = "rahasia-warga-\(UUID().uuidString.prefix(6))"
        var nik = "", account: AccountView?
        for _ in 0..<5 where account == nil {
            let (day, month, year) = (Int.random(in: 1...28), Int.random(in: 1...12), Int.random(in: 60...99))
            nik = "320201" + String(format: "%02d%02d%02d%04d", day, month, year, Int.random(in: 1...9999))
            let phone = "0812" + String(format: "%08ld", Int.random(in: 0...99_999_999))
            account = try? await identity("identity.citizens.register", RegisterCitizen(
                nik: nik, name: "Siti Aminah", birth_date: String(format: "19%02d-%02d-%02d", year, month, day), phone: phone,
                password: password), as: AccountView.self)
        }
        let registered = try #require(account, "no citizen could be registered")
        var pair: TokenPair = try await identity("identity.login", LoginRequest(nik: nik, password: password))
        let _: AccountView = try await identity("identity.profile.update", ProfileUpdate(
            address: Address(street: "Jl. Siliwangi No. 7", rt: "002", rw: "005", village_code: Places.village),
            kk_number: "320201" + String(format: "%010ld", Int.random(in: 1...9_999_999_999))), token: pair.access_token)
        if verified {
            let clerk = try await staff(.officer, agency: "disdukcapil")
            let _: AccountView = try await identity("identity.citizens.verify", VerifyCitizen(sub: registered.sub, method: "ktp_el"),
                                                    token: clerk.token)
            pair = try await identity("identity.login", LoginRequest(nik: nik, password: password))
        }
        return Person(sub: pair.sub, token: pair.access_token, nik: nik)
    }

    // MARK: applications

    /// Sends one request to the applications service; every mutating call has a key.
    func send<Body: Encodable>(_ method: String, _ body: Body, as person: Person?, key: String? = UUID().uuidString,
                               attachments: [[UInt8]] = []) async throws -> Outcome {
        try await platform.rpc.send(to: endpoint, method: method,
                                    metadata: RequestMetadata(token: person?.token, idempotencyKey: key),
                                    body: try JSON.encode(body), attachments: attachments, timeout: timeout)
    }

    /// Sends a body exactly as written (hostile input).
    func sendRaw(_ method: String, _ body: String, as person: Person?, key: String? = UUID().uuidString) async throws -> Outcome {
        try await platform.rpc.send(to: endpoint, method: method, metadata: RequestMetadata(token: person?.token, idempotencyKey: key),
                                    body: Array(body.utf8), timeout: timeout)
    }

    /// Sends and decodes; an error reply fails with its description.
    func call<Body: Encodable, Result: Decodable>(_ method: String, _ body: Body, as person: Person?, key: String? = UUID().uuidString,
                                                  attachments: [[UInt8]] = [], returning: Result.Type = Result.self) async throws -> Result {
        let outcome = try await send(method, body, as: person, key: key, attachments: attachments)
        if let error = outcome.error { throw error }
        return try JSON.decode(Result.self, from: outcome.body)
    }

    /// The error of a request that must fail.
    func refusal<Body: Encodable>(_ method: String, _ body: Body, as person: Person?, attachments: [[UInt8]] = [],
                                  sourceLocation: SourceLocation = #_sourceLocation) async throws -> RPCError {
        let outcome = try await send(method, body, as: person, attachments: attachments)
        return try #require(outcome.error, "\(method) should have been refused", sourceLocation: sourceLocation)
    }

    /// A KTP-el application with only the reason given (the rest comes from the profile) and a
    /// scanned KK.
    func applyForKTP(_ citizen: Person, key: String = UUID().uuidString, scan: [UInt8] = SampleFiles.pdf(UUID().uuidString),
                     region: String = Places.sukabumi) async throws -> ApplicationView {
        try await call("applications.submit", SubmitApplication(
            service: "ktp-el", region: region, form: ["alasan": "rusak"],
            documents: ["kk": DocumentInput(attachment: 0, name: "kk.pdf")]), as: citizen, key: key, attachments: [scan])
    }

    func act(_ number: String, _ action: String, by person: Person, note: String? = nil, output: String? = nil,
             expected: Int? = nil) async throws -> ApplicationView {
        try await call("applications.transition", TransitionRequest(tracking_number: number, action: action, note: note, output: output,
                                                                    expected_version: expected), as: person)
    }

    /// The applications service's event stream so far (`events.read`).
    func events() async throws -> [EventsReadReply.Item] {
        let outcome = try await send("events.read", EventsReadRequest(after: 0, limit: 1_000), as: nil, key: nil)
        if let error = outcome.error { throw error }
        return try EventsReadReply(bytes: outcome.body).events
    }

    func get(_ number: String, as person: Person) async throws -> ApplicationView {
        try await call("applications.get", TrackingRef(tracking_number: number), as: person, key: nil)
    }
}
