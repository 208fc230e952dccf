import Foundation

/// Any JSON value, for bodies whose shape is not known at compile time (`mpp call`, metadata, events).
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Most common first (form values are mostly text): every failed probe throws, which is slow.
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else if let value = try? container.decode([String: JSONValue].self) { self = .object(value) }
        else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Member of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let value) = self { return value }; return nil }
    public var doubleValue: Double? { if case .number(let value) = self { return value }; return nil }
    public var intValue: Int? { doubleValue.flatMap { Int(exactly: $0) } }
    public var boolValue: Bool? { if case .bool(let value) = self { return value }; return nil }
    public var objectValue: [String: JSONValue]? { if case .object(let value) = self { return value }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { return value }; return nil }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}

/// Shared JSON coding settings: compact, sorted keys, snake_case on the wire is spelled out by CodingKeys.
public enum JSON {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        // The fast path; what it leaves (Data, Date, huge integers, errors) goes to JSONEncoder.
        if let fast = try? JSONValueEncoder().encode(value) { return JSONWriter.write(fast) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Decodes through `JSONParser` and `JSONValueDecoder`. Bytes that are not strict JSON
    /// (RFC 8259: no byte-order mark, no trailing comma…) throw `JSONParser.Failure`; a whole
    /// number out of its field's integer range a `DecodingError` at that field. Any other problem
    /// decodes again with `JSONDecoder`, whose `DecodingError` names the field.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let value = try JSONParser.parse(bytes)
        do {
            return try JSONValueDecoder.unbox(value, as: type)
        } catch let error as JSONValueDecoder.OutOfRange {
            throw error.decodingError
        } catch {}
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // The bytes are valid JSON: what JSONDecoder calls "not valid JSON" is a number beyond Int64.
            guard let path = value.pathOfHugeNumber else { throw DecodingError.dataCorrupted(context) }
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: JSONValueDecoder.OutOfRange.reason))
        }
    }

    /// Encodes for human eyes (the CLI).
    public static func pretty<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}

extension JSONValue {
    /// Where the first whole number beyond ±2⁶³ is (none of Swift's integers holds it), or nil.
    var pathOfHugeNumber: [any CodingKey]? {
        switch self {
        case .number(let number) where number.rounded() == number && number.magnitude >= 9_223_372_036_854_775_808:
            return []
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let path = element.pathOfHugeNumber { return [IndexKey(index)] + path }
            }
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let path = member.pathOfHugeNumber { return [JSONKey(key)] + path }
            }
        default: break
        }
        return nil
    }
}
