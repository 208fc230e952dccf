import Foundation
import Store
import Support

/// An event a consumer set aside because its data broke its contract (`sys.events.parked`).
public struct ParkedEvent: Codable, Sendable, Equatable {
    public var id: Int64
    public var consumer: String
    public var stream: String
    public var seq: Int64
    public var topic: String
    /// Why it could not be applied (the last attempt's error).
    public var error: String
    public var parked_at: String
    /// Re-applications tried by ops so far, and the last one's time.
    public var retries: Int
    public var retried_at: String?
    /// The CloudEvent as delivered; nil for events set aside before parking kept them (a retry
    /// reads those again from the publisher's outbox).
    public var event: JSONValue?
}

/// The `parked_events` table of a consumer's store: one row per event that broke its contract,
/// written in the transaction that moves the consumer's cursor past it. A successful retry
/// deletes the row; a failed one keeps it with the new error.
public enum ParkedEvents {
    public static let schema = """
        CREATE TABLE IF NOT EXISTS parked_events (
            id INTEGER PRIMARY KEY, consumer TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL,
            topic TEXT NOT NULL, error TEXT NOT NULL, event BLOB, parked_at REAL NOT NULL,
            retries INTEGER NOT NULL DEFAULT 0, retried_at REAL, UNIQUE (consumer, stream, seq));
        """

    /// Creates the table if missing.
    public static func install(in store: Store) async throws {
        try await store.write { db in try db.execute(schema) }
    }

    /// Parks `event` for `consumer`; false when it was parked already (a replay).
    static func park(_ db: Database, consumer: String, _ event: DeliveredEvent, error: String, at: Date) throws -> Bool {
        try db.run("""
            INSERT OR IGNORE INTO parked_events (consumer, stream, seq, topic, error, event, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(consumer), .text(event.stream), .integer(event.seq), .text(event.topic), .text(error),
                  .blob(JSONWriter.write(event.event.json)), .real(at.timeIntervalSince1970)]) == 1
    }

    /// Parked events, oldest first: those of `consumer` (every consumer when nil), those named
    /// by `ids` (all when nil), at most `limit`.
    public static func list(_ db: Database, consumer: String? = nil, ids: [Int64]? = nil, limit: Int = 1_000) throws -> [ParkedEvent] {
        if ids?.isEmpty == true { return [] }
        var sql = "SELECT * FROM parked_events WHERE 1 = 1"
        var parameters: [SQLValue] = []
        if let consumer { sql += " AND consumer = ?"; parameters.append(.text(consumer)) }
        if let ids { sql += " AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"; parameters += ids.map(SQLValue.integer) }
        sql += " ORDER BY id LIMIT ?"
        return try db.query(sql, parameters + [.integer(Int64(limit))]).map(parked)
    }

    /// How many events wait, per consumer.
    public static func counts(_ db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try db.query("SELECT consumer, COUNT(*) AS n FROM parked_events GROUP BY consumer") {
            counts[row.string("consumer") ?? ""] = row.int("n") ?? 0
        }
        return counts
    }

    /// Whether the row is still there (another retry may have applied it meanwhile).
    static func exists(_ db: Database, id: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 AS found FROM parked_events WHERE id = ?", [.integer(id)]) != nil
    }

    static func remove(_ db: Database, id: Int64) throws {
        try db.run("DELETE FROM parked_events WHERE id = ?", [.integer(id)])
    }

    /// A retry failed: the new error (and the event as read this time) stay with the row.
    static func failedAgain(_ db: Database, id: Int64, error: String, event: CloudEvent?, at: Date) throws {
        try db.run("""
            UPDATE parked_events SET error = ?, event = COALESCE(?, event), retries = retries + 1, retried_at = ? WHERE id = ?
            """, [.text(error), event.map { .blob(JSONWriter.write($0.json)) } ?? .null, .real(at.timeIntervalSince1970), .integer(id)])
    }

    private static func parked(_ row: Row) -> ParkedEvent {
        func time(_ column: String) -> String? { row.double(column).map { Timestamp.format(Date(timeIntervalSince1970: $0)) } }
        return ParkedEvent(id: row.int64("id") ?? 0, consumer: row.string("consumer") ?? "", stream: row.string("stream") ?? "",
                           seq: row.int64("seq") ?? 0, topic: row.string("topic") ?? "", error: row.string("error") ?? "",
                           parked_at: time("parked_at") ?? "", retries: row.int("retries") ?? 0, retried_at: time("retried_at"),
                           event: row.blob("event").flatMap { try? JSONParser.parse($0) })
    }
}
