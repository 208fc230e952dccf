import Catalog
import Foundation
import ServiceKit

// mpp-catalog: regions, MPP sites, agencies and services (docs: services/catalog/README.md).
do {
    let configuration = try ServiceConfiguration.fromEnvironment(service: CatalogService.name)
    let host = try await ServiceHost(configuration: configuration, migrations: CatalogSchema.migrations, publishesEvents: true)
    let catalog = try await CatalogService(host: host)
    try await host.run()
    withExtendedLifetime(catalog) {}
} catch {
    FileHandle.standardError.write(Data("mpp-catalog: \(error)\n".utf8))
    exit(1)
}
