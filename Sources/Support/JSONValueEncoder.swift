import Foundation

/// Encodes any `Encodable` straight to a `JSONValue` (then `JSONWriter` writes the bytes): several
/// times cheaper than `JSONEncoder`, which matters for replies and events on hot paths.
///
/// It produces what `JSON.encode` always produced (sorted keys, unescaped slashes). What it cannot
/// reproduce exactly it refuses with `Unsupported`, and `JSON.encode` then uses `JSONEncoder`:
/// `Data`, `Date`, `URL`, `Decimal` (which `JSONEncoder` special-cases), `Float`, integers from ±9e15
/// (a `JSONValue` number is a `Double`) and non-finite numbers.
public struct JSONValueEncoder {
    /// A value this encoder leaves to `JSONEncoder`.
    public struct Unsupported: Error {}

    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try Self.box(value)
    }

    /// (Coding paths are left empty: they only serve error messages, and on any error
    /// `JSON.encode` starts over with `JSONEncoder`, which reports them.)
    static func box<T: Encodable>(_ value: T) throws -> JSONValue {
        if T.self == String.self { return .string(value as! String) }
        if T.self == JSONValue.self { return value as! JSONValue }
        if T.self == Data.self || T.self == Date.self || T.self == URL.self || T.self == Decimal.self { throw Unsupported() }
        let encoder = ValueEncoder()
        try value.encode(to: encoder)
        return encoder.storage.value ?? .object([:])
    }
}

/// Where one encoder's value ends up: set once by a single-value container, or built up by a
/// keyed or unkeyed container (which may also be handed to nested containers).
final class ValueSlot {
    enum Content {
        case empty
        case value(JSONValue)
        case object(ObjectBox)
        case array(ArrayBox)
    }
    var content: Content = .empty

    var value: JSONValue? {
        switch content {
        case .empty: return nil
        case .value(let value): return value
        case .object(let box): return box.value
        case .array(let box): return box.value
        }
    }
}

final class ObjectBox {
    var members: [String: JSONValue] = [:]
    /// Members written through nested containers, filled in after this box was handed out.
    var nested: [String: ValueSlot] = [:]
    var value: JSONValue {
        guard !nested.isEmpty else { return .object(members) }
        var all = members
        for (key, slot) in nested { all[key] = slot.value ?? .object([:]) }
        return .object(all)
    }
}

final class ArrayBox {
    var elements: [JSONValue] = []
    /// Positions filled through nested containers.
    var nested: [Int: ValueSlot] = [:]
    var value: JSONValue {
        guard !nested.isEmpty else { return .array(elements) }
        var all = elements
        for (index, slot) in nested { all[index] = slot.value ?? .object([:]) }
        return .array(all)
    }
}

final class ValueEncoder: Encoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let storage: ValueSlot

    init(storage: ValueSlot = ValueSlot()) {
        self.storage = storage
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: ObjectBox
        if case .object(let existing) = storage.content { box = existing } else {
            box = ObjectBox()
            storage.content = .object(box)
        }
        return KeyedEncodingContainer(KeyedValueContainer<Key>(box: box))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        if case .array(let existing) = storage.content { box = existing } else {
            box = ArrayBox()
            storage.content = .array(box)
        }
        return UnkeyedValueContainer(box: box)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(slot: storage)
    }
}

/// Numbers a `JSONValue` holds exactly.
enum Numbers {
    static func exact<I: BinaryInteger>(_ value: I) throws -> JSONValue {
        // Below 9e15 `JSONWriter` writes a whole number as digits, as `JSONEncoder` does.
        guard value.magnitude < 9_000_000_000_000_000 else { throw JSONValueEncoder.Unsupported() }
        return .number(Double(value))
    }

    static func finite(_ value: Double) throws -> JSONValue {
        guard value.isFinite else { throw JSONValueEncoder.Unsupported() }
        return .number(value)
    }
}
