/// A parsed command line: positional words, `--name value` options and `--flag` switches.
public struct Arguments: Sendable {
    public private(set) var positional: [String] = []
    private var options: [String: [String]] = [:]
    private var flags: Set<String> = []

    /// - Parameter switches: option names that take no value (e.g. "json", "help").
    /// Switches every command understands.
    public static let commonSwitches: Set<String> = ["json", "help", "force", "password-stdin", "csv"]

    public init(_ words: [String], switches: Set<String> = Arguments.commonSwitches) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" {
                positional += words[(index + 1)...]
                break
            }
            if word.hasPrefix("--") {
                var name = String(word.dropFirst(2))
                var value: String?
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                if switches.contains(name) {
                    flags.insert(name)
                } else {
                    if value == nil {
                        guard index + 1 < words.count else { throw UsageError("--\(name) needs a value") }
                        index += 1
                        value = words[index]
                    }
                    options[name, default: []].append(value!)
                }
            } else if word == "-h" {
                flags.insert("help")
            } else {
                positional.append(word)
            }
            index += 1
        }
    }

    public func flag(_ name: String) -> Bool { flags.contains(name) }
    public func option(_ name: String) -> String? { options[name]?.last }
    public func all(_ name: String) -> [String] { options[name] ?? [] }

    /// The positional word at `index`, or a usage error naming it.
    public func required(_ index: Int, _ name: String) throws -> String {
        guard index < positional.count else { throw UsageError("missing \(name)") }
        return positional[index]
    }
}

/// A command line that cannot be obeyed; printed with the command's usage, exit code 2.
public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
