import Foundation

/// Decodes any `Decodable` from a parsed `JSONValue`: several times cheaper than `JSONDecoder`,
/// which matters for request bodies on hot paths. `JSON.decode` uses it first and, on any error,
/// decodes again with `JSONDecoder`, whose errors (with their coding paths) name the bad fields.
///
/// Types `JSONDecoder` special-cases (`Data`, `Date`, `URL`, `Decimal`), `Float`, and integers
/// from ±2⁵³ (a `JSONValue` number is a `Double`) are refused with `Unsupported`, so they always
/// take `JSONDecoder`'s path. One leniency: an integral number written with a fraction or an
/// exponent (`5.0`, `5e0`) decodes as an integer. A whole number outside the integer type's range
/// (`1e19` or `9223372036854775808` for an `Int`, `300` for a `UInt8`) is a `dataCorrupted` error
/// "di luar rentang (out of range)" at its coding path, never a trap or a "not valid JSON".
public struct JSONValueDecoder {
    /// A value this decoder leaves to `JSONDecoder`.
    public struct Unsupported: Error {}

    /// A whole number outside the range of the integer type asked for, and where it was.
    struct OutOfRange: Error {
        /// Coding keys from the root, filled in on the way out of the containers.
        var path: [any CodingKey] = []
        static let reason = "di luar rentang (out of range)"

        var decodingError: DecodingError { DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: Self.reason)) }

        /// Runs `read`, putting `key` in front of the path of an out-of-range number it meets.
        static func within<Result>(_ key: any CodingKey, _ read: () throws -> Result) throws -> Result {
            do {
                return try read()
            } catch var error as OutOfRange {
                error.path.insert(key, at: 0)
                throw error
            }
        }
    }

    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        do {
            return try Self.unbox(value, as: type)
        } catch let error as OutOfRange {
            throw error.decodingError
        }
    }

    static func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if T.self == String.self {
            guard case .string(let text) = value else { throw Unsupported() }
            return text as! T
        }
        if T.self == Data.self || T.self == Date.self || T.self == URL.self || T.self == Decimal.self { throw Unsupported() }
        return try T(from: ValueDecoder(value))
    }
}

/// Reads one `JSONValue`.
struct ValueDecoder: Decoder {
    let value: JSONValue
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue) { self.value = value }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw JSONValueDecoder.Unsupported() }
        return KeyedDecodingContainer(KeyedReader<Key>(members: members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw JSONValueDecoder.Unsupported() }
        return UnkeyedReader(elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueReader(value: value) }
}

/// Primitive reads shared by the containers.
enum Primitive {
    static func bool(_ value: JSONValue) throws -> Bool {
        guard case .bool(let flag) = value else { throw JSONValueDecoder.Unsupported() }
        return flag
    }

    static func string(_ value: JSONValue) throws -> String {
        guard case .string(let text) = value else { throw JSONValueDecoder.Unsupported() }
        return text
    }

    static func double(_ value: JSONValue) throws -> Double {
        guard case .number(let number) = value else { throw JSONValueDecoder.Unsupported() }
        return number
    }

    /// An integer: exact below 2⁵³; a whole number outside `I`'s range is `OutOfRange`; anything
    /// else (fractions, and exact large values, which a `Double` may have rounded) is `Unsupported`.
    static func integer<I: FixedWidthInteger>(_ value: JSONValue, as type: I.Type) throws -> I {
        guard case .number(let number) = value else { throw JSONValueDecoder.Unsupported() }
        let integer = I(exactly: number)
        if let integer, number.magnitude < 9_007_199_254_740_992 { return integer }
        // 2⁶³ is also what 9223372036854775807 (Int64.max) rounds to: JSONDecoder reads the digits.
        let ambiguous = I.bitWidth > 53 && number == Double(I.max)
        if integer == nil, number.rounded() == number, !ambiguous { throw JSONValueDecoder.OutOfRange() }
        throw JSONValueDecoder.Unsupported()
    }
}
