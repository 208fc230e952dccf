/// The three container kinds of `JSONValueEncoder`.

struct KeyedValueContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ObjectBox
    var codingPath: [any CodingKey] { [] }

    private func set(_ value: JSONValue, _ key: Key) {
        box.members[key.stringValue] = value
    }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(try Numbers.finite(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw JSONValueEncoder.Unsupported() }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(try Numbers.exact(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(try Numbers.exact(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try JSONValueEncoder.box(value), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        nestedEncoder(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { nestedEncoder(JSONKey("super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { nestedEncoder(key) }

    private func nestedEncoder(_ key: any CodingKey) -> ValueEncoder {
        let slot = ValueSlot()
        box.nested[key.stringValue] = slot
        box.members[key.stringValue] = nil
        return ValueEncoder(storage: slot)
    }
}

struct UnkeyedValueContainer: UnkeyedEncodingContainer, PrimitiveEncoding {
    let box: ArrayBox
    var codingPath: [any CodingKey] { [] }
    var count: Int { box.elements.count }

    func put(_ value: JSONValue) { box.elements.append(value) }

    mutating func encode<T: Encodable>(_ value: T) throws { put(try JSONValueEncoder.box(value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { nestedEncoder().unkeyedContainer() }

    mutating func superEncoder() -> any Encoder { nestedEncoder() }

    private func nestedEncoder() -> ValueEncoder {
        let slot = ValueSlot()
        box.nested[box.elements.count] = slot
        box.elements.append(.null)
        return ValueEncoder(storage: slot)
    }
}

struct SingleValueContainer: SingleValueEncodingContainer, PrimitiveEncoding {
    let slot: ValueSlot
    var codingPath: [any CodingKey] { [] }

    func put(_ value: JSONValue) { slot.content = .value(value) }

    mutating func encode<T: Encodable>(_ value: T) throws { put(try JSONValueEncoder.box(value)) }
}

/// The primitive `encode` overloads shared by the unkeyed and single-value containers, each
/// putting one `JSONValue` where its container keeps values.
protocol PrimitiveEncoding {
    func put(_ value: JSONValue)
}

extension PrimitiveEncoding {
    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(try Numbers.finite(value)) }
    mutating func encode(_ value: Float) throws { throw JSONValueEncoder.Unsupported() }
    mutating func encode(_ value: Int) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: Int8) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: Int16) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: Int32) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: Int64) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: UInt) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: UInt8) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: UInt16) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: UInt32) throws { put(try Numbers.exact(value)) }
    mutating func encode(_ value: UInt64) throws { put(try Numbers.exact(value)) }
}

/// A coding key made at run time (`super`).
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
