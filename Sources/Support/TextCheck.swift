/// Checks on strings from outside before they are stored, logged or put in a query: a bounded
/// length, no control characters (NUL, escape sequences, DEL…). Messages read "Bahasa (English)"
/// and are meant for the `invalid_argument` entry of the field.
public enum TextCheck {
    /// Why `text` is not acceptable free text of at most `maxLength` characters, or nil.
    /// `multiline` text (notes, templates) may hold line breaks and tabs.
    public static func problem(_ text: some StringProtocol, maxLength: Int, multiline: Bool = false) -> String? {
        if let problem = lengthProblem(text, maxLength: maxLength) { return problem }
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\r", "\t"] : []
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            return "karakter kendali tidak diizinkan (no control characters)"
        }
        return nil
    }

    /// Why `text` is not a name of 1–`maxLength` printable ASCII characters without spaces
    /// (service and instance names, endpoints, versions, ids), or nil.
    public static func nameProblem(_ text: some StringProtocol, maxLength: Int) -> String? {
        guard !text.isEmpty else { return "wajib diisi (required)" }
        if let problem = lengthProblem(text, maxLength: maxLength) { return problem }
        guard text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return "hanya ASCII cetak tanpa spasi (printable ASCII, no spaces)"
        }
        return nil
    }

    /// Why `text` is longer than `maxLength` characters, or nil; cheap for huge text.
    public static func lengthProblem(_ text: some StringProtocol, maxLength: Int) -> String? {
        // A character takes at least one UTF-8 byte: short byte counts need no counting.
        guard text.utf8.count > maxLength, text.count > maxLength else { return nil }
        return "maksimal \(maxLength) karakter (at most \(maxLength) characters)"
    }
}
