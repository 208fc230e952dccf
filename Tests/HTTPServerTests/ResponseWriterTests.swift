import Testing
@testable import HTTPServer

@Suite struct ResponseWriterTests {
    private func text(_ response: HTTPResponse, keepAlive: Bool = true, version: HTTPVersion = .http1_1, date: String = "") throws -> String {
        String(decoding: try HTTPResponseWriter.head(response, keepAlive: keepAlive, version: version, date: date), as: UTF8.self)
    }

    @Test func statusLineFieldsAndLength() throws {
        let response = HTTPResponse(status: .created, headers: ["Content-Type": "application/json", "Location": "/a/1"], body: Array("{}".utf8))
        #expect(try text(response, date: "Thu, 01 Jan 1970 00:00:00 GMT") == "HTTP/1.1 201 Created\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
            + "Content-Type: application/json\r\nLocation: /a/1\r\nContent-Length: 2\r\n\r\n")
    }

    @Test func connectionFieldFollowsTheServersDecision() throws {
        let response = HTTPResponse(status: .ok)
        #expect(try text(response, keepAlive: false).contains("Connection: close\r\n"))
        #expect(try !text(response, keepAlive: true).contains("Connection:"), "HTTP/1.1 keeps alive by default")
        #expect(try text(response, keepAlive: true, version: .http1_0).contains("Connection: keep-alive\r\n"))
    }

    @Test func serverOwnedFieldsFromTheHandlerAreDropped() throws {
        let response = HTTPResponse(status: .ok, headers: ["Content-Length": "999", "Transfer-Encoding": "chunked",
                                                           "connection": "keep-alive", "Date": "yesterday", "X-Kept": "1"], body: [1, 2, 3])
        let head = try text(response, keepAlive: false, date: "today")
        #expect(head == "HTTP/1.1 200 OK\r\nDate: today\r\nX-Kept: 1\r\nContent-Length: 3\r\nConnection: close\r\n\r\n")
    }

    @Test func noLengthWhereNoContentMayBe() throws {
        #expect(try !text(HTTPResponse(status: .noContent)).contains("Content-Length"))
        #expect(try !text(HTTPResponse(status: .notModified)).contains("Content-Length"))
        #expect(try text(HTTPResponse(status: .ok)).contains("Content-Length: 0\r\n"))
    }

    @Test(arguments: [
        ("X-Evil", "a\r\nSet-Cookie: session=stolen"), ("X-Evil", "a\nb"), ("X-Evil", "a\rb"), ("X-Evil", "a\0b"), ("X-Evil", "\u{7F}"),
        ("X Evil", "v"), ("X-Evil\r\nSet-Cookie", "v"), ("", "v"), ("X:Evil", "v"), ("Ünïcode", "v"),
    ])
    func injectionIsRefused(name: String, value: String) {
        var headers = HTTPHeaders()
        headers.add(name, value)
        #expect(throws: HTTPResponseError.invalidField(name: name)) {
            try HTTPResponseWriter.head(HTTPResponse(status: .ok, headers: headers), keepAlive: true, version: .http1_1, date: "")
        }
    }

    @Test func obsTextAndTabsAreFineInValues() throws {
        #expect(try text(HTTPResponse(status: .ok, headers: ["Content-Disposition": "attachment; filename=\"café.pdf\"\t"])).contains("café"))
    }

    @Test(arguments: [99, 100, 101, 199, 600, 1000, -1])
    func statusesOutsideFinalRangeAreRefused(code: Int) {
        #expect(throws: HTTPResponseError.invalidStatus(code)) {
            try HTTPResponseWriter.head(HTTPResponse(status: HTTPStatus(code)), keepAlive: true, version: .http1_1, date: "")
        }
    }

    @Test func unknownStatusesGetTheirClassAsPhrase() throws {
        #expect(try text(HTTPResponse(status: 299)).hasPrefix("HTTP/1.1 299 Success\r\n"))
        #expect(try text(HTTPResponse(status: 599)).hasPrefix("HTTP/1.1 599 Server Error\r\n"))
        #expect(HTTPStatus.requestHeaderFieldsTooLarge.description == "431 Request Header Fields Too Large")
    }

    @Test func eventStreamHeadHasNoLengthAndCloses() throws {
        let response = HTTPResponse.eventStream(headers: ["X-Trace": "t1", "Cache-Control": "no-store"]) { _ in }
        let head = try text(response, keepAlive: true)
        #expect(head == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Accel-Buffering: no\r\nX-Trace: t1\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n", "a replaced default moves to the end")
        let plain = try text(HTTPResponse.eventStream { _ in })
        #expect(plain.contains("Content-Type: text/event-stream\r\n") && plain.contains("Cache-Control: no-cache\r\n")
            && plain.contains("X-Accel-Buffering: no\r\n"))
    }

    @Test func plainErrorResponse() {
        let response = HTTPResponse.plain(.lengthRequired)
        guard case .bytes(let body) = response.body else { Issue.record("not bytes"); return }
        #expect(String(decoding: body, as: UTF8.self) == "411 Length Required\n")
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
    }
}

@Suite struct HTTPDateTests {
    @Test(arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_767_225_599, "Wed, 31 Dec 2025 23:59:59 GMT"),
        (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),  // 2100 is no leap year
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    ])
    func imfFixdate(seconds: Int, expected: String) {
        #expect(HTTPDate.format(secondsSince1970: seconds) == expected)
    }
}

@Suite struct ListenAddressTests {
    @Test func parses() {
        #expect(HTTPListenAddress("127.0.0.1:8081") == .tcp(host: "127.0.0.1", port: 8081))
        #expect(HTTPListenAddress("[::1]:0") == .tcp(host: "::1", port: 0))
        #expect(HTTPListenAddress("localhost:80") == .tcp(host: "localhost", port: 80))
        #expect(HTTPListenAddress("unix:/run/mpp/gateway.sock") == .unix(path: "/run/mpp/gateway.sock"))
        for bad in ["127.0.0.1", "127.0.0.1:", ":80", "::1:80", "host:65536", "host:-1", "unix:", "1.2.3.4:http"] {
            #expect(HTTPListenAddress(bad) == nil, "\(bad)")
        }
        #expect(HTTPListenAddress.tcp(host: "::1", port: 9).description == "[::1]:9")
        #expect(HTTPListenAddress.unix(path: "/x").description == "unix:/x")
    }
}
