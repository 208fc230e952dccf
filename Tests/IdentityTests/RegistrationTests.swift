import Bus
import Foundation
import Identity
import Support
import Testing

@Suite("Registration over the bus")
struct RegistrationTests {
    @Test func registersACitizenAndPublishesTheEvent() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let view = try await stack.registerCitizen()
        #expect(view.kind == "citizen")
        #expect(view.role == .citizen)
        #expect(view.assurance == "unverified")
        #expect(view.nik == "3273011501900001")
        #expect(view.sex == "male")
        #expect(view.flags.isEmpty)
        #expect(view.profile.phone == "+6281234567890")

        let reply = try await stack.send("events.read", EventsReadRequest(after: 0))
        let events = try EventsReadReply(bytes: reply.body)
        let registered = try #require(events.events.first { $0.topic == IdentityEvent.citizenRegistered })
        let data = try registered.event.decodeData(CitizenRegisteredEvent.self)
        #expect(data.sub == view.sub)
        #expect(data.district == "32.73.01")
        #expect(registered.event.subject == view.sub)
    }

    /// Every malformed NIK names the field `nik`; none creates an account.
    @Test(arguments: [
        ("3299011501900001", "unknown district"),
        ("3273013201900001", "day 32"),
        ("3273017201900001", "day 72"),
        ("3273011513900001", "month 13"),
        ("3273011501900000", "serial 0000"),
        ("327301150190001", "15 digits"),
        ("32730115019000011", "17 digits"),
        ("32730115019O0001", "a letter"),
        ("3273013104900001", "31 April"),
    ])
    func malformedNIKsNameTheField(nik: String, why: String) async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let error = try await stack.failure("identity.citizens.register", RegisterCitizen(
            nik: nik, name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890", password: "kata-sandi-warga"))
        #expect(error.code == .invalidArgument, "\(why)")
        #expect(error.fields["nik"] != nil, "\(why): \(error)")
        let count = try await stack.host.store.read { db in try db.queryOne("SELECT COUNT(*) AS n FROM accounts WHERE kind = 'citizen'")?.int("n") }
        #expect(count == 0)
    }

    @Test func everyBadFieldIsNamedAtOnce() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let error = try await stack.failure("identity.citizens.register", RegisterCitizen(
            nik: "12", name: "", birth_date: "15-01-1990", email: "siti", password: "123"))
        #expect(error.code == .invalidArgument)
        #expect(Set(error.fields.keys) == ["nik", "name", "birth_date", "email", "password"])
        let missing = try await stack.send("identity.citizens.register", ["nik": "3273011501900001"])
        #expect(missing.error?.code == .invalidArgument)
        #expect(missing.error?.fields["name"] != nil)
    }

    @Test func aBirthDateMismatchIsAcceptedAndFlagged() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let view = try await stack.registerCitizen(nik: "3273015501900002", birthDate: "1990-02-15")
        #expect(view.flags == ["birth_date_mismatch"])
        #expect(view.sex == "female")
        #expect(view.birth_date == "1990-02-15")
    }

    @Test func aHistoricalDistrictIsAccepted() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        // 91.01.01 (Merauke) moved to Papua Selatan in 2022; NIKs issued before keep the old code.
        let view = try await stack.registerCitizen(nik: "9101011501900001")
        #expect(view.nik == "9101011501900001")
    }

    @Test func oneAccountPerNIK() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        _ = try await stack.registerCitizen()
        let error = try await stack.failure("identity.citizens.register", RegisterCitizen(
            nik: "3273 0115 0190 0001", name: "Orang Lain", birth_date: "1990-01-15", email: "lain@example.id", password: "sandi-orang-lain"))
        #expect(error.code == .alreadyExists)
    }

    @Test func aRetryWithTheSameKeyGetsTheFirstResult() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let request = RegisterCitizen(nik: "3273011501900001", name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890",
                                      password: "kata-sandi-warga")
        let first: AccountView = try await stack.call("identity.citizens.register", request, key: "daftar-1")
        let again: AccountView = try await stack.call("identity.citizens.register", request, key: "daftar-1")
        #expect(first == again)
    }

    @Test func withoutTheCatalogRegistrationIsUnavailable() async throws {
        let stack = try await IdentityStack.start(catalog: "tcp://127.0.0.1:9")
        defer { Task { await stack.stop() } }
        let error = try await stack.failure("identity.citizens.register", RegisterCitizen(
            nik: "3273011501900001", name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890", password: "kata-sandi-warga"))
        #expect(error.code == .unavailable)
        let count = try await stack.host.store.read { db in try db.queryOne("SELECT COUNT(*) AS n FROM accounts WHERE kind = 'citizen'")?.int("n") }
        #expect(count == 0)
    }

    @Test func districtAnswersAreCached() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        _ = try await stack.registerCitizen(nik: "3273011501900001")
        _ = try await stack.failure("identity.citizens.register", RegisterCitizen(
            nik: "3299011501900001", name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890", password: "kata-sandi-warga"))
        _ = try await stack.registerCitizen(nik: "3273014501900002", birthDate: "1990-01-05")
        _ = try await stack.failure("identity.citizens.register", RegisterCitizen(
            nik: "3299011501900002", name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890", password: "kata-sandi-warga"))
        let statistics = stack.service.regions.statistics
        #expect(statistics.misses == 2)
        #expect(statistics.hits == 2)
    }
}
