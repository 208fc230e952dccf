/// One result row. Column lookup by name is case-sensitive; an unknown column reads as `.null`.
public struct Row: Sendable {
    /// Column names, in result order.
    public let columns: [String]
    /// Values, in the same order as `columns`.
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        precondition(columns.count == values.count, "Row: columns and values differ in count")
        self.columns = columns
        self.values = values
    }

    /// The value of the named column, or `.null` if there is no such column.
    public subscript(_ column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    /// The value at a column position.
    public subscript(index: Int) -> SQLValue { values[index] }

    /// An integer column (a real is accepted when it is a whole number).
    public func int(_ column: String) -> Int? { int64(column).flatMap { Int(exactly: $0) } }

    /// A 64-bit integer column (a real is accepted when it is a whole number).
    public func int64(_ column: String) -> Int64? {
        switch self[column] {
        case .integer(let value): value
        case .real(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// A text column.
    public func string(_ column: String) -> String? {
        if case .text(let value) = self[column] { value } else { nil }
    }

    /// A floating-point column (integers convert).
    public func double(_ column: String) -> Double? {
        switch self[column] {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// A blob column.
    public func blob(_ column: String) -> [UInt8]? {
        if case .blob(let value) = self[column] { value } else { nil }
    }

    /// A boolean column stored as an integer: 0 is false, anything else true.
    public func bool(_ column: String) -> Bool? { int64(column).map { $0 != 0 } }
}
