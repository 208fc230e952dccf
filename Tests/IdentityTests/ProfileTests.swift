import Bus
import Foundation
import Identity
import ServiceKit
import Support
import Testing

@Suite("Profile over the bus")
struct ProfileTests {
    @Test func theProfileIsAskedOnceAndReadForPrefill() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let citizen = try await stack.registerCitizen()
        let token = try await stack.login().access_token
        let update = ProfileUpdate(
            email: "siti@example.id",
            address: Address(street: "Jl. Setiabudi No. 10", rt: "2", rw: "5", village_code: "3273011002", postal_code: "40154"),
            kk_number: "3273011234560001", occupation: "Perawat", preferred_language: "id", preferred_channels: ["app", "whatsapp", "email"])
        let updated: AccountView = try await stack.call("identity.profile.update", update, token: token, key: UUID().uuidString)
        #expect(updated.profile.address?.village_code == "32.73.01.1002")
        #expect(updated.profile.address?.regency_code == "32.73")
        #expect(updated.profile.address?.rt == "002")
        #expect(updated.profile.preferred_channels == ["app", "whatsapp", "email"])

        let me: AccountView = try await stack.call("identity.me", Empty(), token: token)
        #expect(me.profile == updated.profile)
        let own: AccountView = try await stack.call("identity.profile.get", ProfileRequest(sub: citizen.sub), token: token)
        #expect(own.profile.kk_number == "3273011234560001")

        // Partial updates keep the rest.
        let partial: AccountView = try await stack.call("identity.profile.update", ProfileUpdate(occupation: "Bidan"), token: token)
        #expect(partial.profile.occupation == "Bidan")
        #expect(partial.profile.email == "siti@example.id")
        #expect(partial.profile.address == updated.profile.address)
    }

    @Test func badProfileFieldsAreNamed() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        _ = try await stack.registerCitizen()
        let token = try await stack.login().access_token
        let unknownVillage = try await stack.failure("identity.profile.update",
                                                     ProfileUpdate(address: Address(village_code: "32.73.01.9999")), token: token)
        #expect(unknownVillage.code == .invalidArgument)
        #expect(unknownVillage.fields["address.village_code"] != nil)
        let bad = try await stack.failure("identity.profile.update", ProfileUpdate(
            phone: "12", kk_number: "abc", preferred_language: "fr"), token: token)
        #expect(Set(bad.fields.keys) == ["phone", "kk_number", "preferred_language"])
        #expect(try await stack.failure("identity.profile.update", ProfileUpdate(occupation: "Guru")).code == .unauthenticated)
    }

    @Test func onlyTheCitizenAndStaffInScopeReadAProfile() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let siti = try await stack.registerCitizen()
        _ = try await stack.registerCitizen(nik: "3201011501900003")
        let other = try await stack.login(nik: "3201011501900003").access_token
        #expect(try await stack.failure("identity.profile.get", ProfileRequest(sub: siti.sub), token: other).code == .permissionDenied)
        #expect(try await stack.failure("identity.profile.get", ProfileRequest(sub: siti.sub)).code == .unauthenticated)

        let ops = try await stack.opsToken()
        let bandung = try await stack.staff("admin.bandung", role: .mppAdmin, region: "32.73", creator: ops).access_token
        let bogor = try await stack.staff("admin.bogor", role: .mppAdmin, region: "32.01", creator: ops).access_token
        let read: AccountView = try await stack.call("identity.profile.get", ProfileRequest(sub: siti.sub), token: bandung)
        #expect(read.sub == siti.sub)
        #expect(try await stack.failure("identity.profile.get", ProfileRequest(sub: siti.sub), token: bogor).code == .permissionDenied)
        let national: AccountView = try await stack.call("identity.profile.get", ProfileRequest(sub: siti.sub), token: ops)
        #expect(national.sub == siti.sub)
    }

    @Test func staffSeeThemselves() async throws {
        let stack = try await IdentityStack.start()
        defer { Task { await stack.stop() } }
        let ops = try await stack.opsToken()
        let me: AccountView = try await stack.call("identity.me", Empty(), token: ops)
        #expect(me.kind == "staff")
        #expect(me.role == .ops)
        #expect(me.username == IdentityStack.opsUsername)
        #expect(me.nik == nil)
    }
}
