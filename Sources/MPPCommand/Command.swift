import Bus
import Foundation
import ServiceKit
import Support

/// One `mpp` verb.
public protocol Command: Sendable {
    var name: String { get }
    var summary: String { get }
    var usage: String { get }
    /// Options of this command that take no value (`--historical`), besides the common ones.
    var switches: Set<String> { get }
    /// Returns the process exit code.
    func run(_ arguments: Arguments, _ context: CommandContext) async throws -> Int32
}

extension Command {
    public var switches: Set<String> { [] }
}

/// What every command can use: environment, output, and a client stack to call services.
public struct CommandContext: Sendable {
    public let environment: Environment
    public let json: Bool
    /// Wall-clock time for the command line (session expiry).
    public var clock: any Support.Clock = SystemClock()

    public var registries: [String] { environment.list("MPP_REGISTRY", default: ["tcp://127.0.0.1:7700"]) }
    public var dataDirectory: String {
        let path = environment.string("MPP_DATA", default: "./var")
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).standardizingPath
    }
    public var keysDirectory: String { environment.string("MPP_KEYS", default: dataDirectory + "/keys") }

    /// Client stack per configuration; in CURVE mode the CLI uses the `mpp` key pair.
    public func clients() throws -> ClientStack {
        let logger = Logger(service: "mpp", level: LogLevel(name: environment.string("MPP_LOG_LEVEL", default: "warning")) ?? .warning)
        let keys = try environment.bool("MPP_CURVE", default: false)
            ? KeyRing.load(directory: keysDirectory, name: environment.string("MPP_KEY_NAME", default: "mpp")) : nil
        return ClientStack(registries: registries, keys: keys, logger: logger)
    }

    /// Calls `method` through the registry with the caller's token; returns the reply body or
    /// throws the error reply. Mutating calls get a fresh idempotency key unless `--idempotency-key` is given.
    public func request<Body: Encodable & Sendable>(_ method: String, _ body: Body, _ arguments: Arguments,
                                                    mutating: Bool = false, attachments: [[UInt8]] = []) async throws -> JSONValue {
        let stack = try clients()
        defer { Task { await stack.rpc.shutdown() } }
        let key = arguments.option("idempotency-key") ?? (mutating ? UUID().uuidString : nil)
        let options = CallOptions(token: try await SessionToken.resolve(arguments, self, stack), idempotencyKey: key, attachments: attachments)
        return try await stack.client.call(method, body, as: JSONValue.self, options: options)
    }

    /// Prints a value as JSON (`--json`) or with `human` otherwise.
    public func emit<T: Encodable>(_ value: T, human: () -> String) {
        print(json ? JSON.pretty(value) : human())
    }
}

/// The `mpp` entry point.
public enum MPP {
    /// Every verb, grouped by who uses it; each group lives in its own file.
    public static let commands: [any Command] = platformCommands + catalogCommands + identityCommands + slaCommands + applicationsCommands
        + notificationsCommands

    public static func main(_ words: [String]) async -> Int32 {
        guard let verb = words.first, verb != "--help", verb != "-h", verb != "help" else {
            print(overview)
            return words.isEmpty ? 2 : 0
        }
        guard let command = commands.first(where: { $0.name == verb }) else {
            printError("mpp: unknown command \"\(verb)\"\n\n\(overview)")
            return 2
        }
        do {
            let arguments = try Arguments(Array(words.dropFirst()), switches: Arguments.commonSwitches.union(command.switches))
            if arguments.flag("help") {
                print("usage: \(command.usage)\n\n\(command.summary)")
                return 0
            }
            let context = CommandContext(environment: Environment(), json: arguments.flag("json"))
            return try await command.run(arguments, context)
        } catch let error as UsageError {
            printError("mpp \(verb): \(error)\nusage: \(command.usage)")
            return 2
        } catch {
            printError("mpp \(verb): \(error)")
            return 1
        }
    }

    static var overview: String {
        let width = commands.map { $0.name.count }.max() ?? 0
        let lines = commands.map { "  \($0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0))\($0.summary)" }
        return """
            mpp — MPP Digital: the shared platform of every Mal Pelayanan Publik

            usage: mpp COMMAND [options]   (mpp COMMAND --help for details)

            commands:
            \(lines.joined(separator: "\n"))

            environment: MPP_REGISTRY (default tcp://127.0.0.1:7700), MPP_DATA (default ./var),
                         MPP_CURVE (on|off), MPP_KEYS (default $MPP_DATA/keys), MPP_TOKEN
            """
    }
}

/// Writes a line to standard error.
public func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
