/// How much of a request the parser accepts.
public struct HTTPLimits: Sendable, Equatable {
    /// The request line with its CRLF (and any empty lines before it). Past it: 414.
    public var maxRequestLineBytes: Int
    /// The field lines with their CRLFs and the blank line. Past it: 431.
    public var maxHeaderBytes: Int
    /// Field lines. Past it: 431.
    public var maxHeaderCount: Int
    /// `Content-Length`. Past it: 413.
    public var maxBodyBytes: Int

    public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 1024 * 1024) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// A strict, incremental HTTP/1.1 request parser (RFC 9112): bytes in, complete requests out in
/// order, or one `HTTPRequestError`. Pure: no sockets, no clock. It never scans a byte twice, so
/// feeding one byte at a time costs what feeding everything at once does, and the result is the same.
///
/// After an error it stays failed (every `next()` throws it again): the connection must be closed.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    /// First byte of the request being parsed (empty lines before its request line included).
    private var requestStart = 0
    /// First byte of the line being read, or of the body once the head is complete.
    private var lineStart = 0
    /// Where the search for the current line's LF resumes.
    private var scanned = 0
    private var fieldsStart = 0
    private var fieldCount = 0
    private var state = State.requestLine
    private var head = RequestHead()
    private var continueState = ContinueState.none
    private var failure: HTTPRequestError?

    private enum State {
        case requestLine
        case fields
        case body(length: Int)
    }

    private enum ContinueState {
        case none, wanted, sent
    }

    /// A parser for one connection's bytes.
    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    /// Adds received bytes (ignored once the parser has failed).
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete request, nil while more bytes are needed.
    public mutating func next() throws(HTTPRequestError) -> HTTPRequest? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            buffer = []
            throw error
        }
    }

    /// Whether nothing of a next request has arrived (a keep-alive connection at rest).
    public var isIdle: Bool { failure == nil && buffer.count == requestStart }

    /// Bytes received and not yet returned as a request.
    public var bufferedByteCount: Int { buffer.count - requestStart }

    /// True once per request whose client sent `Expect: 100-continue` and waits for the body:
    /// the server then writes `HTTP/1.1 100 Continue` (if no earlier response is still due).
    public mutating func shouldSendContinue() -> Bool {
        guard continueState == .wanted, case .body = state else { return false }
        continueState = .sent
        return true
    }

    private mutating func step() throws(HTTPRequestError) -> HTTPRequest? {
        while true {
            switch state {
            case .requestLine:
                guard let lineFeed = findLineFeed() else {
                    if buffer.count - requestStart > limits.maxRequestLineBytes { throw .requestLineTooLong }
                    return nil
                }
                if lineFeed + 1 - requestStart > limits.maxRequestLineBytes { throw .requestLineTooLong }
                let line = try completeLine(endingAt: lineFeed)
                if line.isEmpty { continue }  // RFC 9112 §2.2: empty lines before a request line are ignored
                head = try RequestHead(requestLine: line)
                fieldsStart = lineStart
                state = .fields
            case .fields:
                guard let lineFeed = findLineFeed() else {
                    if buffer.count - fieldsStart > limits.maxHeaderBytes { throw .headerSectionTooLarge }
                    return nil
                }
                if lineFeed + 1 - fieldsStart > limits.maxHeaderBytes { throw .headerSectionTooLarge }
                let line = try completeLine(endingAt: lineFeed)
                if line.isEmpty {
                    let length = try head.bodyLength()
                    if length == 0 { return finishRequest(bodyLength: 0) }
                    state = .body(length: length)
                    continueState = head.expectsContinue ? .wanted : .none
                    continue
                }
                fieldCount += 1
                if fieldCount > limits.maxHeaderCount { throw .tooManyHeaderFields }
                try head.addField(line, maxBodyBytes: limits.maxBodyBytes)
            case .body(let length):
                guard buffer.count - lineStart >= length else { return nil }
                return finishRequest(bodyLength: length)
            }
        }
    }

    /// The index of the next LF of the current line, searching only bytes not searched before.
    private mutating func findLineFeed() -> Int? {
        let from = max(scanned, lineStart)
        let found = buffer.withUnsafeBufferPointer { bytes -> Int? in
            var index = from
            while index < bytes.count {
                if bytes[index] == HTTPSyntax.lf { return index }
                index += 1
            }
            return nil
        }
        scanned = found ?? buffer.count
        return found
    }

    /// The current line without its CRLF; a LF without CR before it is refused.
    private mutating func completeLine(endingAt lineFeed: Int) throws(HTTPRequestError) -> ArraySlice<UInt8> {
        guard lineFeed > lineStart, buffer[lineFeed - 1] == HTTPSyntax.cr else { throw .bareLineFeed }
        let line = buffer[lineStart..<(lineFeed - 1)]
        lineStart = lineFeed + 1
        scanned = lineStart
        return line
    }

    private mutating func finishRequest(bodyLength: Int) -> HTTPRequest {
        let body = bodyLength == 0 ? [] : Array(buffer[lineStart..<(lineStart + bodyLength)])
        let request = head.request(body: body)
        lineStart += bodyLength
        requestStart = lineStart
        scanned = lineStart
        fieldCount = 0
        state = .requestLine
        head = RequestHead()
        continueState = .none
        compact()
        return request
    }

    /// Frees what was consumed: all of it when the buffer is used up (an idle connection holds no
    /// buffer), else the consumed front once it is large, so pipelined requests stay linear.
    private mutating func compact() {
        if requestStart == buffer.count {
            buffer = []
        } else if requestStart >= 4096 && requestStart * 2 >= buffer.count {
            buffer.removeFirst(requestStart)
        } else {
            return
        }
        requestStart = 0
        lineStart = 0
        scanned = 0
    }
}
