import Bus
import Foundation
import Notifications
import ServiceKit
import Support
import Testing

/// Issue 14: pages from outside are range-checked before any arithmetic, the role is checked
/// before the body is read, and templates carry no control characters.
@Suite struct NotificationsHostileInputTests {
    private func raw(_ platform: TestPlatform, _ service: RunningNotifications, _ method: String, _ body: String,
                     token: String?) async throws -> Outcome {
        try await platform.stack.rpc.send(to: service.rpc, method: method, metadata: RequestMetadata(token: token, idempotencyKey: UUID().uuidString),
                                          body: Array(body.utf8), timeout: .seconds(10))
    }

    @Test func hugePagesAreOutOfRangeNotFatal() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications()
        let instance = service.host.configuration.instance
        let cases: [(String, String, String)] = [
            ("notifications.inbox", #"{"page": 9223372036854775807, "page_size": 20}"#, platform.token("c-1")),
            ("notifications.inbox", #"{"page": 4611686018427387904, "page_size": 20}"#, platform.token("c-1")),
            ("notifications.inbox", #"{"page": 9223372036854775808}"#, platform.token("c-1")),
            ("notifications.dead_letters.list", #"{"page": 9223372036854775807, "page_size": 50}"#, platform.token("ops-1", .ops)),
            ("notifications.dead_letters.list", #"{"page": 4611686018427387904}"#, platform.token("ops-1", .ops)),
        ]
        for (method, body, token) in cases {
            let error = try #require(try await raw(platform, service, method, body, token: token).error, "\(method) \(body)")
            #expect(error.code == .invalidArgument && error.fields["page"]?.contains("out of range") == true, "\(method) \(body): \(error)")
        }
        let health = try await raw(platform, service, "sys.health", "{}", token: nil)
        #expect(health.error == nil)
        #expect(try JSON.decode(JSONValue.self, from: health.body)["instance"]?.stringValue == instance, "no restart")
        await service.stop()
        await platform.stop()
    }

    @Test func theRoleIsCheckedBeforeTheBody() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications()
        let citizen = platform.token("c-2")
        for (method, body) in [("notifications.dead_letters.list", #"{"page": "one"}"#), ("notifications.dead_letters.retry", "{}"),
                               ("notifications.templates.upsert", "{}"), ("notifications.templates.list", #"{"channel": 5}"#),
                               ("notifications.templates.get", "{}")] {
            let error = try #require(try await raw(platform, service, method, body, token: citizen).error, "\(method)")
            #expect(error.code == .permissionDenied, "\(method): \(error)")
        }
        let anonymous = try #require(try await raw(platform, service, "notifications.inbox", #"{"page": "x"}"#, token: nil).error)
        #expect(anonymous.code == .unauthenticated)
        await service.stop()
        await platform.stop()
    }

    @Test func templatesWithControlCharactersAreRefused() async throws {
        let platform = try await TestPlatform.start()
        let service = try await platform.notifications()
        let ops = platform.token("ops-1", .ops)
        for (field, text) in [("body", "Status {{tracking_number}}\u{0}"), ("body", "a\u{1B}[31m{{state}}"), ("subject", "Sub\u{0}ject")] {
            let body = UpsertTemplate(event_type: "application.status_changed", channel: "sms", language: "id",
                                      subject: field == "subject" ? text : nil, body: field == "body" ? text : "MPP {{tracking_number}}")
            let error = try #require(try await send(platform.stack.rpc, service.rpc, "notifications.templates.upsert", body, token: ops, key: UUID().uuidString).error,
                                     "\(text.debugDescription)")
            #expect(error.code == .invalidArgument && error.fields[field] != nil, "\(error)")
        }
        let fine = UpsertTemplate(event_type: "application.status_changed", channel: "sms", language: "id", subject: nil,
                                  body: "MPP {{tracking_number}}:\n\t{{state}}")
        let saved: TemplateRecord = try await call(platform.stack.rpc, service.rpc, "notifications.templates.upsert", fine, token: ops, key: "ok")
        #expect(saved.body == fine.body)
        await service.stop()
        await platform.stop()
    }
}
