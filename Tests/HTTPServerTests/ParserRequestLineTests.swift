import Testing
@testable import HTTPServer

@Suite struct ParserRequestLineTests {
    @Test func simpleGet() throws {
        let parsed = parse("GET /api/v1/track/ABC?x=1&y=%20z HTTP/1.1\r\nHost: gateway\r\nAccept: */*\r\n\r\n")
        #expect(parsed.error == nil)
        let request = try #require(parsed.requests.first)
        #expect(request.method == "GET")
        #expect(request.target == "/api/v1/track/ABC?x=1&y=%20z")
        #expect(request.version == .http1_1)
        #expect(request.headers == ["Host: gateway", "Accept: */*"])
        #expect(request.body.isEmpty)
        #expect(request.keepAlive)
        #expect(parsed.idle)
    }

    @Test func pathAndQuery() {
        let request = HTTPRequest(method: "GET", target: "/a/b?c=d?e")
        #expect(request.path == "/a/b")
        #expect(request.query == "c=d?e")
        #expect(HTTPRequest(method: "GET", target: "/a").query == nil)
        #expect(HTTPRequest(method: "GET", target: "/a?").query == "")
    }

    @Test(arguments: ["PATCH", "DELETE", "M-SEARCH", "get", "X_CUSTOM~1", "OPTIONS"])
    func anyTokenIsAMethod(method: String) {
        #expect(parse("\(method) / HTTP/1.1\r\nHost: h\r\n\r\n").requests.first?.method == method)
    }

    @Test(arguments: ["G(T", "GE\"T", "G\u{7F}T", "G\0T", "GET\t", "[GET]", "GÉT"])
    func methodOutsideTokenIsRefused(method: String) {
        #expect(error(of: "\(method) / HTTP/1.1\r\nHost: h\r\n\r\n") == .invalidMethod)
    }

    @Test(arguments: [
        "/", "/a/b/c", "/a?b=c&d=e", "/%41%2f%7E", "/~user/x;y=1,2", "/a:b@c!$&'()*+,;=", "/?q=a/b?c", "//double",
    ])
    func originFormTargets(target: String) {
        #expect(parse("GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n").requests.first?.target == target)
    }

    @Test(arguments: [
        "http://example.com/", "https://example.com/a", "example.com:443", "*", "a/b", "", "/a#fragment", "/a b",
        "/%zz", "/%4", "/%", "/a\\b", "/\"q\"", "/<x>", "/{x}", "/a|b", "/a^b", "/a`b", "/é", "/a\u{7F}", "/a\0b",
    ])
    func targetsOutsideOriginFormAreRefused(target: String) {
        let result = error(of: "GET \(target) HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(result == .invalidTarget || result == .invalidRequestLine, "\(target.debugDescription) → \(String(describing: result))")
    }

    @Test func absoluteFormIsRefusedWith400() {
        #expect(error(of: "GET http://evil.example/admin HTTP/1.1\r\nHost: gateway\r\n\r\n") == .invalidTarget)
        #expect(HTTPRequestError.invalidTarget.status == .badRequest)
    }

    @Test func http10DefaultsToClose() throws {
        let parsed = parse("GET / HTTP/1.0\r\n\r\n")
        let request = try #require(parsed.requests.first)
        #expect(request.version == .http1_0)
        #expect(!request.keepAlive, "HTTP/1.0 closes unless it asks for keep-alive")
        #expect(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").requests.first?.keepAlive == true)
    }

    @Test(arguments: ["HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0", "HTTP/9.9"])
    func otherVersionsAre505(version: String) {
        let result = error(of: "GET / \(version)\r\nHost: h\r\n\r\n")
        #expect(result == .versionNotSupported)
        #expect(result?.status == .httpVersionNotSupported)
    }

    @Test(arguments: ["http/1.1", "HTTP/1.10", "HTTP/1", "HTTP/1.", "HTTP/11", "HTTP 1.1", "HTTPS/1.1", "HTTP/1.1\r", "HTTP/a.b", "", "HTTP/1.1\0"])
    func malformedVersionsAre400(version: String) {
        let result = error(of: "GET / \(version)\r\nHost: h\r\n\r\n")
        #expect(result == .invalidVersion || result == .bareLineFeed, "\(version.debugDescription) → \(String(describing: result))")
        #expect(result?.status == .badRequest)
    }

    @Test(arguments: [
        "GET /", "GET", "/ HTTP/1.1", "GET  / HTTP/1.1", "GET /  HTTP/1.1", " GET / HTTP/1.1", "GET\t/\tHTTP/1.1", "GET / HTTP/1.1 extra",
    ])
    func malformedRequestLinesAre400(line: String) {
        let result = error(of: "\(line)\r\nHost: h\r\n\r\n")
        #expect(result != nil, "\(line.debugDescription) parsed")
        #expect(result?.status == .badRequest, "\(line.debugDescription) → \(String(describing: result))")
    }

    @Test func emptyLinesBeforeTheRequestLineAreIgnored() {
        let parsed = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(parsed.requests.map(\.target) == ["/"])
        #expect(parsed.error == nil)
    }

    @Test func bareLineFeedsAreRefused() {
        #expect(error(of: "GET / HTTP/1.1\nHost: h\r\n\r\n") == .bareLineFeed)
        #expect(error(of: "GET / HTTP/1.1\r\nHost: h\n\r\n") == .bareLineFeed)
        #expect(error(of: "GET / HTTP/1.1\r\nHost: h\r\n\n") == .bareLineFeed)
        #expect(error(of: "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == .bareLineFeed)
    }

    @Test func bareCarriageReturnsAreRefused() {
        #expect(error(of: "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n")?.status == .badRequest)
        #expect(error(of: "GET / HTTP/1.1\r\nHost: h\rX-Smuggle: 1\r\n\r\n") == .invalidFieldValue)
    }

    @Test func requestLineLimitIs414() {
        let limits = HTTPLimits(maxRequestLineBytes: 64)
        let fits = "GET /" + String(repeating: "a", count: 64 - 16) + " HTTP/1.1\r\n"
        #expect(fits.utf8.count == 64)
        #expect(parse(fits + "Host: h\r\n\r\n", limits: limits).requests.count == 1)
        let tooLong = "GET /" + String(repeating: "a", count: 64 - 15) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(error(of: tooLong, limits: limits) == .requestLineTooLong)
        #expect(HTTPRequestError.requestLineTooLong.status == .uriTooLong)
        // Without a line end at all: refused as soon as the limit passes, not when memory runs out.
        #expect(parse(String(repeating: "A", count: 65), limits: limits).error == .requestLineTooLong)
        #expect(parse(String(repeating: "A", count: 64), limits: limits).error == nil)
    }

    @Test func endlessEmptyLinesCountTowardsTheRequestLineLimit() {
        let limits = HTTPLimits(maxRequestLineBytes: 64)
        #expect(parse(String(repeating: "\r\n", count: 40), limits: limits).error == .requestLineTooLong)
    }
}
