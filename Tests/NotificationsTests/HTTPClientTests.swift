import Foundation
import Notifications
@testable import NotifyWorker
import Testing

/// The worker's HTTP pieces: addresses, the response reader, signatures, status classification,
/// and the client against a real local receiver.
@Suite struct HTTPClientTests {
    @Test func addresses() {
        let gateway = HTTPAddress("http://gateway.local:8080/sms?x=1")
        #expect(gateway?.host == "gateway.local" && gateway?.port == 8080 && gateway?.target == "/sms?x=1" && gateway?.hostHeader == "gateway.local:8080")
        let plain = HTTPAddress("HTTP://10.0.0.1")
        #expect(plain?.host == "10.0.0.1" && plain?.port == 80 && plain?.target == "/" && plain?.hostHeader == "10.0.0.1")
        #expect(HTTPAddress("http://[::1]:9000/h")?.host == "::1")
        for bad in ["https://x/y", "ftp://x", "http://", "http://:80/", "http://x:0/", "http://x:99999/", "http://u:p@x/"] {
            #expect(HTTPAddress(bad) == nil, "\(bad)")
        }
    }

    func parse(_ text: String, closed: Bool = false) throws -> HTTPResponseReader.Progress {
        try HTTPResponseReader.parse(Array(text.utf8), closed: closed)
    }

    /// Issue 14 finding 1: a gateway's chunk size near Int.max overflowed the reader's arithmetic.
    @Test(arguments: ["7fffffffffffffff", "7ffffffffffffffe", "fffffffffffffff", "1000001"])
    func hugeChunkSizesAreMalformedNotFatal(size: String) throws {
        #expect(throws: TransportFailure.self) {
            try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\nabc")
        }
        #expect(throws: TransportFailure.self) { try parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\nabc") }
    }

    @Test func readsContentLengthChunkedAndUntilClose() throws {
        guard case .done(let response, let used) = try parse("HTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-A: 1\r\n\r\nokEXTRA") else {
            Issue.record("not done"); return
        }
        #expect(response.status == 201 && response.body == Array("ok".utf8) && response.headers["x-a"] == "1" && response.keepAlive && used == 53)
        #expect(try parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab") == .needMore)
        #expect(try parse("HTTP/1.1 200 OK\r\nContent-Le") == .needMore)
        let chunked = "HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n"
        guard case .done(let body, _) = try parse(chunked) else { Issue.record("chunked not done"); return }
        #expect(body.status == 500 && String(decoding: body.body, as: UTF8.self) == "Wikipedia")
        #expect(try parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWi") == .needMore)
        #expect(try parse("HTTP/1.0 200 OK\r\n\r\nstream") == .untilClose)
        guard case .done(let closed, _) = try parse("HTTP/1.0 200 OK\r\n\r\nstream", closed: true) else { Issue.record("close"); return }
        #expect(closed.body == Array("stream".utf8) && !closed.keepAlive)
        guard case .done(let noContent, _) = try parse("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n") else { Issue.record("204"); return }
        #expect(noContent.body.isEmpty && !noContent.keepAlive)
    }

    @Test func refusesMalformedResponses() {
        for bad in ["SMTP 200 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"] {
            #expect(throws: TransportFailure.self, "\(bad)") { try parse(bad) }
        }
        #expect(throws: TransportFailure.self) { try parse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", closed: true) }
        #expect(throws: TransportFailure.self) { try parse("", closed: true) }
    }

    @Test func statusesMapToOutcomes() {
        func outcome(_ status: Int) -> DeliveryResult.Outcome {
            WebhookChannel.classify(HTTPResponse(status: status, headers: [:], body: Array("no".utf8), keepAlive: true)).outcome
        }
        #expect([200, 201, 204, 299].map(outcome).allSatisfy { $0 == .delivered })
        #expect([500, 502, 503, 504, 408, 429].map(outcome).allSatisfy { $0 == .temporaryFailure })
        #expect([400, 401, 403, 404, 410, 422, 301, 302].map(outcome).allSatisfy { $0 == .permanentFailure })
        #expect(WebhookChannel.classify(HTTPResponse(status: 503, headers: [:], body: Array("sibuk".utf8), keepAlive: true)).detail == "HTTP 503: sibuk")
    }

    @Test func signatureIsHMACSHA256() {
        // RFC 4231 test case 2.
        #expect(WebhookChannel.signature(Array("what do ya want for nothing?".utf8), secret: Array("Jefe".utf8))
                == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func postsOverKeepAliveAndTimesOut() async throws {
        let receiver = try HTTPReceiver(script: [.status(200), .status(503), .hold])
        defer { receiver.stop() }
        let client = HTTPClient()
        let address = try #require(HTTPAddress(receiver.url))
        let first = try await client.post(address, headers: [("X-A", "1")], body: Array("{}".utf8), timeout: .seconds(5))
        let second = try await client.post(address, headers: [], body: Array("[1]".utf8), timeout: .seconds(5))
        #expect(first.status == 200 && second.status == 503)
        let started = ContinuousClock.now
        await #expect(throws: TransportFailure.self) {
            try await client.post(address, headers: [], body: [], timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(receiver.requests.map { String(decoding: $0.body, as: UTF8.self) } == ["{}", "[1]", ""])
        #expect(receiver.requests.first?.headers["x-a"] == "1" && receiver.requests.first?.path == "/hook")
        receiver.release()

        // Nothing listening: a connection failure, quickly.
        let closed = try #require(HTTPAddress("http://127.0.0.1:1/x"))
        await #expect(throws: TransportFailure.self) { try await client.post(closed, headers: [], body: [], timeout: .seconds(2)) }
    }

    @Test func sendmailMessageAndMissingBinary() async {
        let job = ClaimedJob(job: 7, lease: "l", attempt: 1, lane: .transactional, channel: "sendmail", medium: "email", to: "warga@example.id",
                            recipient: "c", language: "id", subject: "Status diperbarui ✓", body: "Isi", event_type: "application.status_changed",
                            event_id: "applications-1", reference: "MPP-1", created_at: "")
        let message = String(decoding: SendmailChannel.message(job, from: "noreply@mpp.go.id"), as: UTF8.self)
        #expect(message.hasPrefix("From: noreply@mpp.go.id\r\nTo: warga@example.id\r\nSubject: =?UTF-8?B?"))
        #expect(message.contains("X-MPP-Notification-Id: 7\r\n") && message.hasSuffix("\r\n\r\nIsi\r\n"))
        let missing = await SendmailChannel(path: "/nonexistent/sendmail").deliver(job)
        #expect(missing.outcome == .permanentFailure && missing.detail.contains("no sendmail binary"))
        let fake = await SendmailChannel(path: "/bin/true").deliver(job)
        #expect(fake.outcome == .delivered)
        let failing = await SendmailChannel(path: "/bin/false").deliver(job)
        #expect(failing.outcome == .permanentFailure && failing.detail == "sendmail exited 1")
    }
}
