import Bus
import Foundation
import Identity
import ServiceKit
import Sodium
import TestKit
import Testing

@Suite("Local bootstrap of the first ops account")
struct BootstrapTests {
    @Test func createsTheFirstOperatorOnlyOnceUnlessForced() async throws {
        let folder = temporaryFolder("mpp-identity-bootstrap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try await IdentityBootstrap.createOperator(dataDirectory: folder, username: "ops.satu", name: "Operator Satu",
                                                               password: "sandi-operator-satu", force: false, parameters: .minimum)
        #expect(first.role == .ops)
        #expect(first.username == "ops.satu")

        await #expect(throws: IdentityBootstrap.Refused.self) {
            try await IdentityBootstrap.createOperator(dataDirectory: folder, username: "ops.dua", name: "Operator Dua",
                                                       password: "sandi-operator-dua", force: false, parameters: .minimum)
        }
        let second = try await IdentityBootstrap.createOperator(dataDirectory: folder, username: "ops.dua", name: "Operator Dua",
                                                                password: "sandi-operator-dua", force: true, parameters: .minimum)
        #expect(second.sub != first.sub)
        // Forced on an existing operator: a password reset (recovery).
        let reset = try await IdentityBootstrap.createOperator(dataDirectory: folder, username: "ops.satu", name: "Operator Satu",
                                                               password: "sandi-baru-operator", force: true, parameters: .minimum)
        #expect(reset.sub == first.sub)

        let stack = try await IdentityStack.start(folder: folder)
        defer { Task { await stack.stop() } }
        _ = try await stack.login(username: "ops.satu", password: "sandi-baru-operator")
        _ = try await stack.login(username: "OPS.dua", password: "sandi-operator-dua")
        #expect(try await stack.failure("identity.login", LoginRequest(username: "ops.satu", password: "sandi-operator-satu")).code
            == .unauthenticated)
    }

    @Test func refusesBadFields() async throws {
        let folder = temporaryFolder("mpp-identity-bootstrap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try await IdentityBootstrap.createOperator(dataDirectory: folder, username: "1x", name: "O", password: "short",
                                                           force: false, parameters: .minimum)
            Issue.record("expected invalid_argument")
        } catch let error as RPCError {
            #expect(Set(error.fields.keys) == ["username", "name", "password"])
        }
    }
}
