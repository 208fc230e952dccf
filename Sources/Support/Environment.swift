import Foundation

/// Reads configuration from environment variables, collecting every problem instead of stopping at the first.
public struct Environment: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) { self.values = values }

    public func string(_ name: String, default fallback: String) -> String {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return fallback }
        return value
    }

    public func optional(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int>? = nil) throws -> Int {
        guard let text = optional(name) else { return fallback }
        guard let value = Int(text), range.map({ $0.contains(value) }) ?? true else {
            throw ConfigurationError(variable: name, problem: "must be a whole number" + (range.map { " in \($0.lowerBound)...\($0.upperBound)" } ?? "") + ", got \"\(text)\"")
        }
        return value
    }

    public func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let text = optional(name)?.lowercased() else { return fallback }
        switch text {
        case "1", "on", "true", "yes": return true
        case "0", "off", "false", "no": return false
        default: throw ConfigurationError(variable: name, problem: "must be on or off, got \"\(text)\"")
        }
    }

    /// A comma-separated list.
    public func list(_ name: String, default fallback: [String]) -> [String] {
        guard let text = optional(name) else { return fallback }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A configuration variable with an unusable value.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let variable: String
    public let problem: String
    public init(variable: String, problem: String) { self.variable = variable; self.problem = problem }
    public var description: String { "\(variable): \(problem)" }
}
