import Bus
import Foundation
import Identity
import ServiceKit
import Support
import Testing

@Suite("Staff and identity assurance over the bus")
struct StaffAndVerificationTests {
    @Test func staffCreationStaysInsideTheCreatorsScope() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let ops = try await stack.opsToken()
        let bandungAdmin = try await stack.staff("admin.bandung", role: .mppAdmin, region: "32.73", creator: ops).access_token

        // Inside Kota Bandung: officers and supervisors.
        let supervisor = try await stack.staff("spv.dukcapil", role: .supervisor, agency: "disdukcapil", region: "32.73", creator: bandungAdmin)
        let officer = try await stack.staff("petugas.dukcapil", role: .officer, agency: "disdukcapil", region: "32.73",
                                            creator: supervisor.access_token)
        #expect(officer.role == .officer)

        // Another kab/kota (Kabupaten Bogor) is out of the Bandung admin's reach.
        let outside = try await stack.failure("identity.staff.create", CreateStaff(
            username: "petugas.bogor", name: "Petugas Bogor", password: "sandi-petugas-bogor", role: .officer,
            agency: "disdukcapil", region: "32.01"), token: bandungAdmin)
        #expect(outside.code == .permissionDenied)
        // An admin cannot make another admin; a supervisor not another agency's officer; an officer nobody.
        #expect(try await stack.failure("identity.staff.create", CreateStaff(
            username: "admin.dua", name: "Admin Dua", password: "sandi-admin-dua", role: .mppAdmin, region: "32.73"),
            token: bandungAdmin).code == .permissionDenied)
        #expect(try await stack.failure("identity.staff.create", CreateStaff(
            username: "petugas.dinkes", name: "Petugas Dinkes", password: "sandi-petugas-dinkes", role: .officer,
            agency: "dinkes", region: "32.73"), token: supervisor.access_token).code == .permissionDenied)
        #expect(try await stack.failure("identity.staff.create", CreateStaff(
            username: "petugas.baru", name: "Petugas Baru", password: "sandi-petugas-baru", role: .officer,
            agency: "disdukcapil", region: "32.73"), token: officer.access_token).code == .permissionDenied)

        // Citizens and anonymous callers are refused; bad regions and duplicates named.
        #expect(try await stack.failure("identity.staff.create", CreateStaff(
            username: "siapa", name: "Siapa Saja", password: "sandi-siapa-saja", role: .ops)).code == .unauthenticated)
        let unknownRegion = try await stack.failure("identity.staff.create", CreateStaff(
            username: "admin.antah", name: "Admin Antah", password: "sandi-admin-antah", role: .mppAdmin, region: "32.99"), token: ops)
        #expect(unknownRegion.code == .invalidArgument)
        #expect(unknownRegion.fields["region"] != nil)
        let duplicate = try await stack.failure("identity.staff.create", CreateStaff(
            username: "admin.bandung", name: "Admin Kembar", password: "sandi-admin-kembar", role: .mppAdmin, region: "32.73"), token: ops)
        #expect(duplicate.code == .alreadyExists)

        // The token carries the scope.
        let claims = try #require(TokenCodec.decodeUnverified(officer.access_token)?.claims)
        #expect(claims.agency == "disdukcapil")
        #expect(claims.region == "32.73")
        #expect(claims.verified == nil)
    }

    @Test func anOfficerVerifiesACitizenAfterCheckingTheFlag() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let ops = try await stack.opsToken()
        let admin = try await stack.staff("admin.bandung", role: .mppAdmin, region: "32.73", creator: ops).access_token
        let officer = try await stack.staff("petugas.loket", role: .officer, agency: "mpp", region: "32.73", creator: admin).access_token
        let health = try await stack.staff("petugas.dinkes", role: .officer, agency: "dinkes", region: "32.73", creator: admin).access_token
        let citizen = try await stack.registerCitizen(nik: "3273015501900002", birthDate: "1990-02-15")
        #expect(citizen.flags == ["birth_date_mismatch"])
        let session = try await stack.login(nik: "3273015501900002")

        #expect(try await stack.failure("identity.citizens.verify", VerifyCitizen(nik: citizen.nik, method: "ktp_el"), token: health).code
            == .permissionDenied)
        #expect(try await stack.failure("identity.citizens.verify", VerifyCitizen(nik: citizen.nik, method: "ktp_el"),
                                        token: session.access_token).code == .permissionDenied)
        let flagged = try await stack.failure("identity.citizens.verify", VerifyCitizen(nik: citizen.nik, method: "ktp_el"), token: officer)
        #expect(flagged.code == .failedPrecondition)
        #expect(flagged.details?["flags"]?.arrayValue?.first?.stringValue == "birth_date_mismatch")
        #expect(try await stack.failure("identity.citizens.verify", VerifyCitizen(nik: citizen.nik, method: "ikd"), token: officer).code
            == .failedPrecondition)
        let bad = try await stack.failure("identity.citizens.verify", VerifyCitizen(method: "sidik_jari"), token: officer)
        #expect(Set(bad.fields.keys) == ["sub", "method"])

        let verified: AccountView = try await stack.call("identity.citizens.verify", VerifyCitizen(
            nik: citizen.nik, method: "ktp_el", birth_date_checked: true, note: "KTP-el diperiksa di loket 3"), token: officer,
            key: UUID().uuidString)
        #expect(verified.assurance == "verified")
        #expect(verified.verification?.method == "ktp_el")
        #expect(verified.verification?.note == "KTP-el diperiksa di loket 3")

        // The next refresh carries the new assurance; services can require it.
        let refreshed: TokenPair = try await stack.call("identity.refresh", RefreshRequest(refresh_token: session.refresh_token))
        #expect(TokenCodec.decodeUnverified(refreshed.access_token)?.claims.verified == true)
        let events = try EventsReadReply(bytes: try await stack.send("events.read", EventsReadRequest(after: 0)).body)
        let event = try #require(events.events.first { $0.topic == IdentityEvent.citizenVerified })
        let data = try event.event.decodeData(CitizenVerifiedEvent.self)
        #expect(data.sub == citizen.sub)
        #expect(data.agency == "mpp")
        #expect(data.region == "32.73")
    }

    @Test func theIKDAdapterIsUsedWhenConfiguredAndUnavailableOtherwise() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let ops = try await stack.opsToken()
        let admin = try await stack.staff("admin.bandung", role: .mppAdmin, region: "32.73", creator: ops).access_token
        let citizen = try await stack.registerCitizen()
        let error = try await stack.failure("identity.citizens.verify", VerifyCitizen(sub: citizen.sub, method: "ikd"), token: admin)
        #expect(error.code == .unavailable)
        let still: AccountView = try await stack.call("identity.citizens.get", CitizenRef(sub: citizen.sub), token: admin)
        #expect(still.assurance == "unverified")

        let connected = try await IdentityStack.start(ikd: RegisterAnswering(known: ["3273011501900001"]))
        defer { Task { await connected.stop() } }
        let connectedAdmin = try await connected.staff("admin.bandung", role: .mppAdmin, region: "32.73",
                                                       creator: try await connected.opsToken()).access_token
        let known = try await connected.registerCitizen()
        let unknown = try await connected.registerCitizen(nik: "3273011501900002")
        let verified: AccountView = try await connected.call("identity.citizens.verify", VerifyCitizen(sub: known.sub, method: "ikd"),
                                                             token: connectedAdmin)
        #expect(verified.assurance == "verified")
        #expect(verified.verification?.note == "ikd-ref-3273011501900001")
        #expect(try await connected.failure("identity.citizens.verify", VerifyCitizen(sub: unknown.sub, method: "ikd"),
                                            token: connectedAdmin).code == .failedPrecondition)
    }

    @Test func staffReadCitizensInTheirScope() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let ops = try await stack.opsToken()
        let bandung = try await stack.staff("admin.bandung", role: .mppAdmin, region: "32.73", creator: ops).access_token
        let bogor = try await stack.staff("admin.bogor", role: .mppAdmin, region: "32.01", creator: ops).access_token
        let citizen = try await stack.registerCitizen()
        let session = try await stack.login()

        let byID: AccountView = try await stack.call("identity.citizens.get", CitizenRef(sub: citizen.sub), token: bandung)
        #expect(byID.nik == citizen.nik)
        #expect(try await stack.failure("identity.citizens.get", CitizenRef(sub: citizen.sub), token: bogor).code == .permissionDenied)
        // At a Bogor counter the citizen shows the KTP-el: lookup by NIK works anywhere.
        let byNIK: AccountView = try await stack.call("identity.citizens.get", CitizenRef(nik: citizen.nik), token: bogor)
        #expect(byNIK.sub == citizen.sub)
        #expect(try await stack.failure("identity.citizens.get", CitizenRef(sub: citizen.sub), token: session.access_token).code
            == .permissionDenied)
        #expect(try await stack.failure("identity.citizens.get", CitizenRef(nik: "3273011501900009"), token: bandung).code == .notFound)
        #expect(try await stack.failure("identity.citizens.get", CitizenRef(), token: bandung).code == .invalidArgument)
    }
}

/// Stands in for the national register (an external system): knows a fixed set of NIKs.
struct RegisterAnswering: IKDVerifier {
    let known: Set<String>

    func check(_ query: IKDQuery) async throws -> IKDAnswer {
        IKDAnswer(matches: known.contains(query.nik), reference: "ikd-ref-\(query.nik)")
    }
}
