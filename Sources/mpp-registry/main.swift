import Registry
import ServiceKit

// mpp-registry: the lightweight registry every service registers with (PROTOCOL §4).
await ServiceMain.run("mpp-registry") { environment in
    let configuration = try ServiceConfiguration.fromEnvironment(
        service: RegistryService.name, defaultRPCPort: RegistryService.defaultRPCPort,
        defaultEventsPort: RegistryService.defaultEventsPort, environment: environment)
    let host = try await ServiceHost(configuration: configuration, migrations: [], publishesEvents: true)
    try await RegistryService(host: host).start()
    return host
}
