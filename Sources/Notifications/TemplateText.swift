/// A template's text: literal runs and `{{placeholder}}` slots (letters, digits and `_`, spaces
/// inside the braces allowed). Parsed once when saved, so a typo is refused at the door
/// instead of reaching a citizen as raw braces.
public struct TemplateText: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    public let source: String
    public let segments: [Segment]

    /// Why a text cannot be a template.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `source`; throws on an unclosed `{{`, an empty or malformed name, or a stray `}}`.
    public init(_ source: String) throws {
        self.source = source
        var segments: [Segment] = []
        var literal = ""
        var rest = Substring(source)
        while !rest.isEmpty {
            if rest.hasPrefix("{{") {
                guard let close = rest.range(of: "}}") else {
                    throw Problem(description: "\"{{\" tanpa \"}}\" (unclosed placeholder)")
                }
                let name = rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound].trimmingSpaces()
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw Problem(description: "nama placeholder tidak sah: \"{{\(name)}}\" (letters, digits, _)")
                }
                if !literal.isEmpty { segments.append(.literal(literal)); literal = "" }
                segments.append(.placeholder(name))
                rest = rest[close.upperBound...]
            } else if rest.hasPrefix("}}") {
                throw Problem(description: "\"}}\" tanpa \"{{\" (stray closing braces)")
            } else {
                literal.append(rest.removeFirst())
            }
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
    }

    /// Every placeholder name used, in order of first use.
    public var placeholders: [String] {
        var seen: Set<String> = []
        return segments.compactMap { segment in
            if case .placeholder(let name) = segment, seen.insert(name).inserted { return name }
            return nil
        }
    }

    /// Placeholders not in `allowed`, sorted.
    public func unknownPlaceholders(allowed: Set<String>) -> [String] {
        placeholders.filter { !allowed.contains($0) }.sorted()
    }

    /// The text with each placeholder replaced by its value (missing values render empty).
    public func render(_ values: [String: String]) -> String {
        var out = ""
        out.reserveCapacity(source.count + 32)
        for segment in segments {
            switch segment {
            case .literal(let text): out += text
            case .placeholder(let name): out += values[name] ?? ""
            }
        }
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
