/// The HTTP versions the server speaks.
public enum HTTPVersion: Sendable, Equatable {
    case http1_0
    case http1_1

    public var text: String { self == .http1_1 ? "HTTP/1.1" : "HTTP/1.0" }
}

/// One complete request: head and `Content-Length` body, already checked by `HTTPRequestParser`.
public struct HTTPRequest: Sendable {
    /// The method token, case-sensitive (`GET`, `POST`, …).
    public var method: String
    /// The origin-form target as received: `/path?query`, still percent-encoded.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whether the client lets the connection stay open after the response (HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`).
    public var keepAlive: Bool
    /// The peer's address as the server saw it (`127.0.0.1`, `::1`; empty on a unix socket).
    /// Behind nginx this is nginx: the client's own address comes in `X-Real-IP`.
    public var remoteAddress: String

    public init(method: String, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
                body: [UInt8] = [], keepAlive: Bool = true, remoteAddress: String = "") {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
        self.remoteAddress = remoteAddress
    }

    /// The target up to `?` (percent-encoded).
    public var path: Substring { target[..<(target.firstIndex(of: "?") ?? target.endIndex)] }

    /// The target after the first `?`, or nil when there is none.
    public var query: Substring? {
        target.firstIndex(of: "?").map { target[target.index(after: $0)...] }
    }
}
