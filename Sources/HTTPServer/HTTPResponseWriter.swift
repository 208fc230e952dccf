/// Why a handler's response could not be written as it was (the server sends a 500 instead).
public enum HTTPResponseError: Error, Sendable, Equatable {
    /// A status outside 200...599 (informational responses are the server's own).
    case invalidStatus(Int)
    /// A field name that is not a token, or a value with CR, LF, NUL or another control character.
    case invalidField(name: String)
}

/// Serializes response heads: status line, the handler's fields (validated, so nothing can
/// inject a line), then the fields the server owns (`Date`, `Content-Length`, `Connection`).
enum HTTPResponseWriter {
    /// Field names a handler cannot set: the server decides framing and connection reuse.
    private static let serverOwned: [String] = ["content-length", "transfer-encoding", "connection", "date", "keep-alive"]

    static let continueHead: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The head of `response`. `keepAlive` is the server's decision; `version` is the request's
    /// (an HTTP/1.0 client that may keep the connection is told so explicitly).
    static func head(_ response: HTTPResponse, keepAlive: Bool, version: HTTPVersion, date: String) throws(HTTPResponseError) -> [UInt8] {
        guard (200...599).contains(response.status.code) else { throw .invalidStatus(response.status.code) }
        if let field = response.headers.firstInvalidField { throw .invalidField(name: field.name) }
        var head: [UInt8] = []
        head.reserveCapacity(192)
        append("HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)", to: &head)
        if !date.isEmpty { append("Date: " + date, to: &head) }
        for field in response.headers where !isServerOwned(field.name) {
            append(field.name + ": " + field.value, to: &head)
        }
        switch response.body {
        case .bytes(let body):
            if !response.status.forbidsContent { append("Content-Length: \(body.count)", to: &head) }
            if !keepAlive {
                append("Connection: close", to: &head)
            } else if version == .http1_0 {
                append("Connection: keep-alive", to: &head)
            }
        case .eventStream:
            // The stream's end is the connection's end (RFC 9112 §6.3, rule 8).
            append("Connection: close", to: &head)
        }
        head.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])
        return head
    }

    private static func append(_ line: String, to head: inout [UInt8]) {
        head.append(contentsOf: line.utf8)
        head.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])
    }

    private static func isServerOwned(_ name: String) -> Bool {
        serverOwned.contains { HTTPSyntax.equalsIgnoringCase($0, name) }
    }
}
