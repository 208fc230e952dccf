/// Where the server listens: a TCP address (an IP literal; port 0 picks a free port) or a unix
/// socket path (nginx on the same host: `proxy_pass http://unix:/path:`).
public enum HTTPListenAddress: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses `127.0.0.1:8081`, `[::1]:8081`, `localhost:8081` or `unix:/run/mpp/gateway.sock`.
    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else { return nil }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil  // an IPv6 literal needs brackets
        }
        guard !host.isEmpty else { return nil }
        self = .tcp(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }

    /// The TCP port (after binding, the one the kernel chose), or nil for a unix socket.
    public var port: Int? {
        if case .tcp(_, let port) = self { return port }
        return nil
    }
}
