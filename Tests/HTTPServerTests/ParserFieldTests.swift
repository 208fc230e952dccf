import Testing
@testable import HTTPServer

@Suite struct ParserFieldTests {
    @Test func valuesLoseOptionalWhitespaceOnly() throws {
        let parsed = parse(request(["X-A:  a  b \t", "X-B:", "X-C:\tc", "x-a: second"], method: "GET"))
        let headers = try #require(parsed.requests.first?.headers)
        #expect(headers == ["Host: example", "X-A: a  b", "X-B: ", "X-C: c", "x-a: second"])
    }

    @Test func lookupIgnoresCaseAndKeepsEveryLine() throws {
        var parser = HTTPRequestParser()
        parser.append(Array(request(["X-Token: one", "x-token: two", "Content-Type: text/plain"], method: "GET").utf8))
        let request = try #require(try parser.next())
        #expect(request.headers["X-TOKEN"] == "one")
        #expect(request.headers.values("x-Token") == ["one", "two"])
        #expect(request.headers["content-type"] == "text/plain")
        #expect(request.headers["missing"] == nil)
    }

    @Test func obsTextIsAllowedInValues() throws {
        let parsed = parse(Array("GET / HTTP/1.1\r\nHost: h\r\nX-Name: caf".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8))
        #expect(parsed.requests.first?.headers.last == "X-Name: café")
    }

    @Test(arguments: [
        ("X-A : 1", HTTPRequestError.whitespaceBeforeColon),
        ("X-A\t: 1", .whitespaceBeforeColon),
        ("Host : evil", .whitespaceBeforeColon),
        ("X A: 1", .invalidFieldName),
        ("X(A): 1", .invalidFieldName),
        ("X/A: 1", .invalidFieldName),
        ("X\"A\": 1", .invalidFieldName),
        ("X\0A: 1", .invalidFieldName),
        ("Xé: 1", .invalidFieldName),
        (": no name", .invalidFieldName),
        ("no colon at all", .invalidFieldName),
        ("X-A: a\0b", .invalidFieldValue),
        ("X-A: \0", .invalidFieldValue),
        ("X-A: a\rb", .invalidFieldValue),
        ("X-A: a\u{7F}", .invalidFieldValue),
        ("X-A: a\u{01}b", .invalidFieldValue),
        ("X-A: \u{0B}chunked", .invalidFieldValue),
        ("X-A: a\u{1B}[31m", .invalidFieldValue),
    ])
    func malformedFieldLinesAre400(line: String, expected: HTTPRequestError) {
        let result = error(of: request([line], method: "GET"))
        #expect(result == expected, "\(line.debugDescription) → \(String(describing: result))")
        #expect(result?.status == .badRequest)
    }

    @Test func obsoleteLineFoldingIsRefused() {
        #expect(error(of: request(["X-A: one", " folded"], method: "GET")) == .obsoleteLineFolding)
        #expect(error(of: request(["X-A: one", "\tfolded"], method: "GET")) == .obsoleteLineFolding)
        // Whitespace between the request line and the first field.
        #expect(error(of: "GET / HTTP/1.1\r\n Host: h\r\n\r\n") == .obsoleteLineFolding)
        #expect(error(of: "GET / HTTP/1.1\r\n\tHost: h\r\n\r\n") == .obsoleteLineFolding)
    }

    @Test func headerSectionLimitIs431() {
        let limits = HTTPLimits(maxHeaderBytes: 100)
        // "Host: h\r\n" (9) + "X: " + value + "\r\n" + "\r\n": exactly 100 bytes.
        let value = String(repeating: "v", count: 100 - 9 - 3 - 2 - 2)
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\nX: \(value)\r\n\r\n", limits: limits).requests.count == 1)
        let result = error(of: "GET / HTTP/1.1\r\nHost: h\r\nX: \(value)v\r\n\r\n", limits: limits)
        #expect(result == .headerSectionTooLarge)
        #expect(result?.status == .requestHeaderFieldsTooLarge)
    }

    @Test func hugeHeaderWithoutLineEndIsRefusedEarly() {
        let limits = HTTPLimits(maxHeaderBytes: 1024)
        let parsed = parse("GET / HTTP/1.1\r\nX-Huge: " + String(repeating: "a", count: 2000), limits: limits)
        #expect(parsed.error == .headerSectionTooLarge)
        // The default limit, with a megabyte of one header.
        #expect(error(of: "GET / HTTP/1.1\r\nX-Huge: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n") == .headerSectionTooLarge)
    }

    @Test func headerCountLimitIs431() {
        let limits = HTTPLimits(maxHeaderCount: 10)
        let fields = (1...9).map { "X-\($0): v" }
        #expect(parse(request(fields, method: "GET"), limits: limits).requests.count == 1, "Host and 9 more make 10")
        let result = error(of: request(fields + ["X-10: v"], method: "GET"), limits: limits)
        #expect(result == .tooManyHeaderFields)
        #expect(result?.status == .requestHeaderFieldsTooLarge)
        // Many tiny fields under the byte limit still hit the count.
        #expect(error(of: request((1...500).map { "a\($0):" }, method: "GET")) == .tooManyHeaderFields)
    }

    @Test func hostRules() {
        #expect(error(of: "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == .missingHost)
        #expect(parse("GET / HTTP/1.0\r\n\r\n").requests.count == 1, "HTTP/1.0 needs no Host")
        #expect(error(of: "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") == .duplicateHost)
        #expect(error(of: "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == .duplicateHost)
        #expect(error(of: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == .invalidHost)
        #expect(error(of: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n") == .invalidHost)
        #expect(error(of: "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n") == .invalidHost)
        for host in ["example.com", "127.0.0.1:8080", "[::1]:8080", "gateway", ""] {
            #expect(parse("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n").requests.count == 1, "\(host)")
        }
    }

    @Test func connectionOptions() {
        #expect(parse(request(["Connection: close"], method: "GET")).requests.first?.keepAlive == false)
        #expect(parse(request(["Connection: keep-alive, Close"], method: "GET")).requests.first?.keepAlive == false)
        #expect(parse(request(["Connection: upgrade"], method: "GET")).requests.first?.keepAlive == true)
        #expect(parse("GET / HTTP/1.0\r\nConnection: close, keep-alive\r\n\r\n").requests.first?.keepAlive == false)
        #expect(parse("GET / HTTP/1.0\r\nConnection: foo\r\nConnection: keep-alive\r\n\r\n").requests.first?.keepAlive == true)
    }

    @Test func expectContinue() throws {
        var parser = HTTPRequestParser()
        parser.append(Array(request(["Content-Length: 5", "Expect: 100-Continue"]).utf8))
        let head = try parser.next()
        let first = parser.shouldSendContinue(), second = parser.shouldSendContinue()
        #expect(head == nil)
        #expect(first)
        #expect(!second, "once per request")
        parser.append(Array("hello".utf8))
        let request = try parser.next()
        let after = parser.shouldSendContinue()
        #expect(request?.body == Array("hello".utf8))
        #expect(!after)
    }

    @Test func expectWithoutABodyOrInHTTP10AsksNothing() throws {
        var parser = HTTPRequestParser()
        parser.append(Array(request(["Expect: 100-continue"], method: "GET").utf8))
        let request = try parser.next()
        let asked = parser.shouldSendContinue()
        #expect(request != nil)
        #expect(!asked)
        var old = HTTPRequestParser()
        old.append(Array("POST / HTTP/1.0\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n".utf8))
        let oldHead = try old.next()
        let oldAsked = old.shouldSendContinue()
        #expect(oldHead == nil)
        #expect(!oldAsked, "HTTP/1.0 expectations are ignored")
    }

    @Test func otherExpectationsAre417() {
        #expect(error(of: request(["Expect: 200-ok"], method: "GET")) == .expectationFailed)
        #expect(HTTPRequestError.expectationFailed.status == .expectationFailed)
        #expect(parse("GET / HTTP/1.0\r\nExpect: 200-ok\r\n\r\n").requests.count == 1)
    }
}
