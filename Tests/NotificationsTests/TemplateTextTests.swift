@testable import Notifications
import Testing

/// Templates: placeholders parsed and checked when saved, rendered per language.
@Suite struct TemplateTextTests {
    @Test func parsesLiteralsAndPlaceholders() throws {
        let text = try TemplateText("Permohonan {{tracking_number}} kini {{ state }}.")
        #expect(text.segments == [.literal("Permohonan "), .placeholder("tracking_number"), .literal(" kini "), .placeholder("state"), .literal(".")])
        #expect(text.placeholders == ["tracking_number", "state"])
        #expect(text.render(["tracking_number": "MPP-1", "state": "Selesai"]) == "Permohonan MPP-1 kini Selesai.")
    }

    @Test func repeatedAndAdjacentPlaceholders() throws {
        let text = try TemplateText("{{a}}{{b}}-{{a}}")
        #expect(text.placeholders == ["a", "b"])
        #expect(text.render(["a": "1", "b": "2"]) == "12-1")
    }

    @Test func missingValuesRenderEmptyAndSingleBracesAreText() throws {
        #expect(try TemplateText("x {{note}} y").render([:]) == "x  y")
        #expect(try TemplateText("{a} } {").render([:]) == "{a} } {")
        #expect(try TemplateText("").segments.isEmpty)
        #expect(try TemplateText("tanpa placeholder").placeholders.isEmpty)
    }

    @Test func malformedTemplatesAreRefused() {
        for bad in ["{{tracking_number", "halo {{}}", "{{ }}", "{{nama-lengkap}}", "{{a b}}", "selesai }} ", "{{nomor}}}}"] {
            #expect(throws: TemplateText.Problem.self, "\(bad)") { try TemplateText(bad) }
        }
    }

    @Test func unknownPlaceholdersAreNamed() throws {
        let text = try TemplateText("{{tracking_number}} {{nik}} {{password}}")
        #expect(text.unknownPlaceholders(allowed: NotificationKind.statusChanged.placeholders) == ["nik", "password"])
        #expect(try TemplateText("{{state}}").unknownPlaceholders(allowed: NotificationKind.statusChanged.placeholders).isEmpty)
        #expect(try TemplateText("{{rung}}").unknownPlaceholders(allowed: NotificationKind.slaWarning.placeholders) == ["rung"])
        #expect(try TemplateText("{{rung}}").unknownPlaceholders(allowed: NotificationKind.slaEscalated.placeholders).isEmpty)
    }

    @Test func everyDefaultTemplateParsesAndUsesOnlyItsPlaceholders() throws {
        for kind in NotificationKind.allCases {
            for language in Language.allCases {
                let text = DefaultTemplates.text(kind, language)
                for part in [text.subject, text.body] {
                    let parsed = try TemplateText(part)
                    #expect(parsed.unknownPlaceholders(allowed: kind.placeholders).isEmpty, "\(kind) \(language): \(part)")
                }
            }
        }
    }

    @Test func lanesAndStateLabels() {
        #expect(NotificationKind.allCases.filter { $0.lane == .bulk } == [.surveyInvitation])
        #expect(StateLabels.label("revision_requested", .indonesian) == "Perlu perbaikan dari Anda")
        #expect(StateLabels.label("completed", .english) == "Completed")
        #expect(StateLabels.label("menunggu_tanda_tangan", .english) == "menunggu tanda tangan", "unknown states read as their code")
    }

    @Test func bookRendersWithFallbacksAndLabels() {
        let book = TemplateBook()
        let intent = Intent(recipient: .person("c1"), kind: .statusChanged,
                            values: ["tracking_number": "MPP-9", "service": "ktp-el", "state_code": "approved"], reference: "MPP-9")
        #expect(book.render(intent, channel: .sms, language: .english) == nil, "an empty book has nothing")
        book.install(TemplateKey(kind: .statusChanged, channel: .inbox, language: .indonesian),
                     CompiledTemplate(version: 1, subject: try? TemplateText("{{tracking_number}}"), body: try! TemplateText("Status: {{state}} ")))
        let fallback = book.render(intent, channel: .sms, language: .english)
        #expect(fallback == RenderedText(version: 1, language: .indonesian, subject: "MPP-9", body: "Status: Disetujui"),
                "inbox, then Indonesian (labels too); trimmed")
        book.install(TemplateKey(kind: .statusChanged, channel: .sms, language: .english),
                     CompiledTemplate(version: 4, subject: nil, body: try! TemplateText("{{tracking_number}}: {{state}}")))
        #expect(book.render(intent, channel: .sms, language: .english) == RenderedText(version: 4, language: .english, subject: nil, body: "MPP-9: Approved"))
        #expect(book.render(intent, channel: .whatsapp, language: .english)?.version == 1, "whatsapp has no template of its own")
    }

    @Test func localTimeByProvince() {
        #expect(LocalTime.format("2026-01-05T10:00:00.000Z", region: "32.73") == "5 Jan 2026 17.00 WIB")
        #expect(LocalTime.format("2026-01-05T10:00:00Z", region: "51.71") == "5 Jan 2026 18.00 WITA")
        #expect(LocalTime.format("2026-01-05T20:30:00.000Z", region: "91.01") == "6 Jan 2026 05.30 WIT")
        #expect(LocalTime.format("kemarin", region: "32.73") == "kemarin")
    }
}
