import Applications
import ServiceKit
import Support

// mpp-applications: submit, workflow, documents, tracking, queues, survey (services/applications/README.md).
await ServiceMain.run("mpp-applications") { environment in
    let configuration = try ServiceConfiguration.fromEnvironment(service: ApplicationsService.name, environment: environment)
    let settings = try ApplicationsSettings.fromEnvironment(environment)
    let host = try await ServiceHost(configuration: configuration, migrations: ApplicationsSchema.migrations, publishesEvents: true)
    _ = try await ApplicationsService(host: host, settings: settings)
    try await host.start()
    return host
}
