import Support

/// MPP/1 framing (PROTOCOL.md §2): parsing requests and building replies as a ROUTER sees them.
public enum Envelope {
    public static let version: [UInt8] = Array("MPP/1".utf8)
    static let ok: [UInt8] = Array("ok".utf8)
    static let error: [UInt8] = Array("error".utf8)
    /// `{}`.
    public static let emptyObject: [UInt8] = Array("{}".utf8)
}

/// Request metadata (frame 4).
public struct RequestMetadata: Codable, Sendable, Equatable {
    public var token: String?
    public var idempotencyKey: String?
    /// The caller's budget in milliseconds from sending; the server may skip work past it.
    public var deadlineMilliseconds: Int?
    public var traceID: String?

    public init(token: String? = nil, idempotencyKey: String? = nil, deadlineMilliseconds: Int? = nil, traceID: String? = nil) {
        self.token = token
        self.idempotencyKey = idempotencyKey
        self.deadlineMilliseconds = deadlineMilliseconds
        self.traceID = traceID
    }

    enum CodingKeys: String, CodingKey {
        case token
        case idempotencyKey = "idempotency_key"
        case deadlineMilliseconds = "deadline_ms"
        case traceID = "trace_id"
    }

    /// Frame 4 as compact JSON (hot path: written directly, no dictionary, no JSONEncoder).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(64 + (token?.utf8.count ?? 0))
        func key(_ name: StaticString) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        if let deadlineMilliseconds { key("deadline_ms"); out.append(contentsOf: String(deadlineMilliseconds).utf8) }
        if let idempotencyKey { key("idempotency_key"); JSONWriter.appendString(idempotencyKey, to: &out) }
        if let token { key("token"); JSONWriter.appendString(token, to: &out) }
        if let traceID { key("trace_id"); JSONWriter.appendString(traceID, to: &out) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Reads frame 4; nil unless it is a JSON object with well-typed known keys (unknown keys are ignored).
    public init?(parsing bytes: [UInt8]) {
        self.init()
        if bytes.isEmpty { return }
        if let simple = MetadataScanner.scan(bytes) { self = simple; return }
        struct WrongType: Error {}
        do {
            try JSONParser.forEachMember(of: bytes) { name, value in
                func text() throws -> String? {
                    switch value {
                    case .null: return nil
                    case .string(let text): return text
                    default: throw WrongType()
                    }
                }
                switch name {
                case "token": token = try text()
                case "idempotency_key": idempotencyKey = try text()
                case "trace_id": traceID = try text()
                case "deadline_ms":
                    switch value {
                    case .null: deadlineMilliseconds = nil
                    case .number(let number) where number.isFinite && number >= 0 && number <= 86_400_000:
                        deadlineMilliseconds = Int(number)
                    default: throw WrongType()
                    }
                default: break
                }
            }
        } catch {
            return nil
        }
    }
}

/// A request as the server received it.
public struct IncomingRequest: Sendable {
    /// Frames up to and including the empty delimiter: how the reply finds its way back.
    public var route: [[UInt8]]
    public var requestID: [UInt8]
    public var method: String
    public var metadata: RequestMetadata
    public var body: [UInt8]
    public var attachments: [[UInt8]]
    /// The ZAP user id of the connection (the allow-listed key's name), in CURVE mode.
    public var caller: String?
}

/// Why a message could not be read as a request.
public enum EnvelopeProblem: Error, Equatable {
    /// Not answerable: no route or no request id.
    case drop(String)
    /// Answerable with `invalid_argument`.
    case reject(route: [[UInt8]], requestID: [UInt8], message: String)
}

extension Envelope {
    /// Reads a ROUTER message: [routing ids…, "", "MPP/1", request id, method, metadata, body, attachments…].
    public static func parseRequest(_ message: Multipart) -> Result<IncomingRequest, EnvelopeProblem> {
        let frames = message.frames
        guard let delimiter = frames.firstIndex(where: { $0.isEmpty }), delimiter > 0 else {
            return .failure(.drop("no routing envelope"))
        }
        let route = Array(frames[...delimiter])
        let rest = frames[(delimiter + 1)...]
        guard rest.count >= 2 else { return .failure(.drop("too few frames")) }
        let requestID = rest[rest.startIndex + 1]
        guard (1...64).contains(requestID.count) else { return .failure(.drop("bad request id")) }
        func reject(_ message: String) -> Result<IncomingRequest, EnvelopeProblem> {
            .failure(.reject(route: route, requestID: requestID, message: message))
        }
        guard rest[rest.startIndex] == version else { return reject("frame 1 must be MPP/1") }
        guard rest.count >= 5 else { return reject("a request has at least 5 frames after the delimiter") }
        let methodBytes = rest[rest.startIndex + 2]
        guard !methodBytes.isEmpty, methodBytes.count <= 128,
              methodBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return reject("method must be printable ASCII") }
        let metadataBytes = rest[rest.startIndex + 3]
        guard let metadata = RequestMetadata(parsing: metadataBytes) else {
            return reject("metadata must be a JSON object with token, idempotency_key, trace_id strings and deadline_ms a number")
        }
        if let key = metadata.idempotencyKey, key.isEmpty || key.count > 128 {
            return reject("idempotency_key must be 1–128 characters")
        }
        return .success(IncomingRequest(
            route: route, requestID: requestID, method: String(decoding: methodBytes, as: UTF8.self),
            metadata: metadata, body: rest[rest.startIndex + 4], attachments: Array(rest.dropFirst(5)),
            caller: message.userID))
    }

    /// Frames of a reply to `route`.
    public static func reply(route: [[UInt8]], requestID: [UInt8], outcome: Outcome) -> [[UInt8]] {
        var frames = route
        frames.reserveCapacity(route.count + 4 + outcome.attachments.count)
        frames.append(version)
        frames.append(requestID)
        frames.append(outcome.isError ? error : ok)
        frames.append(outcome.body)
        frames.append(contentsOf: outcome.attachments)
        return frames
    }

    /// Frames of a request as a DEALER sends it.
    public static func request(requestID: [UInt8], method: String, metadata: [UInt8], body: [UInt8], attachments: [[UInt8]]) -> [[UInt8]] {
        [[], version, requestID, Array(method.utf8), metadata, body] + attachments
    }
}

/// What a handler produced: an encoded body or error, plus attachments.
public struct Outcome: Sendable {
    public var isError: Bool
    public var body: [UInt8]
    public var attachments: [[UInt8]]

    public init(body: [UInt8], attachments: [[UInt8]] = []) {
        isError = false
        self.body = body
        self.attachments = attachments
    }

    public init(error: RPCError) {
        isError = true
        body = (try? JSON.encode(error)) ?? Array(#"{"code":"internal","message":"error"}"#.utf8)
        attachments = []
    }

    /// The error it carries, if any.
    public var error: RPCError? {
        guard isError else { return nil }
        return (try? JSON.decode(RPCError.self, from: body)) ?? RPCError(.internal, "unreadable error body")
    }
}

import ZMQ
