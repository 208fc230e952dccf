import Catalog
import ServiceKit

// mpp-catalog: regions, MPP sites, agencies and services (seeded from the shipped reference data).
await ServiceMain.run("mpp-catalog") { environment in
    let configuration = try ServiceConfiguration.fromEnvironment(service: CatalogService.name, environment: environment)
    let host = try await ServiceHost(configuration: configuration, migrations: CatalogSchema.migrations, publishesEvents: true)
    _ = try await CatalogService(host: host)
    try await host.start()
    return host
}
