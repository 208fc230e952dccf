/// The head of the request being parsed: its request line, the fields so far, and what they
/// say about framing. Each completed line goes through here once; `bodyLength` decides at the
/// blank line (RFC 9112 §6.3, with the gateway's rule: `Content-Length` bodies only).
struct RequestHead {
    private(set) var method = ""
    private(set) var target = ""
    private(set) var version = HTTPVersion.http1_1
    private(set) var headers = HTTPHeaders()
    private var contentLength = ContentLength.absent
    /// The transfer codings of every `Transfer-Encoding` line, lower-cased; nil without one.
    private var transferCodings: [String]?
    private var hasHost = false
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var expectsContinueField = false
    private var unsupportedExpectation = false

    private enum ContentLength {
        case absent
        case value(Int)
        case tooLarge
    }

    init() {}

    /// `method SP request-target SP HTTP-version`, single spaces, origin-form target.
    init(requestLine line: ArraySlice<UInt8>) throws(HTTPRequestError) {
        guard let firstSpace = line.firstIndex(of: HTTPSyntax.space), let lastSpace = line.lastIndex(of: HTTPSyntax.space),
              firstSpace < lastSpace else { throw .invalidRequestLine }
        let methodBytes = line[..<firstSpace]
        let targetBytes = line[(firstSpace + 1)..<lastSpace]
        let versionBytes = line[(lastSpace + 1)...]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(HTTPSyntax.isToken) else { throw .invalidMethod }
        version = try Self.version(versionBytes)
        guard HTTPSyntax.isOriginForm(targetBytes) else { throw .invalidTarget }
        method = String(decoding: methodBytes, as: UTF8.self)
        target = String(decoding: targetBytes, as: UTF8.self)
    }

    private static func version(_ bytes: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPVersion {
        if bytes.elementsEqual("HTTP/1.1".utf8) { return .http1_1 }
        if bytes.elementsEqual("HTTP/1.0".utf8) { return .http1_0 }
        let wellFormed = bytes.count == 8 && bytes.prefix(5).elementsEqual("HTTP/".utf8)
            && HTTPSyntax.isDigit(bytes[bytes.startIndex + 5]) && bytes[bytes.startIndex + 6] == UInt8(ascii: ".")
            && HTTPSyntax.isDigit(bytes[bytes.startIndex + 7])
        throw wellFormed ? .versionNotSupported : .invalidVersion
    }

    /// One field line without its CRLF: `field-name ":" OWS field-value OWS`.
    mutating func addField(_ line: ArraySlice<UInt8>, maxBodyBytes: Int) throws(HTTPRequestError) {
        guard let first = line.first, !HTTPSyntax.isWhitespace(first) else { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: HTTPSyntax.colon) else { throw .invalidFieldName }
        let name = line[..<colon]
        guard let last = name.last else { throw .invalidFieldName }
        guard !HTTPSyntax.isWhitespace(last) else { throw .whitespaceBeforeColon }
        guard name.allSatisfy(HTTPSyntax.isToken) else { throw .invalidFieldName }
        let value = HTTPSyntax.trimmed(line[(colon + 1)...])
        guard value.allSatisfy(HTTPSyntax.isFieldValue) else { throw .invalidFieldValue }
        try interpret(name: name, value: value, maxBodyBytes: maxBodyBytes)
        headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// The fields that decide framing, connection reuse and expectations.
    private mutating func interpret(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>, maxBodyBytes: Int) throws(HTTPRequestError) {
        if HTTPSyntax.equalsIgnoringCase(name, "content-length") {
            guard case .absent = contentLength else { throw .duplicateContentLength }
            contentLength = try Self.contentLength(value, maximum: maxBodyBytes)
        } else if HTTPSyntax.equalsIgnoringCase(name, "transfer-encoding") {
            var codings = transferCodings ?? []
            for element in HTTPSyntax.listElements(value) {
                guard element.allSatisfy(HTTPSyntax.isToken) else { throw .invalidTransferEncoding }
                codings.append(String(decoding: element.map(HTTPSyntax.lowercased), as: UTF8.self))
            }
            transferCodings = codings
        } else if HTTPSyntax.equalsIgnoringCase(name, "host") {
            guard !hasHost else { throw .duplicateHost }
            guard HTTPSyntax.isHostValue(value) else { throw .invalidHost }
            hasHost = true
        } else if HTTPSyntax.equalsIgnoringCase(name, "connection") {
            for option in HTTPSyntax.listElements(value) {
                if HTTPSyntax.equalsIgnoringCase(option, "close") { connectionClose = true }
                if HTTPSyntax.equalsIgnoringCase(option, "keep-alive") { connectionKeepAlive = true }
            }
        } else if HTTPSyntax.equalsIgnoringCase(name, "expect") {
            if HTTPSyntax.equalsIgnoringCase(value, "100-continue") { expectsContinueField = true } else { unsupportedExpectation = true }
        }
    }

    /// `1*DIGIT` and nothing else: no sign, list, space or hex. Past the limit (or past Int) is
    /// `tooLarge`, decided at the blank line so that a smuggling shape still answers 400.
    private static func contentLength(_ value: ArraySlice<UInt8>, maximum: Int) throws(HTTPRequestError) -> ContentLength {
        guard !value.isEmpty, value.allSatisfy(HTTPSyntax.isDigit) else { throw .invalidContentLength }
        var length = 0
        for digit in value {
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !overflow1, !overflow2, sum <= maximum else { return .tooLarge }
            length = sum
        }
        return .value(length)
    }

    /// At the blank line: the body's length, or why the request cannot be framed.
    func bodyLength() throws(HTTPRequestError) -> Int {
        if version == .http1_1 && !hasHost { throw .missingHost }
        if let codings = transferCodings {
            if case .absent = contentLength {} else { throw .contentLengthWithTransferEncoding }
            let chunked = codings.filter { $0 == "chunked" }.count
            guard version == .http1_1, !codings.isEmpty, chunked <= 1, chunked == 0 || codings.last == "chunked" else {
                throw .invalidTransferEncoding
            }
            throw codings == ["chunked"] ? .chunkedNotAccepted : .transferCodingNotImplemented
        }
        if unsupportedExpectation && version == .http1_1 { throw .expectationFailed }
        switch contentLength {
        case .absent: return 0
        case .value(let length): return length
        case .tooLarge: throw .bodyTooLarge
        }
    }

    /// Whether the client waits for `100 Continue` before sending its body (never in HTTP/1.0).
    var expectsContinue: Bool { expectsContinueField && version == .http1_1 }

    var keepAlive: Bool { version == .http1_1 ? !connectionClose : connectionKeepAlive && !connectionClose }

    func request(body: [UInt8]) -> HTTPRequest {
        HTTPRequest(method: method, target: target, version: version, headers: headers, body: body, keepAlive: keepAlive)
    }
}
