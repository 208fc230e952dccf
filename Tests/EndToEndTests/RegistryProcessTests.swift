import Bus
import Foundation
import TestKit
import Support
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `mpp-registry` executable as a child process.
@Suite struct RegistryProcessTests {
    @Test func answersHealthAndExitsZeroOnSIGTERM() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let client = RPCClient()
        let registry = try await RegistryProcess.start(folder: folder, client: client)
        defer { registry.child.kill() }

        let answer = try #require(await health(client, registry.rpc))
        #expect(answer.service == "registry")
        #expect(answer.status == "serving")
        #expect(answer.instance.hasPrefix("registry-") && answer.instance.hasSuffix("-\(registry.child.pid)"),
                "instance = registry-HOST-PID: \(answer.instance)")
        #expect(FileManager.default.fileExists(atPath: folder + "/data/registry.db"), "its store lives in MPP_DATA")

        // It registers itself.
        let listed = await eventually {
            guard let outcome = try? await client.send(to: registry.rpc, method: "registry.list", body: Array("{}".utf8)),
                  let list = try? JSON.decode(RegistryAPI.Instances.self, from: outcome.body) else { return false }
            return list.instances.contains { $0.instance == answer.instance && $0.rpc == registry.rpc }
        }
        #expect(listed)

        let asked = ContinuousClock.now
        registry.child.signal(SIGTERM)
        let status = await registry.child.waitForExit(timeout: .seconds(5))
        #expect(status == 0, "exit status after SIGTERM; stderr:\n\(registry.child.errors)")
        #expect(registry.child.process.terminationReason == .exit, "exited by itself, not killed by the signal")
        #expect(ContinuousClock.now - asked < .seconds(15))
        let log = registry.child.errors
        #expect(log.contains("\"shutting down\"") && log.contains("SIGTERM") && log.contains("\"stopped\""), "log:\n\(log)")
        #expect(await health(client, registry.rpc, timeout: .milliseconds(300)) == nil, "no longer answers")
        await client.shutdown()
    }

    @Test func sigintStopsItToo() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let client = RPCClient()
        let registry = try await RegistryProcess.start(folder: folder, client: client)
        defer { registry.child.kill() }
        registry.child.signal(SIGINT)
        #expect(await registry.child.waitForExit(timeout: .seconds(5)) == 0)
        await client.shutdown()
    }

    @Test func badConfigurationIsReportedAllAtOnceAndExits78() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let finished = try await run(try Binaries.path("mpp-registry"), [], environment: childEnvironment([
            "MPP_DATA": folder, "MPP_RPC_PORT": "not-a-port", "MPP_LOG_LEVEL": "loud", "MPP_CURVE": "perhaps",
        ]), folder: folder, timeout: .seconds(5))
        #expect(finished.status == 78, "EX_CONFIG: `mpp up` does not restart it")
        for variable in ["MPP_RPC_PORT", "MPP_LOG_LEVEL", "MPP_CURVE"] {
            #expect(finished.errors.contains(variable), "stderr names \(variable):\n\(finished.errors)")
        }
    }
}
