/// One Server-Sent Event (WHATWG HTML §9.2). `data` may span lines: each line becomes its own
/// `data:` line (CRLF, CR and LF all break lines, as the client's parser reads them), so the
/// client gets `data` back with LF line ends. `event` and `id` are one-line fields: CR, LF (and
/// NUL, which makes clients ignore an id) are removed, so no field can inject another.
public struct ServerSentEvent: Sendable, Equatable {
    public var data: String
    public var event: String?
    public var id: String?
    /// The client's reconnection delay, in milliseconds.
    public var retry: Int?

    public init(data: String, event: String? = nil, id: String? = nil, retry: Int? = nil) {
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry
    }

    /// The event as written on the stream, ending with the blank line that dispatches it.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.utf8.count + 32)
        if let event { Self.appendField("event", Self.oneLine(event), to: &bytes) }
        if let id { Self.appendField("id", Self.oneLine(id), to: &bytes) }
        if let retry, retry >= 0 { Self.appendField("retry", Array(String(retry).utf8), to: &bytes) }
        for line in Self.lines(of: data) { Self.appendField("data", line, to: &bytes) }
        bytes.append(HTTPSyntax.lf)
        return bytes
    }

    /// A comment (`: text` lines and a blank line): clients ignore it; proxies see traffic.
    public static func comment(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for line in lines(of: text) { appendField("", line, to: &bytes) }
        bytes.append(HTTPSyntax.lf)
        return bytes
    }

    /// The heartbeat the server sends on a quiet stream.
    static let heartbeat: [UInt8] = comment("ping")

    private static func appendField(_ name: String, _ value: some Collection<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(HTTPSyntax.colon)
        bytes.append(HTTPSyntax.space)
        bytes.append(contentsOf: value)
        bytes.append(HTTPSyntax.lf)
    }

    /// The UTF-8 lines of `text`, split at CRLF, CR or LF (bytes that never occur inside a
    /// multi-byte sequence); an empty text is one empty line.
    static func lines(of text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == HTTPSyntax.cr || byte == HTTPSyntax.lf else {
                index += 1
                continue
            }
            lines.append(bytes[start..<index])
            index += byte == HTTPSyntax.cr && index + 1 < bytes.count && bytes[index + 1] == HTTPSyntax.lf ? 2 : 1
            start = index
        }
        lines.append(bytes[start...])
        return lines
    }

    private static func oneLine(_ text: String) -> [UInt8] {
        text.utf8.filter { $0 != HTTPSyntax.cr && $0 != HTTPSyntax.lf && $0 != 0 }
    }
}
