/// What the server has done since it started, for `sys.metrics` (a snapshot; `…Open` are gauges).
public struct HTTPServerCounters: Sendable, Equatable {
    public var connectionsOpen = 0
    public var connectionsAccepted = 0
    /// Turned away with 503 at the connection cap or while draining.
    public var connectionsRefused = 0
    /// Failed `accept` calls (out of descriptors, aborted handshakes).
    public var acceptErrors = 0
    /// Requests handed to the handler.
    public var requests = 0
    /// Requests refused before the handler: framing errors, limits (400, 411, 413, 414, 431, 501, 505…).
    public var requestErrors = 0
    /// Requests whose head and body did not arrive within the request timeout (408).
    public var requestTimeouts = 0
    /// Keep-alive connections closed after the idle timeout.
    public var idleTimeouts = 0
    /// Connections closed because the client stopped reading a response.
    public var writeTimeouts = 0
    public var responses1xx = 0
    public var responses2xx = 0
    public var responses3xx = 0
    public var responses4xx = 0
    public var responses5xx = 0
    /// Responses whose client had gone by the time the handler returned.
    public var responsesDropped = 0
    public var bytesReceived = 0
    public var bytesSent = 0
    public var eventStreamsOpen = 0
    public var eventStreamsOpened = 0
    /// Streams dropped because their client read too slowly.
    public var eventStreamsTooSlow = 0
    public var eventsSent = 0
    public var heartbeatsSent = 0

    public init() {}

    mutating func recordResponse(_ status: HTTPStatus) {
        switch status.statusClass {
        case 1: responses1xx += 1
        case 2: responses2xx += 1
        case 3: responses3xx += 1
        case 4: responses4xx += 1
        default: responses5xx += 1
        }
    }

    /// Every counter as `<prefix>.<name>` (e.g. `gateway.http_requests`), for the host's metrics.
    public func named(prefix: String) -> [String: Int] {
        let pairs: [(String, Int)] = [
            ("connections_open", connectionsOpen), ("connections_accepted", connectionsAccepted),
            ("connections_refused", connectionsRefused), ("accept_errors", acceptErrors), ("requests", requests),
            ("request_errors", requestErrors), ("request_timeouts", requestTimeouts), ("idle_timeouts", idleTimeouts),
            ("write_timeouts", writeTimeouts), ("responses_1xx", responses1xx), ("responses_2xx", responses2xx),
            ("responses_3xx", responses3xx), ("responses_4xx", responses4xx), ("responses_5xx", responses5xx),
            ("responses_dropped", responsesDropped), ("bytes_received", bytesReceived), ("bytes_sent", bytesSent),
            ("event_streams_open", eventStreamsOpen), ("event_streams_opened", eventStreamsOpened),
            ("event_streams_too_slow", eventStreamsTooSlow), ("events_sent", eventsSent), ("heartbeats_sent", heartbeatsSent),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ("\(prefix).http_\($0.0)", $0.1) })
    }
}
