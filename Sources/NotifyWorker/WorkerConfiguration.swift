import Foundation
import ServiceKit
import Support

/// Everything a notify worker reads from its environment (services/notify-worker/README.md).
public struct WorkerConfiguration: Sendable {
    /// `MPP_WORKER_NAME`: recorded with every attempt. Default `notify-worker-<host>-<pid>`.
    public var name: String
    /// `MPP_WORKER_LANES`: `transactional`, `bulk` (default both; transactional is always served first).
    public var lanes: [String]
    /// `MPP_WORKER_CHANNELS`: default `webhook` (when MPP_WEBHOOK_URL is set), `sendmail` (when a binary exists), `log`.
    public var channels: [String]
    /// `MPP_WORKER_BATCH`: jobs per claim (1–1000, default 50).
    public var batch: Int
    /// `MPP_WORKER_CONCURRENCY`: deliveries in flight (1–1000, default 16).
    public var concurrency: Int
    /// `MPP_WORKER_LEASE_MS`: how long a claimed job is ours before another worker may take it (default 30000).
    public var leaseMilliseconds: Int
    /// `MPP_WORKER_POLL_MS`: pause when the queue is empty (default 200).
    public var pollMilliseconds: Int
    /// `MPP_WEBHOOK_URL`, `MPP_WEBHOOK_SECRET`, `MPP_WEBHOOK_TIMEOUT_MS` (default 10000).
    public var webhookURL: HTTPAddress?
    public var webhookSecret: String
    public var webhookTimeoutMilliseconds: Int
    /// `MPP_SENDMAIL` (binary), `MPP_MAIL_FROM` (From header).
    public var sendmailPath: String?
    public var mailFrom: String?

    public static let knownChannels = ["webhook", "sendmail", "log"]
    public static let knownLanes = ["transactional", "bulk"]

    public init(name: String, lanes: [String] = knownLanes, channels: [String], batch: Int = 50, concurrency: Int = 16,
                leaseMilliseconds: Int = 30_000, pollMilliseconds: Int = 200, webhookURL: HTTPAddress? = nil, webhookSecret: String = "",
                webhookTimeoutMilliseconds: Int = 10_000, sendmailPath: String? = nil, mailFrom: String? = nil) {
        self.name = name
        self.lanes = lanes
        self.channels = channels
        self.batch = batch
        self.concurrency = concurrency
        self.leaseMilliseconds = leaseMilliseconds
        self.pollMilliseconds = pollMilliseconds
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.webhookTimeoutMilliseconds = webhookTimeoutMilliseconds
        self.sendmailPath = sendmailPath
        self.mailFrom = mailFrom
    }

    /// Reads the configuration, naming every bad variable at once (as one `ConfigurationError`).
    public static func fromEnvironment(_ environment: Environment = Environment()) throws -> WorkerConfiguration {
        var problems: [String] = []
        func number(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            do { return try environment.int(name, default: fallback, range: range) } catch { problems.append("\(error)"); return fallback }
        }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        var configuration = WorkerConfiguration(name: environment.string("MPP_WORKER_NAME", default: "notify-worker-\(host)-\(getpid())"),
                                                channels: [])
        configuration.lanes = environment.list("MPP_WORKER_LANES", default: knownLanes)
        if configuration.lanes.isEmpty || !configuration.lanes.allSatisfy(knownLanes.contains) {
            problems.append("MPP_WORKER_LANES: must list transactional and/or bulk")
        }
        configuration.batch = number("MPP_WORKER_BATCH", 50, 1...1_000)
        configuration.concurrency = number("MPP_WORKER_CONCURRENCY", 16, 1...1_000)
        configuration.leaseMilliseconds = number("MPP_WORKER_LEASE_MS", 30_000, 500...600_000)
        configuration.pollMilliseconds = number("MPP_WORKER_POLL_MS", 200, 10...60_000)
        configuration.webhookTimeoutMilliseconds = number("MPP_WEBHOOK_TIMEOUT_MS", 10_000, 100...300_000)
        if let url = environment.optional("MPP_WEBHOOK_URL") {
            configuration.webhookURL = HTTPAddress(url)
            if configuration.webhookURL == nil {
                problems.append("MPP_WEBHOOK_URL: must be http://host[:port]/path (for https, put a TLS proxy on this host), got \"\(url)\"")
            }
        }
        configuration.webhookSecret = environment.string("MPP_WEBHOOK_SECRET", default: "")
        configuration.sendmailPath = environment.optional("MPP_SENDMAIL")
        configuration.mailFrom = environment.optional("MPP_MAIL_FROM")
        if let listed = environment.optional("MPP_WORKER_CHANNELS") {
            configuration.channels = listed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if configuration.channels.isEmpty || !configuration.channels.allSatisfy(knownChannels.contains) {
                problems.append("MPP_WORKER_CHANNELS: must list webhook, sendmail and/or log, got \"\(listed)\"")
            }
        } else {
            configuration.channels = (configuration.webhookURL != nil ? ["webhook"] : [])
                + (SendmailChannel(path: configuration.sendmailPath).path != nil ? ["sendmail"] : []) + ["log"]
        }
        if configuration.channels.contains("webhook") {
            if configuration.webhookURL == nil, environment.optional("MPP_WEBHOOK_URL") == nil {
                problems.append("MPP_WEBHOOK_URL: required for the webhook channel")
            }
            if configuration.webhookSecret.count < 16 { problems.append("MPP_WEBHOOK_SECRET: at least 16 characters, required for the webhook channel") }
        }
        if !problems.isEmpty { throw ConfigurationError(variable: "notify-worker", problem: problems.joined(separator: "; ")) }
        return configuration
    }

    /// The channels this configuration delivers through.
    public func makeChannels(client: HTTPClient = HTTPClient()) -> [String: any DeliveryChannel] {
        var result: [String: any DeliveryChannel] = [:]
        for channel in channels {
            switch channel {
            case "webhook":
                if let webhookURL {
                    result[channel] = WebhookChannel(address: webhookURL, secret: webhookSecret,
                                                     timeout: .milliseconds(webhookTimeoutMilliseconds), client: client)
                }
            case "sendmail": result[channel] = SendmailChannel(path: sendmailPath, from: mailFrom)
            case "log": result[channel] = LogChannel()
            default: break
            }
        }
        return result
    }
}
