@testable import HTTPServer

/// What a parser made of some bytes: the requests in order, then the error or what is left.
struct Parsed: Equatable, CustomStringConvertible {
    var requests: [RequestSummary] = []
    var error: HTTPRequestError?
    /// Whether the parser ended with nothing of a further request buffered.
    var idle = true

    var description: String { "\(requests.map(\.description)) error: \(error.map { "\($0)" } ?? "none") idle: \(idle)" }

    var statuses: [Int] { error.map { [$0.status.code] } ?? [] }
}

/// A request reduced to comparable values.
struct RequestSummary: Equatable, CustomStringConvertible {
    var method: String
    var target: String
    var version: HTTPVersion
    var headers: [String]
    var body: [UInt8]
    var keepAlive: Bool

    init(_ request: HTTPRequest) {
        method = request.method
        target = request.target
        version = request.version
        headers = request.headers.map { "\($0.name): \($0.value)" }
        body = request.body
        keepAlive = request.keepAlive
    }

    var description: String { "\(method) \(target) \(version.text) \(headers) body: \(body.count)" }
}

/// Feeds `bytes` in pieces of `chunk` bytes (all at once when nil), taking requests after each.
func parse(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits(), chunk: Int? = nil) -> Parsed {
    var parser = HTTPRequestParser(limits: limits)
    var parsed = Parsed()
    var offset = 0
    let size = chunk ?? max(bytes.count, 1)
    repeat {
        let end = min(bytes.count, offset + size)
        parser.append(bytes[offset..<end])
        offset = end
        do {
            while let request = try parser.next() { parsed.requests.append(RequestSummary(request)) }
        } catch {
            parsed.error = error
            break
        }
    } while offset < bytes.count
    parsed.idle = parser.isIdle
    return parsed
}

func parse(_ text: String, limits: HTTPLimits = HTTPLimits(), chunk: Int? = nil) -> Parsed {
    parse(Array(text.utf8), limits: limits, chunk: chunk)
}

/// The error a request made of `text` ends with (nil when it parsed).
func error(of text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPRequestError? {
    parse(text, limits: limits).error
}

/// `GET / HTTP/1.1` with Host and `fields` (each a full line without CRLF), then the blank line and `body`.
func request(_ fields: [String], method: String = "POST", target: String = "/", version: String = "HTTP/1.1", body: String = "") -> String {
    "\(method) \(target) \(version)\r\nHost: example\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n" + body
}
