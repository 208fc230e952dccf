import Foundation
import Synchronization

/// Severity of a log line, ordered.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warning, error

    public init?(name: String) {
        switch name.lowercased() {
        case "debug", "trace": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warning
        case "error": self = .error
        default: return nil
        }
    }

    public var name: String { ["debug", "info", "warning", "error"][rawValue] }
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Structured JSON logs: one object per line on stderr, with service, instance and trace id.
/// Fields whose name suggests a secret are redacted, so a password or token never reaches a log.
public struct Logger: Sendable {
    public let service: String
    public let instance: String
    public var level: LogLevel
    public var metadata: [String: JSONValue]
    /// The request's trace id, written as `trace_id` on every line (a field, not metadata, so
    /// that tracing a request costs no dictionary copy).
    public var traceID: String?
    private let sink: LogSink

    public init(service: String, instance: String = "", level: LogLevel = .info,
                metadata: [String: JSONValue] = [:], sink: LogSink = .standardError) {
        self.service = service
        self.instance = instance
        self.level = level
        self.metadata = metadata
        self.sink = sink
    }

    /// A logger whose lines all carry `trace_id`.
    public func tracing(_ traceID: String?) -> Logger {
        guard let traceID, !traceID.isEmpty else { return self }
        var copy = self
        copy.traceID = traceID
        return copy
    }

    public func with(_ fields: [String: JSONValue]) -> Logger {
        var copy = self
        copy.metadata.merge(fields) { _, new in new }
        return copy
    }

    public func debug(_ message: @autoclosure () -> String, _ fields: [String: JSONValue] = [:]) { log(.debug, message(), fields) }
    public func info(_ message: @autoclosure () -> String, _ fields: [String: JSONValue] = [:]) { log(.info, message(), fields) }
    public func warning(_ message: @autoclosure () -> String, _ fields: [String: JSONValue] = [:]) { log(.warning, message(), fields) }
    public func error(_ message: @autoclosure () -> String, _ fields: [String: JSONValue] = [:]) { log(.error, message(), fields) }

    public func log(_ lineLevel: LogLevel, _ message: @autoclosure () -> String, _ fields: [String: JSONValue] = [:]) {
        guard lineLevel >= level else { return }
        var object = Self.redacted(metadata.merging(fields) { _, new in new })
        // Log lines carry the real time of writing, also under a test clock.
        object["ts"] = .string(Self.timestamp(SystemClock().now()))
        object["level"] = .string(lineLevel.name)
        object["service"] = .string(service)
        if !instance.isEmpty { object["instance"] = .string(instance) }
        if let traceID { object["trace_id"] = .string(traceID) }
        object["msg"] = .string(message())
        var line = JSONWriter.write(.object(object))
        line.append(0x0A)
        sink.write(line)
    }

    /// The fields with every secret-looking member replaced, at any depth.
    static func redacted(_ object: [String: JSONValue]) -> [String: JSONValue] {
        var result = object
        for (key, value) in object {
            result[key] = isSecret(key) ? "[redacted]" : redacted(value)
        }
        return result
    }

    static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(redacted(members))
        case .array(let elements): .array(elements.map(redacted))
        default: value
        }
    }

    static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "token", "secret", "private", "authorization"].contains { lowered.contains($0) }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().timeZone(separator: .omitted).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).dateSeparator(.dash).dateTimeSeparator(.standard))
    }
}

/// Where log lines go: standard error, or memory (tests).
public final class LogSink: Sendable {
    private let capturing: Bool
    private let lines = Mutex<[String]>([])

    private init(capturing: Bool) { self.capturing = capturing }

    public static let standardError = LogSink(capturing: false)
    /// Keeps lines in memory, for tests.
    public static func memory() -> LogSink { LogSink(capturing: true) }

    public var captured: [String] { lines.withLock { $0 } }

    func write(_ line: [UInt8]) {
        lines.withLock { captured in
            if capturing {
                captured.append(String(decoding: line.dropLast(), as: UTF8.self))
            } else {
                line.withUnsafeBytes { _ = Foundation.write(2, $0.baseAddress, $0.count) }
            }
        }
    }
}
