import Foundation
import Support

/// An event as published (PROTOCOL §3): CloudEvents 1.0 JSON with a JSON `data` member.
public struct CloudEvent: Codable, Sendable, Equatable {
    public var specversion = "1.0"
    public var id: String
    public var source: String
    public var type: String
    public var time: String
    public var datacontenttype = "application/json"
    /// Propagated trace id of the request that caused the event.
    public var traceid: String?
    /// What the event is about (e.g. a tracking number), CloudEvents `subject`.
    public var subject: String?
    public var data: JSONValue

    public init(id: String, source: String, type: String, time: Date, traceID: String?, subject: String?, data: JSONValue) {
        self.id = id
        self.source = source
        self.type = type
        self.time = CloudEvent.format(time)
        self.traceid = traceID
        self.subject = subject
        self.data = data
    }

    /// Reads an event from parsed JSON (the hot path: no `Codable` probing).
    public init(json: JSONValue) throws {
        guard case .object(let members) = json,
              let id = members["id"]?.stringValue, let source = members["source"]?.stringValue,
              let type = members["type"]?.stringValue, let time = members["time"]?.stringValue,
              members["specversion"]?.stringValue == "1.0" else {
            throw RPCError(.invalidArgument, "not a CloudEvents 1.0 event")
        }
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        datacontenttype = members["datacontenttype"]?.stringValue ?? "application/json"
        traceid = members["traceid"]?.stringValue
        subject = members["subject"]?.stringValue
        data = members["data"] ?? .null
    }

    /// Parses an event's JSON bytes.
    public init(bytes: [UInt8]) throws { try self.init(json: try JSONParser.parse(bytes)) }

    /// The event as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["specversion": .string(specversion), "id": .string(id), "source": .string(source),
                                            "type": .string(type), "time": .string(time),
                                            "datacontenttype": .string(datacontenttype), "data": data]
        if let traceid { members["traceid"] = .string(traceid) }
        if let subject { members["subject"] = .string(subject) }
        return .object(members)
    }

    /// The `data` member decoded as `T`.
    public func decodeData<T: Decodable>(_ type: T.Type) throws -> T {
        try JSON.decode(T.self, from: JSONWriter.write(data))
    }

    /// RFC 3339 with milliseconds, UTC.
    public static func format(_ date: Date) -> String { Timestamp.format(date) }
}

/// An event a subscriber receives: where it came from, its place in the stream, and the event.
public struct DeliveredEvent: Sendable {
    public var stream: String
    public var seq: Int64
    public var topic: String
    public var event: CloudEvent
}
