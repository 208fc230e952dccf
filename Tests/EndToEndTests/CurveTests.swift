import Bus
import Foundation
import TestKit
import Support
import Testing
import ZMQ

/// `MPP_CURVE=on` end to end: keys made by `mpp keys init`, a real registry enforcing its
/// allow-list, allowed and refused clients.
@Suite struct CurveTests {
    static func key(_ path: String) throws -> CurveKey {
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(CurveKey(z85: text), "\(path) holds a Z85 key")
    }

    static func pair(_ keys: String, _ name: String) throws -> CurveKeyPair {
        try #require(CurveKeyPair(secretKey: try key("\(keys)/\(name).key")))
    }

    @Test func allowListedClientsAreAnsweredOthersGetNothingAndTheRefusalIsLogged() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mpp = try Binaries.path("mpp")
        let keys = folder + "/keys"

        // mpp keys init: one pair per name, secret keys private.
        let made = try await run(mpp, ["keys", "init", "--dir", keys, "registry", "mpp", "intruder"],
                                 environment: childEnvironment([:]), folder: folder)
        #expect(made.status == 0, "stderr: \(made.errors)")
        #expect(made.output.contains("registry") && made.output.contains("intruder"))
        for name in ["registry", "mpp", "intruder"] {
            #expect(FileManager.default.fileExists(atPath: "\(keys)/\(name).key") && FileManager.default.fileExists(atPath: "\(keys)/\(name).pub"))
        }
        let again = try await run(mpp, ["keys", "init", "--dir", keys, "registry", "--json"], environment: childEnvironment([:]), folder: folder)
        #expect(again.status == 0 && again.output.contains("\"kept\"") && again.output.contains("registry"))

        // The intruder keeps its key pair, but its public key is not in the folder the registry trusts.
        let intruderPublic = try Self.key("\(keys)/intruder.pub")
        try FileManager.default.moveItem(atPath: "\(keys)/intruder.pub", toPath: "\(folder)/intruder.pub.outside")

        // The registry, secured, waited for with an allow-listed in-process client.
        let registryKey = try Self.key("\(keys)/registry.pub")
        let allowed = RPCClient(security: .curve(keyPair: try Self.pair(keys, "mpp"), serverKey: { _ in registryKey }))
        let registry = try await RegistryProcess.start(folder: folder, extra: ["MPP_CURVE": "on", "MPP_KEYS": keys], client: allowed)
        defer { registry.child.kill() }
        #expect(await health(allowed, registry.rpc)?.status == "serving")

        // mpp status with the default `mpp` key works.
        let curveEnvironment = childEnvironment(["MPP_REGISTRY": registry.rpc, "MPP_CURVE": "on", "MPP_KEYS": keys,
                                                 "MPP_DATA": folder + "/cli"])
        let status = try await run(mpp, ["status", "--json"], environment: curveEnvironment, folder: folder, attempts: 3) { $0.status == 0 }
        #expect(status.status == 0, "stdout: \(status.output)\nstderr: \(status.errors)")
        let lines = (try? JSON.decode([StatusLine].self, from: Array(status.output.utf8))) ?? []
        #expect(lines.contains { $0.service == "registry" && $0.status == "serving" }, "\(status.output)")
        let call = try await run(mpp, ["call", "sys.health", "{}", "--endpoint", registry.rpc], environment: curveEnvironment,
                                 folder: folder, attempts: 3) { $0.status == 0 }
        #expect(call.status == 0 && call.output.contains("serving"), "stderr: \(call.errors)")

        // The intruder, with a perfectly valid key pair of its own, gets no answer at all.
        var intruderEnvironment = curveEnvironment
        intruderEnvironment["MPP_KEY_NAME"] = "intruder"
        let refused = try await run(mpp, ["status"], environment: intruderEnvironment, folder: folder)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("no registry answers"), "stderr: \(refused.errors)")
        #expect(!refused.output.contains("serving"))

        let intruder = RPCClient(security: .curve(keyPair: try Self.pair(keys, "intruder"), serverKey: { _ in registryKey }))
        await #expect(throws: RPCError.self) {
            _ = try await intruder.send(to: registry.rpc, method: "sys.health", body: Array("{}".utf8), timeout: .milliseconds(500))
        }
        // A plain (non-CURVE) client gets nothing either.
        let plain = RPCClient()
        #expect(await health(plain, registry.rpc, timeout: .milliseconds(500)) == nil)

        // The registry logged the refusal, naming the refused key.
        let logged = await eventually(timeout: .seconds(10)) { registry.child.errors.contains("connection refused by ZAP") }
        #expect(logged, "registry stderr:\n\(registry.child.errors)")
        #expect(registry.child.errors.contains(intruderPublic.z85), "the log names the refused key")

        // And it still serves the allowed ones.
        #expect(await health(allowed, registry.rpc)?.status == "serving")

        await intruder.shutdown()
        await plain.shutdown()
        await allowed.shutdown()
    }

    /// A second CURVE instance (another registry process, registered in the first one like any
    /// service) must show as serving in `mpp status`: its key comes from its registry record.
    @Test
    func statusProbesOtherCurveInstancesWithTheirRegisteredKeys() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mpp = try Binaries.path("mpp")
        let keys = folder + "/keys"
        let made = try await run(mpp, ["keys", "init", "--dir", keys, "registry", "mpp"], environment: childEnvironment([:]), folder: folder)
        #expect(made.status == 0)
        let registryKey = try Self.key("\(keys)/registry.pub")
        let client = RPCClient(security: .curve(keyPair: try Self.pair(keys, "mpp"), serverKey: { _ in registryKey }))
        let first = try await RegistryProcess.start(folder: folder + "/first", extra: ["MPP_CURVE": "on", "MPP_KEYS": keys], client: client)
        defer { first.child.kill() }
        // The second registry registers itself with the first only, like any other service instance would.
        let second = try await RegistryProcess.start(folder: folder + "/second", extra: ["MPP_CURVE": "on", "MPP_KEYS": keys,
                                                                                         "MPP_REGISTRY": first.rpc], client: client)
        defer { second.child.kill() }
        let registered = await eventually(timeout: .seconds(10)) {
            guard let outcome = try? await client.send(to: first.rpc, method: "registry.list", body: Array("{}".utf8), timeout: .milliseconds(500)),
                  let list = try? JSON.decode(RegistryAPI.Instances.self, from: outcome.body) else { return false }
            return list.instances.contains { $0.rpc == second.rpc && $0.public_key == registryKey.z85 }
        }
        #expect(registered)
        let status = try await run(mpp, ["status", "--json"], environment: childEnvironment([
            "MPP_REGISTRY": first.rpc, "MPP_CURVE": "on", "MPP_KEYS": keys]), folder: folder)
        let lines = (try? JSON.decode([StatusLine].self, from: Array(status.output.utf8))) ?? []
        #expect(lines.filter { $0.service == "registry" }.count == 2)
        #expect(lines.allSatisfy { $0.status == "serving" }, "\(status.output)")
        #expect(status.status == 0)
        await client.shutdown()
    }

    @Test func curveWithoutKeysRefusesToStart() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (rpcPort, eventsPort) = freePorts()
        let finished = try await run(try Binaries.path("mpp-registry"), [], environment: childEnvironment([
            "MPP_DATA": folder, "MPP_CURVE": "on", "MPP_KEYS": folder + "/no-keys",
            "MPP_RPC_PORT": "\(rpcPort)", "MPP_EVENTS_PORT": "\(eventsPort)",
        ]), folder: folder, timeout: .seconds(5))
        #expect(finished.status != 0, "fails closed")
        #expect(finished.errors.contains("mpp keys init"), "stderr: \(finished.errors)")
    }
}
