import Testing
@testable import HTTPServer

/// Feeding bytes in any pieces gives the same requests and errors as feeding them at once.
@Suite struct ParserIncrementalTests {
    static let samples: [String] = [
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "\r\nGET /a?b HTTP/1.1\r\nHost: h\r\nX-A:  v \r\n\r\n",
        request(["Content-Length: 11"], body: "hello world") + request([], method: "DELETE", target: "/x"),
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
        request(["Transfer-Encoding: chunked"], body: "5\r\nhello\r\n0\r\n\r\n"),
        request(["Content-Length: 5", "Content-Length: 6"], body: "hello!"),
        "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\nHost: h\n\n",
        "GET http://x/ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nX: \0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX-Partial: still com",
        request(["Content-Length: 20"], body: "not all of it"),
    ]

    @Test(arguments: samples)
    func anySplitGivesTheSameResult(text: String) {
        let whole = parse(text)
        for chunk in [1, 2, 3, 7, 16] {
            #expect(parse(text, chunk: chunk) == whole, "chunk \(chunk): \(text.debugDescription)")
        }
    }

    @Test func limitsHoldTheSameWayByteByByte() {
        let limits = HTTPLimits(maxRequestLineBytes: 32, maxHeaderBytes: 48, maxHeaderCount: 3, maxBodyBytes: 8)
        let cases = [
            "GET /" + String(repeating: "a", count: 40) + " HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + String(repeating: "b", count: 40) + "\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n123456789",
            "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "c", count: 29) + "\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "c", count: 30) + "\r\n\r\n",
        ]
        for text in cases {
            let whole = parse(text, limits: limits)
            #expect(whole.error != nil || whole.requests.count == 1)
            #expect(parse(text, limits: limits, chunk: 1) == whole, "\(text.debugDescription)")
        }
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        let text = (0..<50).map { request(["Content-Length: \(String($0).utf8.count)"], target: "/\($0)", body: "\($0)") }.joined()
        for chunk in [nil, 1, 5, 64] {
            let parsed = parse(text, chunk: chunk)
            #expect(parsed.requests.map(\.target) == (0..<50).map { "/\($0)" })
            #expect(parsed.requests.map { String(decoding: $0.body, as: UTF8.self) } == (0..<50).map { "\($0)" })
            #expect(parsed.idle)
        }
    }

    @Test func aFailedParserStaysFailed() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: h\r\n\r\n".utf8))
        #expect(try parser.next() != nil)
        #expect(throws: HTTPRequestError.chunkedNotAccepted) { try parser.next() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        #expect(throws: HTTPRequestError.chunkedNotAccepted) { try parser.next() }
        #expect(!parser.isIdle)
    }

    @Test func idleAndBufferedBytes() throws {
        var parser = HTTPRequestParser()
        #expect(parser.isIdle)
        parser.append(Array("GET / HT".utf8))
        #expect(try parser.next() == nil)
        #expect(!parser.isIdle)
        #expect(parser.bufferedByteCount == 8)
        parser.append(Array("TP/1.1\r\nHost: h\r\n\r\nGE".utf8))
        #expect(try parser.next() != nil)
        #expect(!parser.isIdle, "the next request has begun")
        #expect(parser.bufferedByteCount == 2)
    }

    @Test func manyPipelinedRequestsParseInLinearTime() throws {
        let one = Array("GET /x HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
        var bytes: [UInt8] = []
        for _ in 0..<20_000 { bytes += one }
        let clock = ContinuousClock()
        var count = 0
        let elapsed = try clock.measure {
            var parser = HTTPRequestParser()
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 65_536)
                parser.append(bytes[offset..<end])
                offset = end
                while try parser.next() != nil { count += 1 }
            }
        }
        #expect(count == 20_000)
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }
}
