import Bus
import Foundation
import TestKit
import Support
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mpp up` supervising the real registry: it comes up, `mpp status` shows it, and nothing is
/// left behind whether `mpp up` is stopped politely or killed.
@Suite struct UpCommandTests {
    struct Platform {
        let up: Child
        let environment: [String: String]
        let folder: String
        let registryPID: Int32
        let status: [StatusLine]
    }

    /// Starts `mpp up` on free ports and waits until `mpp status --json` shows the registry serving.
    /// - Parameter fixedEventsPort: give the registry an events port, else `mpp up` lets it bind a free one.
    static func startPlatform(folder: String, fixedEventsPort: Bool = true) async throws -> Platform {
        let mpp = try Binaries.path("mpp")
        let (rpcPort, eventsPort) = freePorts()
        // `mpp up` passes its environment to its children: the registry takes MPP_RPC_PORT.
        let environment = childEnvironment([
            "MPP_DATA": folder + "/var", "MPP_REGISTRY": "tcp://127.0.0.1:\(rpcPort)",
            "MPP_RPC_PORT": "\(rpcPort)", "MPP_DRAIN_SECONDS": "2",
        ].merging(fixedEventsPort ? ["MPP_EVENTS_PORT": "\(eventsPort)"] : [:]) { $1 })
        // Only the registry: MPP_RPC_PORT would be shared by every other service executable built next to it.
        let up = try Child(mpp, ["up", "--only", "registry"], environment: environment, folder: folder)
        // Ready when the registry lists itself (asked in-process: cheaper than running `mpp status` in a loop).
        let client = RPCClient()
        let registry = "tcp://127.0.0.1:\(rpcPort)"
        let ready = await eventually(timeout: .seconds(20)) {
            guard up.isRunning else { return true }
            guard let outcome = try? await client.send(to: registry, method: "registry.list", body: Array("{}".utf8),
                                                       timeout: .milliseconds(500)),
                  let list = try? JSON.decode(RegistryAPI.Instances.self, from: outcome.body) else { return false }
            return list.instances.contains { $0.service == "registry" }
        }
        await client.shutdown()
        guard ready, up.isRunning else {
            up.kill()
            throw RPCError(.unavailable, "mpp up did not come up:\n\(up.output)\n\(up.errors)")
        }
        var lines: [StatusLine] = []
        var last = Finished(status: -1, output: "", errors: "")
        for _ in 0..<3 {
            last = try await run(mpp, ["status", "--json"], environment: environment, folder: folder)
            if last.status == 0, let decoded = try? JSON.decode([StatusLine].self, from: Array(last.output.utf8)),
               decoded.contains(where: { $0.service == "registry" }) {
                lines = decoded
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        guard let registry = lines.first(where: { $0.service == "registry" }),
              let pid = registry.instance.split(separator: "-").last.flatMap({ Int32($0) }) else {
            up.kill()
            throw RPCError(.unavailable, "mpp status did not show the registry: status \(last.status)\n\(last.output)\n\(last.errors)")
        }
        return Platform(up: up, environment: environment, folder: folder, registryPID: pid, status: lines)
    }

    /// Kills a leftover registry in `defer`, only if that pid is still an mpp-registry.
    static func killLeftover(_ pid: Int32) {
        if isAlive(pid) && commandLine(pid).contains("mpp-registry") { kill(pid, SIGKILL) }
    }

    @Test func upStartsTheRegistryStatusShowsItSIGTERMLeavesNoOrphan() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let platform = try await Self.startPlatform(folder: folder)
        defer { platform.up.kill(); Self.killLeftover(platform.registryPID) }

        let registry = try #require(platform.status.first { $0.service == "registry" })
        #expect(registry.status == "serving")
        #expect(registry.rpc == platform.environment["MPP_REGISTRY"])
        #expect(registry.version.isEmpty == false)
        #expect(registry.uptime_s != nil)
        #expect(isAlive(platform.registryPID))
        #expect(commandLine(platform.registryPID).contains("mpp-registry"), "pid from the instance name is the registry child")
        #expect(FileManager.default.fileExists(atPath: folder + "/var/registry.db"), "data under MPP_DATA")

        // The human table too.
        let table = try await run(try Binaries.path("mpp"), ["status"], environment: platform.environment, folder: folder,
                                  attempts: 3) { $0.status == 0 }
        #expect(table.status == 0)
        #expect(table.output.contains("SERVICE") && table.output.contains("registry") && table.output.contains("serving"),
                "table:\n\(table.output)")

        // Up means the banner is out; then SIGTERM stops everything.
        #expect(await eventually(timeout: .seconds(20)) { platform.up.output.contains("MPP Digital is up") }, "stdout:\n\(platform.up.output)")
        platform.up.signal(SIGTERM)
        let status = await platform.up.waitForExit(timeout: .seconds(20))
        #expect(status == 0, "mpp up exit status; stderr:\n\(platform.up.errors)")
        #expect(platform.up.errors.contains("stopping mpp-registry"))
        #expect(platform.up.output.contains("MPP Digital is up: mpp-registry"), "banner (flushed at exit):\n\(platform.up.output)")
        #expect(!isAlive(platform.registryPID), "the registry child is gone with mpp up")
    }

    @Test func killedSupervisorLeavesNoOrphan() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let platform = try await Self.startPlatform(folder: folder)
        defer { platform.up.kill(); Self.killLeftover(platform.registryPID) }
        #expect(isAlive(platform.registryPID))

        // SIGKILL: mpp up cannot stop anything; the registry notices (MPP_SUPERVISOR_PID) by itself.
        let killed = ContinuousClock.now
        kill(platform.up.pid, SIGKILL)
        #expect(await platform.up.waitForExit(timeout: .seconds(5)) != nil)
        let gone = await eventually(timeout: .seconds(6)) { !isAlive(platform.registryPID) }
        let after = ContinuousClock.now - killed
        #expect(gone, "the registry outlived its killed supervisor")
        #expect(after < .seconds(8), "the orphaned registry took \(after) to stop (it checks every 500 ms)")
        #expect(platform.up.errors.contains("supervisor gone"), "the registry logged why it stopped:\n\(platform.up.errors)")
    }

    /// Issue 14, finding 3: a SIGKILLed registry is serving again within seconds (its events
    /// port is not derived from the rpc port, so nothing else can hold it).
    @Test func aKilledRegistryServesAgainWithinSeconds() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let platform = try await Self.startPlatform(folder: folder, fixedEventsPort: false)
        defer { platform.up.kill(); Self.killLeftover(platform.registryPID) }
        let registry = try #require(platform.environment["MPP_REGISTRY"])
        let client = RPCClient()
        defer { Task { await client.shutdown() } }
        @Sendable func registries() async -> [RegistryAPI.Instance] {
            guard let outcome = try? await client.send(to: registry, method: "registry.lookup", body: Array(#"{"service":"registry"}"#.utf8),
                                                       timeout: .milliseconds(500)),
                  let list = try? JSON.decode(RegistryAPI.Instances.self, from: outcome.body) else { return [] }
            return list.instances
        }
        let before = try #require(await registries().first)
        #expect(before.events != nil, "the registry advertises its events endpoint")
        let killed = ContinuousClock.now
        kill(platform.registryPID, SIGKILL)
        let back = await eventually(timeout: .seconds(10)) { await registries().contains { $0.instance != before.instance } }
        #expect(back, "no new registry within 10 s:\n\(platform.up.errors.suffix(2_000))")
        #expect(ContinuousClock.now - killed < .seconds(10))
        #expect(!platform.up.errors.contains("Address already in use"))
        platform.up.signal(SIGTERM)
        _ = await platform.up.waitForExit(timeout: .seconds(20))
    }

    @Test
    func bannerAppearsWhileRunning() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let platform = try await Self.startPlatform(folder: folder)
        defer { platform.up.kill(); Self.killLeftover(platform.registryPID) }
        #expect(await eventually(timeout: .seconds(3)) { platform.up.output.contains("MPP Digital is up") }, "stdout:\n\(platform.up.output)")
        #expect(platform.up.output.contains("registrations and calls are NOT authenticated"), "plain mode says so:\n\(platform.up.output)")
        platform.up.signal(SIGTERM)
        _ = await platform.up.waitForExit(timeout: .seconds(20))
    }

    @Test func upWithoutTheRegistryNextToItFails() async throws {
        // A copy of `mpp` alone in a folder: it refuses to start instead of running nothing.
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lonely = folder + "/mpp"
        try FileManager.default.copyItem(atPath: try Binaries.path("mpp"), toPath: lonely)
        // Another test's fork may briefly inherit the copy's write descriptor: exec then fails with
        // ETXTBSY ("Text file busy"), so try again a few times.
        var finished: Finished?
        for _ in 0..<20 where finished == nil {
            do {
                finished = try await run(lonely, ["up"], environment: childEnvironment(["MPP_DATA": folder + "/var"]),
                                         folder: folder, timeout: .seconds(5))
            } catch let error as NSError where "\(error)".contains("Text file busy") {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let result = try #require(finished)
        #expect(result.status == 1)
        #expect(result.errors.contains("mpp-registry not found"), "stderr:\n\(result.errors)")
    }
}
