import Support
import Testing

@Suite struct TextCheckTests {
    @Test func freeText() {
        #expect(TextCheck.problem("Kantor Kecamatan Cibadak", maxLength: 200) == nil)
        #expect(TextCheck.problem("Ibu kota — Jl. Merdeka 😀", maxLength: 200) == nil)
        #expect(TextCheck.problem(String(repeating: "é", count: 200), maxLength: 200) == nil, "characters, not bytes")
        #expect(TextCheck.problem(String(repeating: "x", count: 60_000), maxLength: 200)?.contains("at most 200") == true)
        for bad in ["a\u{0}b", "\u{1B}[31m", "tab\there", "line\nbreak", "del\u{7F}", "c1\u{85}"] {
            #expect(TextCheck.problem(bad, maxLength: 200)?.contains("control") == true, "\(bad.debugDescription)")
        }
        #expect(TextCheck.problem("line\nbreak\twith tab\r\n", maxLength: 200, multiline: true) == nil)
        #expect(TextCheck.problem("still no \u{0}", maxLength: 200, multiline: true) != nil)
    }

    @Test func names() {
        #expect(TextCheck.nameProblem("identity-mpp1.4711", maxLength: 128) == nil)
        #expect(TextCheck.nameProblem("tcp://127.0.0.1:7700", maxLength: 256) == nil)
        for bad in ["", "has space", "nul\u{0}", "é", "bell\u{7}", "del\u{7F}", String(repeating: "n", count: 129)] {
            #expect(TextCheck.nameProblem(bad, maxLength: 128) != nil, "\(bad.debugDescription)")
        }
    }
}
