import Foundation
import Store
import Support

/// The transactional outbox (PROTOCOL §3): an event is a row written in the same transaction as
/// the state change it reports, numbered per stream from 1 with no gaps; the publisher sends it
/// after the commit. A crash between commit and publish loses nothing: subscribers read the
/// missing range with `events.read`.
public enum Outbox {
    static let schema = """
        CREATE TABLE IF NOT EXISTS bus_outbox (
            seq INTEGER PRIMARY KEY, topic TEXT NOT NULL, event BLOB NOT NULL, created_at REAL NOT NULL);
        """

    /// Creates the outbox table if missing. Call once at start.
    public static func install(in store: Store) async throws {
        try await store.write { db in try db.execute(schema) }
    }

    /// Appends an event inside the caller's write transaction and returns its sequence number.
    @discardableResult
    public static func append<Payload: Encodable>(_ db: Database, stream: String, type: String, data: Payload,
                                                 time: Date, traceID: String? = nil, subject: String? = nil) throws -> Int64 {
        try append(db, stream: stream, try PreparedEvent(type: type, data: data, time: time, traceID: traceID, subject: subject))
    }

    /// Appends an event prepared before the transaction: the write itself only numbers and stores
    /// it (a busy writer should not spend its time encoding payloads).
    @discardableResult
    public static func append(_ db: Database, stream: String, _ prepared: PreparedEvent) throws -> Int64 {
        let next = (try db.queryOne("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM bus_outbox")?.int64("next")) ?? 1
        try db.run("INSERT INTO bus_outbox (seq, topic, event, created_at) VALUES (?, ?, ?, ?)",
                   [.integer(next), .text(prepared.type), .blob(prepared.bytes(id: "\(stream)-\(next)", stream: stream)),
                    .real(prepared.time.timeIntervalSince1970)])
        return next
    }

    /// The highest sequence number written (0 when none).
    public static func lastSequence(_ db: Database) throws -> Int64 {
        try db.queryOne("SELECT COALESCE(MAX(seq), 0) AS last FROM bus_outbox")?.int64("last") ?? 0
    }

    /// Events after `after`, oldest first, at most `limit`.
    public static func read(_ db: Database, after: Int64, limit: Int) throws -> [StoredEvent] {
        try db.query("SELECT seq, topic, event FROM bus_outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                     [.integer(after), .integer(Int64(limit))]).map {
            StoredEvent(seq: $0.int64("seq") ?? 0, topic: $0.string("topic") ?? "", event: $0.blob("event") ?? [])
        }
    }
}

/// An event with its payload already encoded, ready for `Outbox.append` in a transaction.
public struct PreparedEvent: Sendable {
    public var type: String
    public var time: Date
    public var traceID: String?
    public var subject: String?
    public var payload: JSONValue

    /// The event's JSON as `CloudEvent.json` writes it, written once here and cut where the id and
    /// the source go: the transaction only fills them in.
    private let pieces: [[UInt8]]

    public init<Payload: Encodable>(type: String, data: Payload, time: Date, traceID: String? = nil, subject: String? = nil) throws {
        self.type = type
        self.time = time
        self.traceID = traceID
        self.subject = subject
        payload = try (try? JSONValueEncoder().encode(data)) ?? JSONParser.parse(try JSON.encode(data))
        // Fresh random markers cannot occur in the payload; keys are sorted, so the id comes before the source.
        let (id, source) = (UUID().uuidString, UUID().uuidString)
        let template = JSONWriter.write(CloudEvent(id: id, source: source, type: type, time: time, traceID: traceID,
                                                   subject: subject, data: payload).json)
        pieces = Self.cut(template, at: [Array("\"\(id)\"".utf8), Array("\"\(source)\"".utf8)])
    }

    /// The stored CloudEvent: exactly `JSONWriter.write(CloudEvent(…).json)`, without writing it again.
    func bytes(id: String, stream: String) -> [UInt8] {
        var out = pieces[0]
        out.reserveCapacity(pieces.reduce(64) { $0 + $1.count })
        JSONWriter.appendString(id, to: &out)
        out += pieces[1]
        JSONWriter.appendString("mpp/\(stream)", to: &out)
        out += pieces[2]
        return out
    }

    /// `bytes` cut around each marker, in order.
    private static func cut(_ bytes: [UInt8], at markers: [[UInt8]]) -> [[UInt8]] {
        var pieces: [[UInt8]] = [], rest = bytes[...]
        for marker in markers {
            let found = rest.firstRange(of: marker)!  // written just above, in this order
            pieces.append(Array(rest[..<found.lowerBound]))
            rest = rest[found.upperBound...]
        }
        return pieces + [Array(rest)]
    }
}

/// One outbox row.
public struct StoredEvent: Sendable {
    public var seq: Int64
    public var topic: String
    /// The CloudEvent JSON.
    public var event: [UInt8]
}

/// `events.read` request and reply bodies.
public struct EventsReadRequest: Codable, Sendable {
    public var after: Int64
    public var limit: Int?
    public init(after: Int64, limit: Int? = nil) {
        self.after = after
        self.limit = limit
    }
}

public struct EventsReadReply: Codable, Sendable {
    public struct Item: Codable, Sendable {
        public var seq: Int64
        public var topic: String
        public var event: CloudEvent
    }
    public var stream: String
    public var events: [Item]
    public var last_seq: Int64

    /// Reads a reply from its JSON bytes without `Codable` probing of every event.
    public init(bytes: [UInt8]) throws {
        let json = try JSONParser.parse(bytes)
        guard let stream = json["stream"]?.stringValue, let last = json["last_seq"]?.doubleValue,
              let items = json["events"]?.arrayValue else { throw RPCError(.invalidArgument, "not an events.read reply") }
        self.stream = stream
        last_seq = Int64(last)
        events = try items.map { item in
            guard let seq = item["seq"]?.doubleValue, let topic = item["topic"]?.stringValue, let event = item["event"] else {
                throw RPCError(.invalidArgument, "bad event in events.read reply")
            }
            return Item(seq: Int64(seq), topic: topic, event: try CloudEvent(json: event))
        }
    }

    public init(stream: String, events: [Item], last_seq: Int64) {
        self.stream = stream
        self.events = events
        self.last_seq = last_seq
    }
}
