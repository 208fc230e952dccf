import Foundation
import Support

/// Compiled form-field patterns, shared: a pattern is compiled once, not on every check.
enum PatternCache {
    private static let compiled = Mutexed<[String: CompiledPattern]>([:])

    /// The compiled `pattern`, or nil when it is not a valid regular expression.
    static func expression(_ pattern: String) -> NSRegularExpression? {
        if let known = compiled.get()[pattern] { return known.expression }
        let expression = try? NSRegularExpression(pattern: pattern)
        compiled.update { table in
            if table.count > 1_000 { table.removeAll() }  // patterns come from the catalog: few, but stay bounded
            table[pattern] = CompiledPattern(expression: expression)
        }
        return expression
    }
}

/// NSRegularExpression is immutable and thread-safe once built.
struct CompiledPattern: @unchecked Sendable {
    let expression: NSRegularExpression?
}
