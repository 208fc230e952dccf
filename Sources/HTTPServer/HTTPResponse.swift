/// What a handler answers: a status, headers and either a body of known length or a stream of
/// Server-Sent Events. The server writes `Content-Length`, `Connection` and `Date` itself; a
/// handler's own fields of those names are dropped.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    public enum Body: Sendable {
        /// A body sent with `Content-Length` (omitted for HEAD, 204 and 304).
        case bytes([UInt8])
        /// `text/event-stream`: after the head is written, the server calls this on its loop
        /// thread with the stream's handle. Keep it short: store the handle and return.
        case eventStream(@Sendable (EventStream) -> Void)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    /// A UTF-8 text body with its `Content-Type`.
    public init(status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8", text: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    /// A Server-Sent Events response (`Content-Type: text/event-stream`, `Cache-Control: no-cache`,
    /// `X-Accel-Buffering: no` so that nginx does not buffer it). The stream lives on the server's
    /// loop with no task of its own; `onOpen` gets the handle to push events and learn of its end.
    public static func eventStream(headers: HTTPHeaders = [:], onOpen: @escaping @Sendable (EventStream) -> Void) -> HTTPResponse {
        var all: HTTPHeaders = ["Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"]
        for field in headers { all.set(field.name, field.value) }
        var response = HTTPResponse(status: .ok, headers: all)
        response.body = .eventStream(onOpen)
        return response
    }

    /// The plain-text answer the server itself gives for `status` (errors, refusals).
    static func plain(_ status: HTTPStatus) -> HTTPResponse {
        HTTPResponse(status: status, text: "\(status.code) \(status.reasonPhrase)\n")
    }
}
