import Applications
import Bus
import Foundation
import Support
import Testing

/// Issue 14: one hostile request must never take the service down, and the caller's role is
/// checked before the body is read.
@Suite("Hostile input") struct HostileInputTests {
    @Test func hugeNumbersInAFormAreRefusedNamingTheField() async throws {
        let platform = try await Platform.shared.value
        let applications = try await RunningApplications.start(platform)
        defer { Task { await applications.stop() } }
        let story = Scenario(platform, applications)
        let citizen = try await story.citizen()
        let started = applications.host.configuration.instance
        for number in ["1e19", "9223372036854775808", "1e300", "-1e19"] {
            for (service, field) in [("kartu-keluarga", "jenis"), ("ktp-el", "alasan")] {
                let body = #"{"service":"\#(service)","region":"\#(Places.sukabumi)","form":{"\#(field)":\#(number)}}"#
                let error = try #require(try await story.sendRaw("applications.submit", body, as: citizen).error, "\(body)")
                #expect(error.code == .invalidArgument, "\(body): \(error)")
                #expect(error.fields["form.\(field)"]?.contains("not an option") == true, "\(body): \(error)")
            }
        }
        let officer = try await story.staff(.officer, agency: "disdukcapil")
        for (method, person) in [("applications.mine", citizen), ("applications.vault.list", citizen), ("applications.queue", officer)] {
            for body in [#"{"page": 9223372036854775807}"#, #"{"page": 4611686018427387904, "page_size": 200}"#, #"{"page_size": 1e19}"#] {
                let error = try #require(try await story.sendRaw(method, body, as: person, key: nil).error, "\(method) \(body)")
                #expect(error.code == .invalidArgument && error.fields.values.allSatisfy { $0.contains("out of range") }, "\(method) \(body): \(error)")
            }
        }
        let health = try await story.send("sys.health", Empty(), as: nil, key: nil)
        #expect(health.error == nil)
        #expect(try JSON.decode(JSONValue.self, from: health.body)["instance"]?.stringValue == started, "no restart")
    }

    @Test func theRoleIsCheckedBeforeTheBody() async throws {
        let platform = try await Platform.shared.value
        let applications = try await RunningApplications.start(platform)
        defer { Task { await applications.stop() } }
        let story = Scenario(platform, applications)
        let citizen = try await story.citizen(verified: false)
        let officer = try await story.staff(.officer, agency: "disdukcapil")
        let refusals: [(String, String, Person)] = [
            ("applications.submit", "{}", officer),
            ("applications.submit", #"{"service": 5}"#, officer),
            ("applications.queue", #"{"status": 5}"#, citizen),
            ("applications.claim", "{}", citizen),
            ("applications.vault.list", "[]", officer),
            ("applications.survey.submit", "{}", officer),
        ]
        for (method, body, person) in refusals {
            let error = try #require(try await story.sendRaw(method, body, as: person).error, "\(method)")
            #expect(error.code == .permissionDenied, "\(method) \(body): \(error)")
        }
        // Signed-in methods: no token is unauthenticated, whatever the body.
        for method in ["applications.get", "applications.transition", "applications.documents.get", "applications.audit.verify"] {
            let error = try #require(try await story.sendRaw(method, #"{"tracking_number": []}"#, as: nil).error, "\(method)")
            #expect(error.code == .unauthenticated, "\(method): \(error)")
        }
    }
}
