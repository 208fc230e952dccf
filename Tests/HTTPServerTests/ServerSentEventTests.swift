import Testing
@testable import HTTPServer

@Suite struct ServerSentEventTests {
    private func text(_ event: ServerSentEvent) -> String { String(decoding: event.encoded, as: UTF8.self) }

    @Test func fieldsInOrderThenTheBlankLine() {
        #expect(text(ServerSentEvent(data: "{\"a\":1}", event: "inbox", id: "42", retry: 5000))
            == "event: inbox\nid: 42\nretry: 5000\ndata: {\"a\":1}\n\n")
        #expect(text(ServerSentEvent(data: "x")) == "data: x\n\n")
    }

    @Test func multiLineDataBecomesOneDataLineEach() {
        #expect(text(ServerSentEvent(data: "one\ntwo\r\nthree\rfour")) == "data: one\ndata: two\ndata: three\ndata: four\n\n")
        #expect(text(ServerSentEvent(data: "a\n")) == "data: a\ndata: \n\n", "a trailing line break survives")
        #expect(text(ServerSentEvent(data: "\n\n")) == "data: \ndata: \ndata: \n\n")
        #expect(text(ServerSentEvent(data: "")) == "data: \n\n")
        #expect(text(ServerSentEvent(data: " leading space")) == "data:  leading space\n\n", "clients strip one space only")
        #expect(text(ServerSentEvent(data: "\r\n\n")) == "data: \ndata: \ndata: \n\n", "CRLF is one break, then LF another")
    }

    @Test func nonASCIIDataIsKeptWhole() {
        #expect(text(ServerSentEvent(data: "Pemohon: Siti 👩🏽‍💼\nstatus: disetujui ✓")) == "data: Pemohon: Siti 👩🏽‍💼\ndata: status: disetujui ✓\n\n")
    }

    @Test func oneLineFieldsCannotInjectLines() {
        let event = ServerSentEvent(data: "d", event: "x\ndata: injected", id: "1\r\n\0event: evil")
        #expect(text(event) == "event: xdata: injected\nid: 1event: evil\ndata: d\n\n")
    }

    @Test func commentsAndHeartbeat() {
        #expect(String(decoding: ServerSentEvent.heartbeat, as: UTF8.self) == ": ping\n\n")
        #expect(String(decoding: ServerSentEvent.comment("a\nb"), as: UTF8.self) == ": a\n: b\n\n")
    }

    /// Reads encoded events back the way a browser's EventSource does (WHATWG §9.2.6).
    @Test(arguments: ["plain", "two\nlines", "crlf\r\nlines", "cr\ronly", "trailing\n", "\nleading", "a:b: c", ""])
    func clientsReadBackWhatWasSent(data: String) {
        let bytes = ServerSentEvent(data: data, event: "e").encoded
        var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        #expect(lines.removeLast() == "" && lines.removeLast() == "", "ends with a blank line")
        var received: [String] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            if line[..<colon] == "data" { received.append(String(value)) }
        }
        let expected = data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        #expect(received.joined(separator: "\n") == expected)
    }
}
