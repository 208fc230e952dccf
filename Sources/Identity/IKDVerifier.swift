import Bus
import Domain

/// What identity asks the national digital ID (Identitas Kependudukan Digital, IKD) about a
/// citizen.
public struct IKDQuery: Sendable, Equatable {
    public var nik: String
    public var name: String
    public var birthDate: CivilDate

    public init(nik: String, name: String, birthDate: CivilDate) {
        self.nik = nik
        self.name = name
        self.birthDate = birthDate
    }
}

/// The IKD's answer.
public struct IKDAnswer: Sendable, Equatable {
    /// Whether the population register holds this NIK with this name and birth date.
    public var matches: Bool
    /// The register's reference of the check, kept as the verification note.
    public var reference: String?

    public init(matches: Bool, reference: String? = nil) {
        self.matches = matches
        self.reference = reference
    }
}

/// The adapter to the national digital ID check (Dukcapil's IKD). A deployment that has an
/// agreement with Dukcapil plugs its client in here; `identity.citizens.verify` with
/// `method: "ikd"` asks it. Implementations throw `RPCError(.unavailable, …)` when the register
/// cannot be reached.
public protocol IKDVerifier: Sendable {
    func check(_ query: IKDQuery) async throws -> IKDAnswer
}

/// The adapter of a deployment without an IKD connection: every check is `unavailable`, so
/// accounts are verified only by an officer at a counter.
public struct IKDNotConfigured: IKDVerifier {
    public init() {}

    public func check(_ query: IKDQuery) async throws -> IKDAnswer {
        throw RPCError(.unavailable, "verifikasi IKD belum tersedia di instalasi ini; verifikasi di loket MPP dengan KTP-el (IKD not configured)",
                       details: ["dependency": "ikd"])
    }
}
