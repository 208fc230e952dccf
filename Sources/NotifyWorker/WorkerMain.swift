import Bus
import Foundation
import ServiceKit
import Support

/// The whole life of a worker process (the `mpp-notify-worker` executable and `mpp notify-worker`):
/// configuration from the environment, a client stack (CURVE with the `notify-worker` key when
/// `MPP_CURVE=on`), claim and deliver until SIGTERM/SIGINT, then finish the held jobs.
public enum WorkerMain {
    /// Returns the exit code: 0 after a clean stop, 78 on bad configuration, 1 otherwise.
    public static func run(_ executable: String, environment: Environment = Environment()) async -> Int32 {
        do {
            let configuration = try WorkerConfiguration.fromEnvironment(environment)
            let level = LogLevel(name: environment.string("MPP_LOG_LEVEL", default: "info")) ?? .info
            let logger = Logger(service: "notify-worker", instance: configuration.name, level: level)
            let curve = try environment.bool("MPP_CURVE", default: false)
            let data = environment.string("MPP_DATA", default: "./var")
            let keys = curve ? try KeyRing.load(directory: environment.string("MPP_KEYS", default: (data as NSString).appendingPathComponent("keys")),
                                                name: environment.string("MPP_KEY_NAME", default: "notify-worker")) : nil
            let stack = ClientStack(registries: environment.list("MPP_REGISTRY", default: [RegistryAPI.defaultEndpoint]), keys: keys, logger: logger)
            let worker = NotifyWorker(configuration: configuration, client: stack.client, channels: configuration.makeChannels(), logger: logger)
            let running = Task { await worker.run() }
            let signal = await ShutdownSignal.waitOrOrphaned()
            logger.info("stopping", ["signal": .string(signal)])
            worker.stop()
            await running.value
            await stack.rpc.shutdown()
            return 0
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(executable): configuration: \(error)\n".utf8))
            return 78
        } catch {
            FileHandle.standardError.write(Data("\(executable): \(error)\n".utf8))
            return 1
        }
    }
}
