import Foundation

/// Text as search compares it: lower case, no diacritics, every run of punctuation or space one
/// space ("Kab. Aceh-Selatan" → "kab aceh selatan"). The same folding is applied to what is
/// indexed and to queries, so the FTS5 tokenizer sees plain words either way.
enum TextFolding {
    static func fold(_ text: String) -> String {
        words(text).joined(separator: " ")
    }

    static func words(_ text: String) -> [String] {
        let plain = text.utf8.allSatisfy { $0 < 128 }
            ? text.lowercased()
            : text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).lowercased()
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in plain.unicodeScalars {
            if scalar.isASCII ? (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") : scalar.properties.isAlphabetic {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// An FTS5 query matching every word, the last one (or all, with `prefixAll`) as a prefix.
    /// Words are folded first, so no FTS5 syntax can get through.
    static func matchAll(_ words: [String], prefixAll: Bool = true) -> String {
        words.enumerated().map { index, word in
            "\"\(word)\"" + (prefixAll || index == words.count - 1 ? "*" : "")
        }.joined(separator: " ")
    }
}
