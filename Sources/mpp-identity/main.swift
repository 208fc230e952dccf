import Identity
import ServiceKit

// mpp-identity: citizens (NIK), staff, login, Ed25519 access tokens, profiles.
await ServiceMain.run("mpp-identity") { environment in
    let configuration = try ServiceConfiguration.fromEnvironment(service: IdentityService.name, environment: environment)
    let settings = try IdentitySettings.fromEnvironment(environment)
    let host = try await ServiceHost(configuration: configuration, migrations: IdentitySchema.migrations, publishesEvents: true)
    _ = try await IdentityService(host: host, settings: settings)
    try await host.start()
    return host
}
