import Support

/// The error codes of PROTOCOL.md §2.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    case invalidArgument = "invalid_argument"
    case notFound = "not_found"
    case alreadyExists = "already_exists"
    case failedPrecondition = "failed_precondition"
    case aborted
    case unauthenticated
    case permissionDenied = "permission_denied"
    case resourceExhausted = "resource_exhausted"
    case deadlineExceeded = "deadline_exceeded"
    case unavailable
    case unimplemented
    case `internal`
}

/// An MPP/1 error object: `{"code", "message", "details"}`. Handlers throw it; clients receive it.
public struct RPCError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var details: JSONValue?

    public init(_ code: ErrorCode, _ message: String, details: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// `invalid_argument` naming the offending fields: `{"fields": {"nik": "must be 16 digits"}}`.
    public static func invalid(_ fields: [String: String], message: String = "permintaan tidak valid") -> RPCError {
        RPCError(.invalidArgument, message, details: ["fields": .object(fields.mapValues { .string($0) })])
    }

    /// `invalid_argument` on `body` for bytes that are not strict JSON, saying where and why.
    public static func notJSON(_ failure: JSONParser.Failure) -> RPCError {
        .invalid(["body": "bukan JSON yang sah (not valid JSON): \(failure.reason) at byte \(failure.offset)"])
    }

    /// The offending fields of an `invalid_argument` error.
    public var fields: [String: String] {
        details?["fields"]?.objectValue?.compactMapValues { $0.stringValue } ?? [:]
    }

    public var description: String {
        let fieldText = fields.isEmpty ? "" : " " + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        return "\(code.rawValue): \(message)\(fieldText)"
    }
}

extension RPCError {
    /// Turns a body decoding failure into field errors a caller can act on.
    /// `invalid_argument` naming the field a decoding error is about.
    public init(decoding error: DecodingError) {
        func path(_ codingPath: [CodingKey], _ key: CodingKey? = nil) -> String {
            let keys = codingPath + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "body" : text.replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .invalid([path(context.codingPath, key): "wajib diisi (required)"])
        case .typeMismatch(let type, let context):
            self = .invalid([path(context.codingPath): "tipe salah, diharapkan \(Self.typeName(type))"])
        case .valueNotFound(let type, let context):
            self = .invalid([path(context.codingPath): "wajib diisi, diharapkan \(Self.typeName(type))"])
        case .dataCorrupted(let context):
            self = .invalid([path(context.codingPath): context.debugDescription])
        @unknown default:
            self = .invalid(["body": "tidak dapat dibaca"])
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int.Type, is Int64.Type, is Int32.Type: "integer"
        case is Double.Type: "number"
        case is Bool.Type: "boolean"
        default: type is any Collection.Type ? "array" : "object"
        }
    }
}

import Foundation
