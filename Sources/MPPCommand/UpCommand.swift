import Bus
import Foundation
import Support

/// `mpp up`: the whole platform on this machine, with embedded defaults.
struct UpCommand: Command {
    let name = "up"
    let summary = "start the registry and every service as child processes (Ctrl-C stops all)"
    let usage = "mpp up [--only NAME,NAME]"

    /// Start order: the registry first, then the services in dependency order.
    static let executables = ["mpp-registry", "mpp-catalog", "mpp-identity", "mpp-applications", "mpp-sla",
                              "mpp-notifications", "mpp-notify-worker"]

    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32 {
        ShutdownSignal.listen()  // Ctrl-C during start-up stops what was started, and nothing is orphaned
        let directory = Self.executableDirectory()
        let only = arguments.option("only").map { Set($0.split(separator: ",").map { "mpp-" + $0.replacingOccurrences(of: "mpp-", with: "") }) }
        let found = Self.executables.filter { FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
            .filter { only?.contains($0) ?? true }
        guard found.first == "mpp-registry" else {
            printError("mpp-registry not found next to mpp in \(directory): build with `swift build -c release`")
            return 1
        }
        var environment = ProcessInfo.processInfo.environment
        environment["MPP_DATA"] = context.dataDirectory
        try FileManager.default.createDirectory(atPath: context.dataDirectory, withIntermediateDirectories: true)
        let supervisor = Supervisor(environment: environment) { printError("mpp up: \($0)") }
        for name in found { await supervisor.add(name: name, path: directory + "/" + name, overrides: Self.ports(for: name, context)) }

        let stack = try context.clients()
        var running: [String] = []
        for name in found where ShutdownSignal.received == nil {
            try await supervisor.start(name)
            guard name != "mpp-notify-worker" else { running.append(name); continue }  // a worker registers nothing
            let service = String(name.dropFirst(4))
            switch await Self.waitUntilRegistered(service, name: name, supervisor: supervisor, stack: stack, timeout: .seconds(30)) {
            case .registered: running.append(name)
            case .gaveUp: printError("mpp up: \(name) is not available (exit 78), continuing without it")
            case .timedOut: printError("mpp up: \(name) did not register within 30 s (see its log above); it keeps restarting")
            }
        }
        if ShutdownSignal.received == nil {
            print(Self.banner(context: context, started: running))
            fflush(nil)  // seen at once, also when stdout is a file or a pipe
        }
        let signal = await ShutdownSignal.wait()
        printError("mpp up: \(signal): stopping every service")
        await supervisor.stopAll(grace: .seconds(15))
        await stack.rpc.shutdown()
        return 0
    }

    /// The registry listens where `MPP_REGISTRY` says (its first endpoint); every other service
    /// takes free ports (the registry tells clients where). The registry's events socket binds a
    /// free port too unless `MPP_EVENTS_PORT` is set: a port derived from the rpc port can be
    /// someone's ephemeral port and keep a restarted registry from binding; the bound endpoint is
    /// advertised in the registry's own registration (`registry.lookup {"service":"registry"}`).
    static func ports(for name: String, _ context: CommandContext) -> [String: String?] {
        guard name == "mpp-registry" else { return ["MPP_RPC_PORT": nil, "MPP_EVENTS_PORT": nil] }
        guard let first = context.registries.first, let colon = first.lastIndex(of: ":"),
              let port = Int(first[first.index(after: colon)...]), port > 0, port < 65535 else { return [:] }
        let environment = context.environment
        return ["MPP_RPC_PORT": environment.optional("MPP_RPC_PORT") ?? String(port),
                "MPP_EVENTS_PORT": environment.optional("MPP_EVENTS_PORT") ?? "0"]
    }

    enum Readiness { case registered, gaveUp, timedOut }

    static func waitUntilRegistered(_ service: String, name: String, supervisor: Supervisor, stack: ClientStack,
                                    timeout: Duration) async -> Readiness {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard await supervisor.isAlive(name), ShutdownSignal.received == nil else { return .gaveUp }
            if let instances = try? await stack.directory.list(), instances.contains(where: { $0.service == service }) { return .registered }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return .timedOut
    }

    /// The folder of the running `mpp` executable (where its siblings are built).
    static func executableDirectory() -> String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (path as NSString).deletingLastPathComponent
    }

    /// What protects the bus, said plainly: plain mode authenticates nobody.
    static func securityLine(_ context: CommandContext) -> String {
        if (try? context.environment.bool("MPP_CURVE", default: false)) == true {
            return "CURVE on: only keys in \(context.keysDirectory) connect; each key registers only as its own service"
        }
        return """
        plain (MPP_CURVE=off), loopback only: registrations and calls are NOT authenticated,
                     any local program can register as a service. Beyond one trusted machine: mpp keys init, MPP_CURVE=on
        """
    }

    static func banner(context: CommandContext, started: [String]) -> String {
        """

        MPP Digital is up: \(started.joined(separator: ", "))
          registry   \(context.registries.joined(separator: ", "))
          data       \(context.dataDirectory)
          security   \(securityLine(context))

        try, in another terminal:
          mpp status                              every instance, its health and request counts
          mpp call sys.health '{}' --endpoint \(context.registries.first ?? "tcp://127.0.0.1:7700")
          mpp call registry.list '{}'             any MPP/1 method, JSON in, JSON out
          mpp --help                              every command
          a citizen's journey, step by step: README.md

        Ctrl-C stops everything cleanly.
        """
    }
}

import ServiceKit
