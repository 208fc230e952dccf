import Registry
import ServiceKit

// mpp-registry: the lightweight registry every service registers with (PROTOCOL §4).
do {
    let configuration = try ServiceConfiguration.fromEnvironment(
        service: RegistryService.name, defaultRPCPort: RegistryService.defaultRPCPort,
        defaultEventsPort: RegistryService.defaultEventsPort)
    let host = try await ServiceHost(configuration: configuration, migrations: [], publishesEvents: true)
    let registry = RegistryService(host: host)
    try await registry.start()
    let signal = await ShutdownSignal.waitOrOrphaned()
    host.logger.info("shutting down", ["signal": .string(signal)])
    await host.shutdown()
} catch let error as ConfigurationProblems {
    FileHandle.standardError.write(Data("mpp-registry: \(error)\n".utf8))
    exit(78)  // EX_CONFIG: restarting will not help
} catch {
    FileHandle.standardError.write(Data("mpp-registry: \(error)\n".utf8))
    exit(1)
}

import Foundation
