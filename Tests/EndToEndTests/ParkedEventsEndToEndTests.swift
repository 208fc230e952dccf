import Bus
import Foundation
import Store
import Support
import TestKit
import Testing
import ZMQ

/// Issue 20 with the real executables, secured with CURVE as deployed: an `application.submitted`
/// whose `tracking_number` is a number sits in the applications outbox before a good one. The SLA
/// monitor parks it and still starts the next application's clock, says so in `sys.health`, and
/// once ops have corrected the outbox row, `mpp events retry` applies it.
@Suite struct ParkedEventsEndToEndTests {
    static let good = "3273-261203-GOOD01"
    static let fixed = "3273-261203-FIXED1"

    static func submitted(_ number: JSONValue, at time: Date) -> JSONValue {
        ["tracking_number": number, "citizen": "c-1", "service": "ktp-el", "service_version": 1, "region": "32.73", "site": "mpp-32.73",
         "agency": "disdukcapil", "workflow": "adminduk", "state": "submitted", "sla": ["value": 5, "unit": "working_days"],
         "submitted_at": .string(Timestamp.format(time)), "language": "id"]
    }

    /// The subjects of the SLA monitor's `sla.deadline_set` events, read from its outbox over the wire.
    static func clocksStarted(_ client: RPCClient, _ sla: String) async -> Set<String> {
        guard let outcome = try? await client.send(to: sla, method: "events.read", body: try JSON.encode(EventsReadRequest(after: 0, limit: 1_000)),
                                                   timeout: .seconds(2)),
              let reply = try? EventsReadReply(bytes: outcome.body) else { return [] }
        return Set(reply.events.filter { $0.topic == "sla.deadline_set" }.compactMap(\.event.subject))
    }

    @Test func aParkedEventDoesNotStopTheStreamAndMppEventsRetryAppliesItAfterTheFix() async throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mpp = try Binaries.path("mpp"), keys = folder + "/keys"
        let made = try await run(mpp, ["keys", "init", "--dir", keys, "registry", "applications", "sla", "mpp"],
                                 environment: childEnvironment([:]), folder: folder)
        try #require(made.status == 0, "\(made.errors)")
        let curve = ["MPP_CURVE": "on", "MPP_KEYS": keys]

        // The applications outbox as the operator left it: the broken event first, then a good one.
        let outbox = try Store(path: folder + "/applications/applications.db", migrations: [])
        let now = Date()
        try await Outbox.install(in: outbox)
        try await outbox.write { db in
            try Outbox.append(db, stream: "applications", type: "application.submitted", data: Self.submitted(3_273_261_203, at: now), time: now)
            try Outbox.append(db, stream: "applications", type: "application.submitted", data: Self.submitted(.string(Self.good), at: now),
                              time: now, subject: Self.good)
        }
        outbox.close()

        let registry = try ServiceProcess("mpp-registry", data: folder + "/registry", registry: unreachableRegistry, logLevel: "info", extra: curve)
        defer { _ = registry.stop() }
        let registryEndpoint = try await registry.serving()
        let applications = try ServiceProcess("mpp-applications", data: folder + "/applications", registry: registryEndpoint, logLevel: "info",
                                              extra: curve)
        defer { _ = applications.stop() }
        let sla = try ServiceProcess("mpp-sla", data: folder + "/sla", registry: registryEndpoint, logLevel: "info", extra: curve)
        defer { _ = sla.stop() }
        _ = try await applications.serving()
        let slaEndpoint = try await sla.serving()

        let slaKey = try CurveTests.key(keys + "/sla.pub")
        let client = RPCClient(security: .curve(keyPair: try CurveTests.pair(keys, "mpp"), serverKey: { _ in slaKey }))
        defer { Task { await client.shutdown() } }

        // The stream went on: the good application has its clock, and the SLA monitor says one event is parked.
        #expect(await eventually(timeout: .seconds(30)) { await Self.clocksStarted(client, slaEndpoint).contains(Self.good) },
                "sla log:\n\(sla.output.suffix(3_000))")
        let warned = await eventually(timeout: .seconds(10)) {
            await health(client, slaEndpoint)?.warnings?.contains { $0.contains("1 events parked") } == true
        }
        let warnings = await health(client, slaEndpoint)?.warnings ?? []
        #expect(warned, "sys.health: \(warnings)")

        // mpp events parked, with the CLI's `mpp` key (CURVE caller `mpp`: no login needed).
        let cli = childEnvironment(curve.merging(["MPP_REGISTRY": registryEndpoint, "MPP_DATA": folder + "/cli"]) { $1 })
        let listed = try await run(mpp, ["events", "parked", "--service", "sla", "--json"], environment: cli, folder: folder,
                                   attempts: 3) { $0.status == 0 }
        #expect(listed.status == 0, "\(listed.errors)")
        let lists = (try? JSON.decode([ParkedEventsAPI.List].self, from: Array(listed.output.utf8))) ?? []
        let parked = try #require(lists.first?.parked.first, "\(listed.output)\n\(listed.errors)")
        #expect(parked.consumer == "sla-clocks" && parked.stream == "applications" && parked.seq == 1 && parked.topic == "application.submitted")
        #expect(parked.error.contains("tracking_number"), "\(parked.error)")
        let table = try await run(mpp, ["events", "parked"], environment: cli, folder: folder, attempts: 3) { $0.status == 0 }
        #expect(table.output.contains("sla-clocks") && table.output.contains("applications#1"), "\(table.output)\n\(table.errors)")

        // The fix: ops correct the event in the publisher's outbox (the service keeps running).
        let database = try Database(path: folder + "/applications/applications.db")
        try database.transaction { db in
            let row = try #require(try Outbox.read(db, after: 0, limit: 1).first)
            var event = try CloudEvent(bytes: row.event)
            event.data = Self.submitted(.string(Self.fixed), at: now)
            try db.run("UPDATE bus_outbox SET event = ? WHERE seq = 1", [.blob(JSONWriter.write(event.json))])
        }
        database.close()

        let retried = try await run(mpp, ["events", "retry", "--service", "sla", "--all"], environment: cli, folder: folder)
        #expect(retried.status == 0, "\(retried.output)\n\(retried.errors)")
        #expect(retried.output.contains("1 diterapkan (applied), 0 masih diparkir"), "\(retried.output)")
        #expect(await Self.clocksStarted(client, slaEndpoint).isSuperset(of: [Self.good, Self.fixed]))
        let warningsAfter = await health(client, slaEndpoint)?.warnings ?? []
        #expect(!warningsAfter.contains { $0.contains("parked") }, "\(warningsAfter)")
        let after = try await run(mpp, ["events", "parked", "--service", "sla", "--json"], environment: cli, folder: folder)
        #expect((try? JSON.decode([ParkedEventsAPI.List].self, from: Array(after.output.utf8)))?.first?.total == 0, "\(after.output)")
    }
}
