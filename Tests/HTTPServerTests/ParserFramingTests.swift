import Testing
@testable import HTTPServer

/// Request-smuggling shapes: every way two parsers could disagree on where a body ends.
@Suite struct ParserFramingTests {
    static let smuggling: [(fields: [String], expected: HTTPRequestError)] = [
        (["Transfer-Encoding: chunked"], .chunkedNotAccepted),
        (["Transfer-Encoding: CHUNKED"], .chunkedNotAccepted),
        (["Transfer-Encoding:  chunked"], .chunkedNotAccepted),
        (["Transfer-Encoding:\tchunked\t"], .chunkedNotAccepted),
        (["transfer-encoding: Chunked"], .chunkedNotAccepted),
        (["Transfer-Encoding: chunked,"], .chunkedNotAccepted),
        (["Transfer-Encoding: identity"], .transferCodingNotImplemented),
        (["Transfer-Encoding: gzip"], .transferCodingNotImplemented),
        (["Transfer-Encoding: gzip, chunked"], .transferCodingNotImplemented),
        (["Transfer-Encoding: xchunked"], .transferCodingNotImplemented),
        (["Transfer-Encoding: chunkedx"], .transferCodingNotImplemented),
        (["Transfer-Encoding: chunked, identity"], .invalidTransferEncoding),
        (["Transfer-Encoding: chunked, gzip"], .invalidTransferEncoding),
        (["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], .invalidTransferEncoding),
        (["Transfer-Encoding: chunked, chunked"], .invalidTransferEncoding),
        (["Transfer-Encoding: chunked", "Transfer-Encoding: identity"], .invalidTransferEncoding),
        (["Transfer-Encoding:"], .invalidTransferEncoding),
        (["Transfer-Encoding: ,"], .invalidTransferEncoding),
        (["Transfer-Encoding: \"chunked\""], .invalidTransferEncoding),
        (["Transfer-Encoding: chunked;q=1"], .invalidTransferEncoding),
        (["Transfer-Encoding : chunked"], .whitespaceBeforeColon),
        (["Transfer-Encoding\t: chunked"], .whitespaceBeforeColon),
        (["Transfer_Encoding: chunked", "Transfer-Encoding : chunked"], .whitespaceBeforeColon),
        (["X: 1", " Transfer-Encoding: chunked"], .obsoleteLineFolding),
        (["Transfer-Encoding:", " chunked"], .obsoleteLineFolding),
        (["Transfer-Encoding: \u{0B}chunked"], .invalidFieldValue),
        (["Transfer-Encoding: chunked\0"], .invalidFieldValue),
        (["Transfer-Encoding: chunked", "Content-Length: 5"], .contentLengthWithTransferEncoding),
        (["Content-Length: 5", "Transfer-Encoding: chunked"], .contentLengthWithTransferEncoding),
        (["Content-Length: 5", "Transfer-Encoding: identity"], .contentLengthWithTransferEncoding),
        (["Content-Length: 0", "Transfer-Encoding: chunked, identity"], .contentLengthWithTransferEncoding),
        (["Content-Length: 5, 6"], .invalidContentLength),
        (["Content-Length: 5, 5"], .invalidContentLength),
        (["Content-Length: 5,5"], .invalidContentLength),
        (["Content-Length: 5", "Content-Length: 6"], .duplicateContentLength),
        (["Content-Length: 5", "Content-Length: 5"], .duplicateContentLength),
        (["Content-Length: 5", "content-length: 5"], .duplicateContentLength),
        (["Content-Length: +5"], .invalidContentLength),
        (["Content-Length: -1"], .invalidContentLength),
        (["Content-Length: 0x10"], .invalidContentLength),
        (["Content-Length: 5 5"], .invalidContentLength),
        (["Content-Length: 1e3"], .invalidContentLength),
        (["Content-Length: 5.0"], .invalidContentLength),
        (["Content-Length:"], .invalidContentLength),
        (["Content-Length: five"], .invalidContentLength),
        (["Content-Length: ５"], .invalidContentLength),
        (["Content-Length: \"5\""], .invalidContentLength),
        (["Content-Length : 5"], .whitespaceBeforeColon),
        (["Content-Length: 5\0"], .invalidFieldValue),
        (["Content-Length: 99999999999999999999999999999"], .bodyTooLarge),
        (["Content-Length: 9223372036854775807"], .bodyTooLarge),
        (["Content-Length: 9223372036854775808"], .bodyTooLarge),
        (["Content-Length: 18446744073709551616"], .bodyTooLarge),
        (["Content-Length: 1048577"], .bodyTooLarge),
    ]

    @Test(arguments: smuggling)
    func smugglingShapesAreRefused(fields: [String], expected: HTTPRequestError) {
        let text = request(fields, body: "hello")
        let result = parse(text)
        #expect(result.requests.isEmpty, "\(fields)")
        #expect(result.error == expected, "\(fields) → \(result)")
        // And the same, a byte at a time.
        #expect(parse(text, chunk: 1).error == expected, "\(fields) fed byte by byte")
    }

    @Test func statusesOfTheFramingRules() {
        #expect(HTTPRequestError.chunkedNotAccepted.status == .lengthRequired)
        #expect(HTTPRequestError.transferCodingNotImplemented.status == .notImplemented)
        #expect(HTTPRequestError.contentLengthWithTransferEncoding.status == .badRequest)
        #expect(HTTPRequestError.invalidTransferEncoding.status == .badRequest)
        #expect(HTTPRequestError.duplicateContentLength.status == .badRequest)
        #expect(HTTPRequestError.invalidContentLength.status == .badRequest)
        #expect(HTTPRequestError.bodyTooLarge.status == .contentTooLarge)
    }

    @Test func transferEncodingInHTTP10IsRefused() {
        #expect(error(of: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == .invalidTransferEncoding)
    }

    @Test func contentLengthFramesTheBody() throws {
        let parsed = parse(request(["Content-Length: 5"], body: "helloGET /next HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(parsed.error == nil)
        #expect(parsed.requests.map(\.target) == ["/", "/next"])
        #expect(parsed.requests.first?.body == Array("hello".utf8))
        #expect(parsed.requests.last?.body == [])
    }

    @Test func leadingZerosAreDigitsToo() {
        let parsed = parse(request(["Content-Length: 000000000000000000000000000005"], body: "hello"))
        #expect(parsed.requests.first?.body == Array("hello".utf8))
    }

    @Test func bodyLimitIsInclusive() {
        let limits = HTTPLimits(maxBodyBytes: 10)
        #expect(parse(request(["Content-Length: 10"], body: "0123456789"), limits: limits).requests.count == 1)
        #expect(error(of: request(["Content-Length: 11"], body: "0123456789a"), limits: limits) == .bodyTooLarge)
    }

    @Test func tooLargeIsRefusedBeforeTheBodyArrives() {
        // The head alone is enough to refuse: the server answers 413 without reading a gigabyte.
        let parsed = parse(request(["Content-Length: 1073741824"]))
        #expect(parsed.error == .bodyTooLarge)
    }

    @Test func bodyWaitsForEveryByte() throws {
        var parser = HTTPRequestParser()
        parser.append(Array(request(["Content-Length: 10"], body: "01234").utf8))
        #expect(try parser.next() == nil)
        #expect(!parser.isIdle)
        parser.append(Array("56789".utf8))
        #expect(try parser.next()?.body == Array("0123456789".utf8))
        #expect(parser.isIdle)
    }

    @Test func getWithABodyKeepsIt() {
        #expect(parse(request(["Content-Length: 2"], method: "GET", body: "{}")).requests.first?.body == Array("{}".utf8))
    }
}
