import Support

/// The notifications service's own settings (services/notifications/README.md lists them).
public struct NotificationsSettings: Sendable {
    /// Channels of people who chose none (`MPP_NOTIFY_DEFAULT_CHANNELS`, default `inbox`).
    public var defaultChannels: [Medium]
    public var policy: DeliveryPolicy
    /// Deliveries per second each worker channel may start (`MPP_NOTIFY_RATE_<CHANNEL>`).
    public var rates: [String: Double]
    /// CURVE key names allowed to claim and complete jobs (`MPP_NOTIFY_WORKER_KEYS`).
    public var workerKeys: Set<String>
    /// States that invite the citizen to the SKM survey (`MPP_NOTIFY_SURVEY_STATES`).
    public var surveyStates: Set<String>

    public init(defaultChannels: [Medium] = [.inbox], policy: DeliveryPolicy = DeliveryPolicy(),
                rates: [String: Double] = ["webhook": 200, "sendmail": 20, "log": 1_000],
                workerKeys: Set<String> = ["notify-worker"], surveyStates: Set<String> = ["completed"]) {
        self.defaultChannels = defaultChannels
        self.policy = policy
        self.rates = rates
        self.workerKeys = workerKeys
        self.surveyStates = surveyStates
    }

    /// Reads the settings, naming every bad variable at once.
    public static func fromEnvironment(_ environment: Environment = Environment()) throws -> NotificationsSettings {
        var problems: [ConfigurationError] = []
        func read(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            do { return try environment.int(name, default: fallback, range: range) } catch let error as ConfigurationError {
                problems.append(error)
            } catch {}
            return fallback
        }
        var settings = NotificationsSettings()
        let channels = environment.list("MPP_NOTIFY_DEFAULT_CHANNELS", default: ["inbox"])
        settings.defaultChannels = channels.compactMap(Medium.init(rawValue:))
        if settings.defaultChannels.count != channels.count {
            problems.append(ConfigurationError(variable: "MPP_NOTIFY_DEFAULT_CHANNELS",
                                               problem: "must list inbox, sms, whatsapp, email or log, got \"\(channels.joined(separator: ","))\""))
        }
        let initial = read("MPP_NOTIFY_RETRY_INITIAL_MS", 10_000, 10...3_600_000)
        let maximum = read("MPP_NOTIFY_RETRY_MAX_MS", 900_000, 10...86_400_000)
        let attempts = read("MPP_NOTIFY_MAX_ATTEMPTS", 8, 1...100)
        settings.policy = DeliveryPolicy(maxAttempts: attempts,
                                         backoff: Backoff(initial: Double(initial) / 1000, multiplier: 2,
                                                          maximum: Double(max(initial, maximum)) / 1000, jitter: 0.5))
        for channel in WorkerChannel.all {
            let fallback = Int(settings.rates[channel] ?? 100)
            settings.rates[channel] = Double(read("MPP_NOTIFY_RATE_\(channel.uppercased())", fallback, 1...1_000_000))
        }
        settings.workerKeys = Set(environment.list("MPP_NOTIFY_WORKER_KEYS", default: ["notify-worker"]))
        settings.surveyStates = Set(environment.list("MPP_NOTIFY_SURVEY_STATES", default: ["completed"]))
        if let first = problems.first {
            throw problems.count == 1 ? first : ConfigurationError(variable: "MPP_NOTIFY_*",
                                                                   problem: problems.map(\.description).joined(separator: "; "))
        }
        return settings
    }
}
