import Foundation

/// A value stored in or read from SQLite, one case per SQLite storage class.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue {
    /// An integer value.
    public init(_ value: Int) { self = .integer(Int64(value)) }
    /// An integer value.
    public init(_ value: Int64) { self = .integer(value) }
    /// A text value, or `.null` for `nil`.
    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    /// A floating-point value.
    public init(_ value: Double) { self = .real(value) }
    /// A blob value (an empty array stays an empty blob, not NULL).
    public init(_ value: [UInt8]) { self = .blob(value) }
    /// A boolean, stored as integer 1 or 0.
    public init(_ value: Bool) { self = .integer(value ? 1 : 0) }
    /// A blob value.
    public init(_ value: Data) { self = .blob([UInt8](value)) }

    /// True for `.null`.
    public var isNull: Bool { if case .null = self { true } else { false } }
}

extension SQLValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension SQLValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

extension SQLValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self.init(value) }
}

extension SQLValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .blob(let bytes): "X'" + bytes.map { String(format: "%02X", $0) }.joined() + "'"
        }
    }
}
