import Bus
import Foundation
import Identity
import ServiceKit
import Support
import TestKit
import Testing

/// In CURVE mode the connection's key name says which program calls: services named in
/// MPP_PROFILE_READERS read profiles without a token; other callers need one.
@Suite("CURVE callers")
struct CurveCallerTests {
    @Test func servicesReadProfilesByTheirKeyName() async throws {
        let keys = temporaryFolder("mpp-identity-keys")
        defer { try? FileManager.default.removeItem(atPath: keys) }
        try KeyRing.generate(directory: keys, names: ["identity", "applications", "kiosk"])
        let stack = try await IdentityStack.start(environment: ["MPP_CURVE": "on", "MPP_KEYS": keys])
        defer { Task { await stack.stop() } }
        let identityKey = try #require(try KeyRing.load(directory: keys, name: "identity").publicKey(named: "identity"))
        func client(_ name: String) throws -> ClientStack {
            let stack = ClientStack(registries: [], keys: try KeyRing.load(directory: keys, name: name),
                                    logger: Logger(service: name, sink: .memory()))
            return stack
        }
        let kiosk = try client("kiosk"), applications = try client("applications")
        for caller in [kiosk, applications] { caller.directory.serverKeys.learn(endpoint: stack.endpoint, key: identityKey.z85) }
        defer { Task { await kiosk.rpc.shutdown(); await applications.rpc.shutdown() } }

        let citizen: AccountView = try await stack.call("identity.citizens.register", RegisterCitizen(
            nik: "3273011501900001", name: "Siti Aminah", birth_date: "1990-01-15", phone: "081234567890", password: "kata-sandi-warga"),
            via: kiosk.rpc)
        let token = try await stack.call("identity.login", LoginRequest(nik: "3273011501900001", password: "kata-sandi-warga"),
                                         via: kiosk.rpc, as: TokenPair.self).access_token

        let prefill: AccountView = try await stack.call("identity.profile.get", ProfileRequest(sub: citizen.sub), via: applications.rpc)
        #expect(prefill.profile.phone == "+6281234567890")
        let refused = try await stack.send("identity.profile.get", ProfileRequest(sub: citizen.sub), via: kiosk.rpc)
        #expect(refused.error?.code == .unauthenticated)
        let own: AccountView = try await stack.call("identity.profile.get", ProfileRequest(sub: citizen.sub), token: token, via: kiosk.rpc)
        #expect(own.sub == citizen.sub)
        // A plain client is not even answered.
        let plain = try? await stack.rpc.send(to: stack.endpoint, method: "identity.keys", body: Array("{}".utf8), timeout: .milliseconds(300))
        #expect(plain == nil)
    }
}
