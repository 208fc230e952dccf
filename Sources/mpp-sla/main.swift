import Foundation
import SLA
import ServiceKit
import Support

// mpp-sla: the SLA monitor (working-day clocks, warnings, breaches, escalation, reports).
await ServiceMain.run("mpp-sla") { environment in
    let configuration = try ServiceConfiguration.fromEnvironment(service: SLAService.name, environment: environment)
    let testStart = try environment.optional("MPP_SLA_TEST_CLOCK_START").map { text in
        guard let date = Timestamp.parse(text) else {
            throw ConfigurationError(variable: "MPP_SLA_TEST_CLOCK_START", problem: "must be an RFC 3339 time, got \"\(text)\"")
        }
        return date
    }
    let testClock = try environment.bool("MPP_SLA_TEST_CLOCK", default: false) ? TestClock(start: testStart ?? SystemClock().now()) : nil
    let tick = try environment.int("MPP_SLA_TICK_MS", default: 500, range: 10...60_000)
    let host = try await ServiceHost(configuration: configuration, migrations: SLAService.migrations, publishesEvents: true,
                                     clock: testClock ?? SystemClock())
    try await SLAService(host: host, testClock: testClock, tickInterval: .milliseconds(tick)).start()
    if testClock != nil { host.logger.warning("test clock enabled: time moves only through sla.test.clock") }
    return host
}
