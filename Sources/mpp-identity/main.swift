import Foundation
import Identity
import ServiceKit

// mpp-identity: citizens, staff, logins and the access tokens every service trusts
// (services/identity/README.md).
do {
    let configuration = try ServiceConfiguration.fromEnvironment(service: IdentityService.name)
    let settings = try IdentitySettings.fromEnvironment()
    let host = try await ServiceHost(configuration: configuration, migrations: IdentitySchema.migrations, publishesEvents: true)
    let service = try await IdentityService(host: host, settings: settings)
    try await host.run()
    withExtendedLifetime(service) {}
} catch {
    FileHandle.standardError.write(Data("mpp-identity: \(error)\n".utf8))
    exit(1)
}
