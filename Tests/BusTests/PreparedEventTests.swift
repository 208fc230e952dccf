import Bus
import Foundation
import Store
import Support
import Testing
import TestKit

/// An event prepared before its transaction is stored exactly as the plain `Outbox.append` would
/// store it: the same CloudEvent bytes, only numbered inside the transaction.
@Suite struct PreparedEventTests {
    struct Payload: Encodable { var tracking_number: String; var note: String?; var count: Int; var at: Date? }

    @Test func storesTheSameBytesAsAppendingDirectly() async throws {
        let store = try Store(path: temporaryPath("prepared-event") + "/events.db", migrations: [])
        defer { store.close() }
        try await Outbox.install(in: store)
        let time = Date(timeIntervalSince1970: 1_795_400_000.123)
        let payloads = [
            Payload(tracking_number: "3202-261123-ABC1234", note: "Kantor \"Camat\" / Kec.\n", count: 3, at: nil),
            Payload(tracking_number: "x", note: nil, count: -1, at: time),  // a Date: JSONEncoder's path
        ]
        for (index, payload) in payloads.enumerated() {
            let traceID: String? = index == 0 ? "trace-1" : nil, subject: String? = index == 0 ? payload.tracking_number : nil
            let prepared = try PreparedEvent(type: "application.submitted", data: payload, time: time, traceID: traceID, subject: subject)
            let (first, second) = try await store.write { db in
                (try Outbox.append(db, stream: "applications", prepared),
                 try Outbox.append(db, stream: "applications", type: "application.submitted", data: payload, time: time,
                                   traceID: traceID, subject: subject))
            }
            let stored = try await store.read { db in try Outbox.read(db, after: first - 1, limit: 2) }
            try #require(stored.count == 2)
            let (viaPrepared, direct) = (stored[0], stored[1])
            #expect(direct.seq == second)
            let expected = String(decoding: direct.event, as: UTF8.self)
                .replacingOccurrences(of: "\"applications-\(second)\"", with: "\"applications-\(first)\"")
            #expect(String(decoding: viaPrepared.event, as: UTF8.self) == expected)
            let event = try CloudEvent(json: try JSONParser.parse(viaPrepared.event))
            #expect(event.id == "applications-\(first)" && event.source == "mpp/applications" && event.traceid == traceID)
        }
    }
}
