import Bus
import Foundation
import Support

/// Everything a service reads from its environment (documented in services/<name>/README.md).
public struct ServiceConfiguration: Sendable {
    public var service: String
    public var version: String
    /// `MPP_REGISTRY`: registry rpc endpoints; the instance registers with all of them.
    public var registries: [String]
    /// `MPP_DATA`: folder of the SQLite files.
    public var dataDirectory: String
    /// `MPP_BIND_HOST` / `MPP_ADVERTISE_HOST`.
    public var bindHost: String
    public var advertiseHost: String
    /// `MPP_RPC_PORT` / `MPP_EVENTS_PORT`; 0 = ephemeral.
    public var rpcPort: Int
    public var eventsPort: Int
    public var logLevel: LogLevel
    /// `MPP_CURVE`: CURVE on every socket, ZAP allow-list from `MPP_KEYS`.
    public var curve: Bool
    public var keysDirectory: String
    public var instance: String
    public var drainTimeout: Duration
    public var idempotencyWindow: TimeInterval
    public var maxMessageBytes: Int
    public var leaseMilliseconds: Int
    /// `MPP_SHARD`: set when several instances of a service each own a store (e.g. two
    /// registries); their event streams are then `service/shard` (PROTOCOL §3).
    public var shard: String?

    /// The id of this instance's event stream.
    public var stream: String { shard.map { "\(service)/\($0)" } ?? service }

    /// The store file of this service.
    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("\(service).db") }

    public var rpcBindAddress: String { "tcp://\(bindHost):\(rpcPort == 0 ? "*" : String(rpcPort))" }
    public var eventsBindAddress: String { "tcp://\(bindHost):\(eventsPort == 0 ? "*" : String(eventsPort))" }

    /// Reads the configuration, naming every bad variable at once.
    public static func fromEnvironment(service: String, version: String = MPPVersion.current, defaultRPCPort: Int = 0,
                                       defaultEventsPort: Int = 0, environment: Environment = Environment()) throws -> ServiceConfiguration {
        var problems: [ConfigurationError] = []
        func attempt<T>(_ fallback: T, _ read: () throws -> T) -> T {
            do { return try read() } catch let error as ConfigurationError { problems.append(error); return fallback } catch { return fallback }
        }
        let data = environment.string("MPP_DATA", default: "./var")
        let bindHost = environment.string("MPP_BIND_HOST", default: "127.0.0.1")
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let levelName = environment.string("MPP_LOG_LEVEL", default: "info")
        let level = LogLevel(name: levelName) ?? {
            problems.append(ConfigurationError(variable: "MPP_LOG_LEVEL", problem: "must be debug, info, warning or error, got \"\(levelName)\""))
            return .info
        }()
        let registries = environment.list("MPP_REGISTRY", default: [RegistryAPI.defaultEndpoint])
        for endpoint in registries where !endpoint.hasPrefix("tcp://") && !endpoint.hasPrefix("ipc://") {
            problems.append(ConfigurationError(variable: "MPP_REGISTRY", problem: "\"\(endpoint)\" is not a tcp:// endpoint"))
        }
        let configuration = ServiceConfiguration(
            service: service, version: version, registries: registries, dataDirectory: data, bindHost: bindHost,
            advertiseHost: environment.string("MPP_ADVERTISE_HOST", default: bindHost == "0.0.0.0" || bindHost == "*" ? "127.0.0.1" : bindHost),
            rpcPort: attempt(defaultRPCPort) { try environment.int("MPP_RPC_PORT", default: defaultRPCPort, range: 0...65535) },
            eventsPort: attempt(defaultEventsPort) { try environment.int("MPP_EVENTS_PORT", default: defaultEventsPort, range: 0...65535) },
            logLevel: level,
            curve: attempt(false) { try environment.bool("MPP_CURVE", default: false) },
            keysDirectory: environment.string("MPP_KEYS", default: (data as NSString).appendingPathComponent("keys")),
            instance: environment.string("MPP_INSTANCE", default: "\(service)-\(host)-\(getpid())"),
            drainTimeout: .seconds(attempt(10) { try environment.int("MPP_DRAIN_SECONDS", default: 10, range: 0...600) }),
            idempotencyWindow: TimeInterval(attempt(24) { try environment.int("MPP_IDEMPOTENCY_HOURS", default: 24, range: 1...720) }) * 3600,
            maxMessageBytes: attempt(8 << 20) { try environment.int("MPP_MAX_MESSAGE_BYTES", default: 8 << 20, range: 1024...(256 << 20)) },
            leaseMilliseconds: attempt(5_000) { try environment.int("MPP_LEASE_MS", default: 5_000, range: 500...300_000) },
            shard: environment.optional("MPP_SHARD"))
        let plainNetwork = attempt(false) { try environment.bool("MPP_PLAIN_NETWORK", default: false) }
        if !configuration.curve, !plainNetwork, !Self.isLoopback(bindHost) {
            problems.append(ConfigurationError(variable: "MPP_BIND_HOST", problem:
                "\"\(bindHost)\" is not loopback and MPP_CURVE is off: anyone on the network could register as any service "
                + "and call every method; set MPP_CURVE=on (or MPP_PLAIN_NETWORK=on to accept that on a closed network)"))
        }
        if let shard = configuration.shard, !shard.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            problems.append(ConfigurationError(variable: "MPP_SHARD", problem: "must be letters, digits, - or _, got \"\(shard)\""))
        }
        if !problems.isEmpty { throw ConfigurationProblems(problems: problems) }
        return configuration
    }
}

extension ServiceConfiguration {
    /// Whether binding `host` keeps the sockets on this machine.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// Every bad configuration variable, reported together.
public struct ConfigurationProblems: Error, CustomStringConvertible {
    public let problems: [ConfigurationError]
    public init(problems: [ConfigurationError]) { self.problems = problems }
    public var description: String { "configuration: " + problems.map(\.description).joined(separator: "; ") }
}

/// The platform's version, reported in `sys.health` and the registry.
public enum MPPVersion {
    public static let current = "0.1.0"
}
