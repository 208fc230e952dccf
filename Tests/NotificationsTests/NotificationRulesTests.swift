import Bus
import Domain
import Foundation
@testable import Notifications
import ServiceKit
import Support
import Testing

/// The rules table: which event notifies whom, of what kind, in which lane.
@Suite struct NotificationRulesTests {
    let rules = NotificationRules()

    func event<T: Encodable>(_ type: String, _ data: T) throws -> CloudEvent {
        CloudEvent(id: "x-1", source: "mpp/x", type: type, time: Date(), traceID: nil, subject: nil,
                   data: try JSONParser.parse(try JSON.encode(data)))
    }

    func intents<T: Encodable>(_ type: String, _ data: T) throws -> [Intent] {
        try rules.intents(topic: type, event: try event(type, data))
    }

    @Test func statusChangeTellsTheCitizen() throws {
        let result = try intents("application.status_changed", Events.statusChanged("MPP-1", citizen: "c-7", to: "revision_requested"))
        #expect(result.map(\.recipient) == [.person("c-7")])
        #expect(result.map(\.kind) == [.statusChanged])
        let intent = try #require(result.first)
        #expect(intent.reference == "MPP-1" && intent.values["state_code"] == "revision_requested"
                && intent.values["from_state_code"] == "submitted")
        #expect(intent.kind.lane == .transactional)
    }

    @Test func completionAlsoInvitesToTheSurveyInTheBulkLane() throws {
        let result = try intents("application.status_changed", Events.statusChanged("MPP-2", citizen: "c-1", from: "approved", to: "completed"))
        #expect(result.map(\.kind) == [.statusChanged, .surveyInvitation])
        #expect(result.map(\.kind.lane) == [.transactional, .bulk])
        #expect(Set(result.map(\.recipient)) == [.person("c-1")])
        let rejected = try intents("application.status_changed", Events.statusChanged("MPP-3", citizen: "c-1", to: "rejected"))
        #expect(rejected.map(\.kind) == [.statusChanged], "no survey after a rejection")
        let custom = try NotificationRules(surveyStates: ["issued"]).intents(
            topic: "application.status_changed", event: try event("application.status_changed", Events.statusChanged("MPP-4", citizen: "c", to: "issued")))
        #expect(custom.map(\.kind) == [.statusChanged, .surveyInvitation])
    }

    @Test func slaWarningTellsTheOfficerAndTheAgencysSupervisors() throws {
        let result = try intents("sla.warning", Events.fact("MPP-5", citizen: "c-2"))
        #expect(result.map(\.recipient) == [.person("officer-1"), .group("role:supervisor/agency:disdukcapil/region:32.73")])
        #expect(result.allSatisfy { $0.kind == .slaWarning })
        let officer = try #require(result.first)
        #expect(officer.values["budget_used"] == "110%" && officer.values["deadline"] == "5 Jan 2026 16.00 WIB")
        let unclaimed = try intents("sla.warning", Events.fact("MPP-5", citizen: "c-2", claimedBy: nil))
        #expect(unclaimed.map(\.recipient) == [.group("role:supervisor/agency:disdukcapil/region:32.73")])
    }

    @Test func breachTellsStaffAndApologisesToTheCitizen() throws {
        let result = try intents("sla.breached", Events.fact("MPP-6", citizen: "c-3"))
        #expect(result.map(\.recipient) == [.person("officer-1"), .group("role:supervisor/agency:disdukcapil/region:32.73"), .person("c-3")])
        #expect(result.map(\.kind) == [.slaBreached, .slaBreached, .slaBreachedCitizen])
    }

    @Test func escalationTellsTheRungsRoleInItsScope() throws {
        let admin = try intents("sla.escalated", Events.fact("MPP-7", citizen: "c", rung: 1, role: "mpp_admin"))
        #expect(admin.map(\.recipient) == [.group("role:mpp_admin/region:32.73")])
        let escalation = try #require(admin.first)
        #expect(escalation.values["rung"] == "1" && escalation.values["role"] == "mpp_admin" && escalation.kind == .slaEscalated)
        let supervisor = try intents("sla.escalated", Events.fact("MPP-7", citizen: "c", rung: 0, role: "supervisor"))
        #expect(supervisor.map(\.recipient) == [.group("role:supervisor/agency:disdukcapil/region:32.73")])
        let ministry = try intents("sla.escalated", Events.fact("MPP-7", citizen: "c", rung: 2, role: "ministry"))
        #expect(ministry.map(\.recipient) == [.group("role:ministry")])
    }

    @Test func registrationWelcomesWithTheLanguageHint() throws {
        let result = try intents("identity.citizen_registered", ["sub": "c-9", "district": "32.73.01", "language": "en"])
        #expect(result.map(\.recipient) == [.person("c-9")] && result[0].kind == .welcome && result[0].languageHint == .english)
        let plain = try intents("identity.citizen_registered", ["sub": "c-10", "district": "32.73.01"])
        let welcome = try #require(plain.first)
        #expect(welcome.languageHint == nil)
    }

    @Test func submissionIsAReceipt() throws {
        let submitted = ApplicationEvents.Submitted(
            tracking_number: "MPP-8", citizen: "c-4", service: "kk", service_version: 1, region: "32.73", site: nil, agency: "disdukcapil",
            workflow: "adminduk", state: "submitted", sla: SLA(value: 3, unit: .workingDays), on_sla_expiry: nil,
            submitted_at: "2026-01-05T01:00:00Z", language: "en")
        let result = try intents("application.submitted", submitted)
        #expect(result.map(\.kind) == [.submitted] && result[0].languageHint == .english && result[0].values["time"] == "5 Jan 2026 08.00 WIB")
    }

    @Test func otherEventsNotifyNobodyAndBrokenDataThrows() throws {
        #expect(try intents("sla.met", Events.fact("MPP-1", citizen: "c")).isEmpty)
        #expect(try intents("survey.submitted", ["tracking_number": "MPP-1"]).isEmpty)
        #expect(throws: (any Error).self) { try intents("application.status_changed", ["tracking_number": "MPP-1"]) }
    }

    @Test func aLoginAttackTellsTheOwnerInTheirLocalTime() throws {
        let attack = IdentityEvents.LoginAttackSuspected(sub: "c-9", failures: 10, since: "2026-01-05T08:00:00.000Z",
                                                         last_at: "2026-01-05T08:04:30.000Z", region: "63.71")
        let result = try intents(IdentityEvents.LoginAttackSuspected.type, attack)
        #expect(result == [Intent(recipient: .person("c-9"), kind: .loginAttack,
                                  values: ["failures": "10", "since": "5 Jan 2026 16.00 WITA", "last_at": "5 Jan 2026 16.04 WITA"],
                                  reference: nil)])
        #expect(result.first?.kind.lane == .transactional)
        // Without a region the times read in WIB.
        var unplaced = attack
        unplaced.region = nil
        #expect(try intents(IdentityEvents.LoginAttackSuspected.type, unplaced).first?.values["since"] == "5 Jan 2026 15.00 WIB")
        #expect(NotificationRules.subscriptions.first { $0.service == "identity" }?.topics.contains(IdentityEvents.LoginAttackSuspected.type) == true)
        // The default texts say what happened and what to do, in both languages, with no other placeholders.
        for language in Language.allCases {
            let text = DefaultTemplates.text(.loginAttack, language)
            let body = try TemplateText(text.body)
            #expect(body.unknownPlaceholders(allowed: NotificationKind.loginAttack.placeholders).isEmpty)
            #expect(Set(body.placeholders) == ["since", "failures", "last_at"])
        }
        #expect(DefaultTemplates.text(.loginAttack, .indonesian).body.contains("KTP-el"))
        #expect(DefaultTemplates.text(.loginAttack, .english).body.contains("not locked"))
    }

    @Test func staffInboxAddresses() {
        func claims(_ role: Role, agency: String? = nil, region: String? = nil) -> AccessClaims {
            AccessClaims(sub: "u", role: role, agency: agency, region: region, iat: 0, exp: 1)
        }
        #expect(Recipient.inboxAddresses(claims(.citizen)) == ["u"])
        #expect(Recipient.inboxAddresses(claims(.officer, agency: "dinkes", region: "32.73")) == ["u", "role:officer/agency:dinkes/region:32.73"])
        #expect(Recipient.inboxAddresses(claims(.mppAdmin, agency: "x", region: "32.73")) == ["u", "role:mpp_admin/region:32.73"])
        #expect(Recipient.inboxAddresses(claims(.ops)) == ["u", "role:ops"])
    }

    @Test func addressRules() {
        #expect(AddressRules.normalisedPhone("0812-3456-7890") == "+6281234567890")
        #expect(AddressRules.normalisedPhone("+62 812 3456 789") == "+628123456789")
        #expect(AddressRules.normalisedPhone("6281234567890") == "+6281234567890")
        for bad in ["", "0812", "+62abc4567890", "++6281234567", "+1234567890123456"] { #expect(AddressRules.normalisedPhone(bad) == nil, "\(bad)") }
        #expect(AddressRules.isEmail("warga@example.id"))
        for bad in ["warga", "@example.id", "a@b", "a@b.", "a b@c.id", "a@b.id\r\nBcc: x@y.id", "a@@b.id"] { #expect(!AddressRules.isEmail(bad), "\(bad)") }
    }
}
