import Bus
import Foundation
import SLA
import ServiceKit
import Support
import Testing
import TestKit

/// Issue 14: hostile numbers and strings get `invalid_argument` naming the field (never a trap
/// or an `internal`), and the role is checked before the body is read.
@Suite struct SLAHostileInputTests {
    private func raw(_ setup: SLAServiceTests.Setup, _ method: String, _ body: String, token: String?) async throws -> Outcome {
        let rpc = setup.platform.clients().rpc
        defer { Task { await rpc.shutdown() } }
        return try await rpc.send(to: setup.slaEndpoint, method: method, metadata: RequestMetadata(token: token, idempotencyKey: UUID().uuidString),
                                  body: Array(body.utf8), timeout: .seconds(10))
    }

    @Test func hugeNumbersAndLongStringsAreRefusedNamingTheField() async throws {
        let setup = try await SLAServiceTests().start()
        let instance = setup.sla.configuration.instance
        let long = String(repeating: "3", count: 60_000)
        let cases: [(String, String, String)] = [
            ("sla.breaches", #"{"page": 9223372036854775807, "page_size": 50}"#, "page"),
            ("sla.breaches", #"{"page": 4611686018427387904}"#, "page"),
            ("sla.breaches", #"{"page": 1, "page_size": 1e19}"#, "page_size"),
            ("sla.report", #"{"region": "\#(long)", "from": "2026-11-01", "to": "2026-12-01"}"#, "region"),
            ("sla.report", #"{"region": "32.%", "from": "2026-11-01", "to": "2026-12-01"}"#, "region"),
            ("sla.report", #"{"agency": "\#(long)", "from": "2026-11-01", "to": "2026-12-01"}"#, "agency"),
            ("sla.report", #"{"service": "\#(long)", "from": "2026-11-01", "to": "2026-12-01"}"#, "service"),
            ("sla.report", #"{"site": "\#(long)", "from": "2026-11-01", "to": "2026-12-01"}"#, "site"),
            ("sla.evaluation.weekly", #"{"week": "9223372036854775807-W01"}"#, "week"),
            ("sla.calendars.get", #"{"year": 9223372036854775807}"#, "year"),
            ("sla.calendars.get", #"{"region": "\#(long)"}"#, "region"),
        ]
        for (method, body, field) in cases {
            let error = try #require(try await raw(setup, method, body, token: setup.ops).error, "\(method) \(body.prefix(80))")
            #expect(error.code == .invalidArgument && error.fields[field] != nil, "\(method) \(body.prefix(80)): \(error)")
        }
        let update = #"{"add": [{"date": "2026-12-24", "name": "\#(String(repeating: "x", count: 60_000))"}], "note": "n"}"#
        let tooLong = try #require(try await raw(setup, "sla.calendars.update", update, token: setup.ops).error)
        #expect(tooLong.code == .invalidArgument && tooLong.fields["add[0].name"] != nil, "\(tooLong)")
        let health = try await raw(setup, "sys.health", "{}", token: nil)
        #expect(health.error == nil)
        #expect(try JSON.decode(JSONValue.self, from: health.body)["instance"]?.stringValue == instance, "no restart")
        await setup.platform.stop()
    }

    @Test func theRoleIsCheckedBeforeTheBody() async throws {
        let setup = try await SLAServiceTests().start()
        let citizen = setup.platform.token(sub: "c-1", role: .citizen)
        let officer = setup.platform.token(sub: "o-1", role: .officer, agency: "disdukcapil", region: "32.73")
        let refusals: [(String, String, String)] = [
            ("sla.calendars.update", "{}", citizen),
            ("sla.calendars.update", #"{"add": 5}"#, officer),
            ("sla.policies.update", "{}", citizen),
            ("sla.breaches", #"{"page": "x"}"#, citizen),
            ("sla.report", "{}", citizen),
            ("sla.evaluation.weekly", "{}", officer),
        ]
        for (method, body, token) in refusals {
            let error = try #require(try await raw(setup, method, body, token: token).error, "\(method)")
            #expect(error.code == .permissionDenied, "\(method) \(body): \(error)")
        }
        let anonymous = try #require(try await raw(setup, "sla.status", "{}", token: nil).error)
        #expect(anonymous.code == .unauthenticated)
        await setup.platform.stop()
    }
}
