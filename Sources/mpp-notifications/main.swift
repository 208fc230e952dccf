import Notifications
import ServiceKit
import Support

// mpp-notifications: rules, templates, preferences, inbox and the delivery queue of notify workers.
await ServiceMain.run("mpp-notifications") { environment in
    let configuration = try ServiceConfiguration.fromEnvironment(service: NotificationsService.name, environment: environment)
    let settings = try NotificationsSettings.fromEnvironment(environment)
    let host = try await ServiceHost(configuration: configuration, migrations: NotificationsService.migrations, publishesEvents: true)
    try await NotificationsService(host: host, settings: settings).start()
    return host
}
