/// An `http://host[:port]/path` address (webhook gateways; TLS belongs to a local proxy).
public struct HTTPAddress: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Path and query, at least `/`.
    public var target: String

    /// Parses `http://…`; nil for anything else (https is refused with a clear configuration error upstream).
    public init?(_ text: String) {
        guard text.lowercased().hasPrefix("http://") else { return nil }
        let rest = text.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let target = String(rest.dropFirst(authority.count))
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = String(authority)
        var port = 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            host = String(authority[..<colon])
            port = number
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
        self.target = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : target)
    }

    /// `Host:` header value.
    var hostHeader: String { port == 80 ? host : "\(host):\(port)" }
}

/// A response: status, headers (names lower-cased), body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    /// Whether the server allows the connection to be reused.
    var keepAlive: Bool
}

/// Why a request got no response.
public enum TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case timeout(String)
    case connection(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .timeout(let what): "timeout: \(what)"
        case .connection(let what): "connection failed: \(what)"
        case .malformed(let what): "malformed response: \(what)"
        }
    }
}

/// Reads an HTTP/1.1 response from bytes as they arrive. Pure: no sockets, so it is tested alone.
/// Sizes the peer announces are checked against `maxBody` before any arithmetic.
struct HTTPResponseReader {
    /// The largest body read from a gateway (their answers are a few hundred bytes).
    static let maxBody = 1 << 20

    enum Progress: Equatable {
        case needMore
        /// The body runs until the connection closes.
        case untilClose
        case done(HTTPResponse, consumed: Int)
    }

    /// Looks at everything received so far.
    static func parse(_ buffer: [UInt8], closed: Bool) throws -> Progress {
        guard let headerEnd = find([13, 10, 13, 10], in: buffer, from: 0) else {
            if closed { throw TransportFailure.malformed(buffer.isEmpty ? "connection closed before a response" : "incomplete headers") }
            if buffer.count > 64 * 1024 { throw TransportFailure.malformed("headers larger than 64 KiB") }
            return .needMore
        }
        let head = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]), (100...999).contains(status) else {
            throw TransportFailure.malformed("bad status line")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let bodyStart = headerEnd + 4
        let connection = headers["connection"]?.lowercased() ?? ""
        var keepAlive = statusLine[0] == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        let body: [UInt8]
        var consumed: Int
        if status == 204 || status == 304 || (100..<200).contains(status) {
            body = []
            consumed = bodyStart
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let (decoded, end) = try dechunk(buffer, from: bodyStart) else {
                if closed { throw TransportFailure.malformed("connection closed inside a chunked body") }
                return .needMore
            }
            body = decoded
            consumed = end
        } else if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), (0...maxBody).contains(length) else {
                throw TransportFailure.malformed("bad Content-Length (0–\(maxBody))")
            }
            guard buffer.count - bodyStart >= length else {
                if closed { throw TransportFailure.malformed("connection closed inside the body") }
                return .needMore
            }
            body = Array(buffer[bodyStart..<(bodyStart + length)])
            consumed = bodyStart + length
        } else {
            guard closed else { return .untilClose }
            body = Array(buffer[bodyStart...])
            consumed = buffer.count
            keepAlive = false
        }
        return .done(HTTPResponse(status: status, headers: headers, body: body, keepAlive: keepAlive), consumed: consumed)
    }

    /// Decodes a chunked body starting at `start`; nil while incomplete.
    static func dechunk(_ buffer: [UInt8], from start: Int) throws -> ([UInt8], Int)? {
        var body: [UInt8] = []
        var position = start
        while true {
            guard let lineEnd = find([13, 10], in: buffer, from: position) else { return nil }
            let sizeText = String(decoding: buffer[position..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), (0...maxBody - body.count).contains(size) else {
                throw TransportFailure.malformed("bad chunk size (a body of 0–\(maxBody) bytes)")
            }
            let dataStart = lineEnd + 2
            if size == 0 {
                // Trailers end with an empty line.
                guard let end = find([13, 10, 13, 10], in: buffer, from: lineEnd) else { return nil }
                return (body, end + 4)
            }
            guard buffer.count >= dataStart + size + 2 else { return nil }
            body += buffer[dataStart..<(dataStart + size)]
            position = dataStart + size + 2
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}

import Foundation
