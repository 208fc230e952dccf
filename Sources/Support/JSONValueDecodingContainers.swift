/// The three container kinds of `JSONValueDecoder`. Every failure throws `Unsupported`: the
/// caller then decodes with `JSONDecoder`, whose error says what and where. The exception, a
/// whole number out of its integer type's range, is `OutOfRange`, which gathers its path itself.

struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func value(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else { throw JSONValueDecoder.Unsupported() }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Primitive.bool(value(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try Primitive.string(value(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Primitive.double(value(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw JSONValueDecoder.Unsupported() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key, type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key, type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key, type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key, type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key, type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key, type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key, type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key, type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key, type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key, type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONValueDecoder.OutOfRange.within(key) { try JSONValueDecoder.unbox(value(key), as: type) }
    }

    private func integer<I: FixedWidthInteger>(_ key: Key, _ type: I.Type) throws -> I {
        try JSONValueDecoder.OutOfRange.within(key) { try Primitive.integer(value(key), as: type) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { ValueDecoder(members["super"] ?? .null) }
    func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(members[key.stringValue] ?? .null) }
}

struct UnkeyedReader: UnkeyedDecodingContainer, PrimitiveDecoding {
    /// Where reading has got to (a reference: the shared `decode` overloads do not mutate).
    final class Cursor { var index = 0 }

    let elements: [JSONValue]
    let cursor = Cursor()
    var codingPath: [any CodingKey] { [] }
    var count: Int? { elements.count }
    var isAtEnd: Bool { cursor.index >= elements.count }
    var currentIndex: Int { cursor.index }

    func next() throws -> JSONValue {
        guard !isAtEnd else { throw JSONValueDecoder.Unsupported() }
        defer { cursor.index += 1 }
        return elements[cursor.index]
    }

    func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw JSONValueDecoder.Unsupported() }
        guard elements[cursor.index] == .null else { return false }
        cursor.index += 1
        return true
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(next()).container(keyedBy: type)
    }

    func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try ValueDecoder(next()).unkeyedContainer() }

    func superDecoder() throws -> any Decoder { ValueDecoder(try next()) }

    func within<Result>(_ read: () throws -> Result) throws -> Result {
        try JSONValueDecoder.OutOfRange.within(IndexKey(cursor.index), read)
    }
}

/// An array index in a decoding path (`[2]`).
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

struct SingleValueReader: SingleValueDecodingContainer, PrimitiveDecoding {
    let value: JSONValue
    var codingPath: [any CodingKey] { [] }

    func next() -> JSONValue { value }
    func decodeNil() -> Bool { value == .null }
    func within<Result>(_ read: () throws -> Result) throws -> Result { try read() }
}

/// The primitive `decode` overloads shared by the unkeyed and single-value containers, each
/// reading the container's next value.
protocol PrimitiveDecoding {
    func next() throws -> JSONValue
    /// Runs a read of the next value, naming its place in an `OutOfRange` path.
    func within<Result>(_ read: () throws -> Result) throws -> Result
}

extension PrimitiveDecoding {
    func decode(_ type: Bool.Type) throws -> Bool { try Primitive.bool(next()) }
    func decode(_ type: String.Type) throws -> String { try Primitive.string(next()) }
    func decode(_ type: Double.Type) throws -> Double { try Primitive.double(next()) }
    func decode(_ type: Float.Type) throws -> Float { throw JSONValueDecoder.Unsupported() }
    func decode(_ type: Int.Type) throws -> Int { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: UInt.Type) throws -> UInt { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try within { try Primitive.integer(next(), as: type) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try within { try Primitive.integer(next(), as: type) } }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try within { try JSONValueDecoder.unbox(next(), as: type) } }
}
