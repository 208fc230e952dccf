import Bus
import Foundation
import TestKit
import Support
import Testing

/// `mpp call`, `mpp status` and the command line's exit codes against a real registry process.
@Suite struct CallCommandTests {
    @Test func callPrintsJSONAndExitCodesTellWhatHappened() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let client = RPCClient()
        let registry = try await RegistryProcess.start(folder: folder, client: client)
        defer { registry.child.kill() }
        let mpp = try Binaries.path("mpp")
        let environment = childEnvironment(["MPP_REGISTRY": registry.rpc, "MPP_DATA": folder + "/cli"])
        func mppRun(_ arguments: String...) async throws -> Finished {
            try await run(mpp, arguments, environment: environment, folder: folder)
        }

        // Straight to an endpoint.
        let direct = try await run(mpp, ["call", "sys.health", "{}", "--endpoint", registry.rpc], environment: environment,
                                   folder: folder, attempts: 3) { $0.status == 0 }
        #expect(direct.status == 0, "stderr: \(direct.errors)")
        let health = try JSON.decode(Health.self, from: Array(direct.output.utf8))
        #expect(health.service == "registry" && health.status == "serving")

        // Through the registry: service "registry" is found by looking it up.
        let viaLookup = try await mppRun("call", "registry.register",
                                          #"{"service":"cli","instance":"cli-1","rpc":"tcp://127.0.0.1:9","version":"1","ttl_ms":60000}"#)
        #expect(viaLookup.status == 0, "stderr: \(viaLookup.errors)")
        #expect(try JSON.decode(RegistryAPI.Lease.self, from: Array(viaLookup.output.utf8)).lease_ms == 60_000)
        let list = try await mppRun("call", "registry.list")
        #expect(list.status == 0)
        #expect(try JSON.decode(RegistryAPI.Instances.self, from: Array(list.output.utf8)).instances.contains { $0.instance == "cli-1" })

        // An error reply: printed on stderr, exit 1.
        let invalid = try await mppRun("call", "registry.register",
                                        #"{"service":"","instance":"cli 2","rpc":"udp://x","version":"1","ttl_ms":60000}"#)
        #expect(invalid.status == 1)
        #expect(invalid.output.isEmpty)
        #expect(invalid.errors.contains("invalid_argument") && invalid.errors.contains("instance") && invalid.errors.contains("rpc"),
                "stderr: \(invalid.errors)")
        let invalidJSON = try await mppRun("call", "registry.lookup", #"{"service":""}"#, "--json")
        #expect(invalidJSON.status == 1)
        let error = try JSON.decode(RPCError.self, from: Array(invalidJSON.errors.utf8))
        #expect(error.code == .invalidArgument && error.fields.keys.contains("service"))
        let notFound = try await mppRun("call", "registry.heartbeat", #"{"instance":"nobody"}"#)
        #expect(notFound.status == 1 && notFound.errors.contains("not_found"))
        let unimplemented = try await mppRun("call", "registry.nope", "--endpoint", registry.rpc)
        #expect(unimplemented.status == 1 && unimplemented.errors.contains("unimplemented"))

        // No instance of the service: an error, exit 1, quickly.
        let nobody = try await mppRun("call", "catalog.regions.list", "{}", "--timeout", "1")
        #expect(nobody.status == 1 && nobody.errors.contains("unavailable"), "stderr: \(nobody.errors)")

        // Usage errors: exit 2.
        let unknownCommand = try await mppRun("frobnicate")
        #expect(unknownCommand.status == 2 && unknownCommand.errors.contains("unknown command"))
        let notJSON = try await mppRun("call", "registry.list", "{not json")
        #expect(notJSON.status == 2 && notJSON.errors.contains("usage"), "stderr: \(notJSON.errors)")
        let noMethod = try await mppRun("call")
        #expect(noMethod.status == 2 && noMethod.errors.contains("METHOD"))
        let badTimeout = try await mppRun("call", "sys.health", "{}", "--timeout", "-1")
        #expect(badTimeout.status == 2)
        let nothing = try await mppRun()
        #expect(nothing.status == 2 && nothing.output.contains("commands:"))

        // Help: exit 0, on every command.
        let help = try await mppRun("--help")
        #expect(help.status == 0 && ["up", "status", "call", "keys"].allSatisfy { help.output.contains($0) })
        for command in ["up", "status", "call", "keys"] {
            let commandHelp = try await mppRun(command, "--help")
            #expect(commandHelp.status == 0 && commandHelp.output.contains("usage: mpp \(command)"), "mpp \(command) --help")
        }

        // status: every instance, serving.
        let status = try await run(mpp, ["status", "--json"], environment: environment, folder: folder, attempts: 3) {
            $0.output.contains("\"serving\"")
        }
        let lines = try JSON.decode([StatusLine].self, from: Array(status.output.utf8))
        #expect(lines.contains { $0.service == "registry" && $0.status == "serving" && ($0.requests ?? 0) > 0 })
        // The fake cli-1 instance does not answer: status says so and exits 1.
        #expect(lines.contains { $0.instance == "cli-1" && $0.status == "unreachable" })
        #expect(status.status == 1)

        await client.shutdown()
    }

    @Test func statusWithoutARegistryFailsWithAHint() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let finished = try await run(try Binaries.path("mpp"), ["status"],
                                     environment: childEnvironment(["MPP_REGISTRY": "tcp://127.0.0.1:\(freePort())"]), folder: folder)
        #expect(finished.status == 1)
        #expect(finished.errors.contains("no registry answers") && finished.errors.contains("mpp up"), "stderr: \(finished.errors)")
    }
}
