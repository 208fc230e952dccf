import Bus
import Foundation
import Support

/// Why one field is unacceptable (the message of its `invalid_argument` entry).
public struct FieldProblem: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Collects the problems of every field of a request, to answer them all in one
/// `invalid_argument`.
struct FieldCheck {
    private(set) var problems: [String: String] = [:]

    /// The value when `result` succeeded; records the problem under `field` otherwise.
    mutating func take<T>(_ field: String, _ result: Result<T, FieldProblem>) -> T? {
        switch result {
        case .success(let value): return value
        case .failure(let problem):
            add(field, problem.message)
            return nil
        }
    }

    mutating func add(_ field: String, _ message: String) {
        problems[field] = problems[field].map { $0 + "; " + message } ?? message
    }

    var isEmpty: Bool { problems.isEmpty }

    func throwIfAny() throws {
        if !problems.isEmpty { throw RPCError.invalid(problems) }
    }
}

/// Pure rules for the free-text fields identity accepts.
public enum FieldRules {
    /// A person's name as on the KTP-el: letters (any script), spaces, `.`, `'`, `,` and `-`;
    /// 2–100 characters after trimming and collapsing spaces.
    public static func personName(_ text: String) -> Result<String, FieldProblem> {
        let name = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard (2...100).contains(name.count) else { return .failure(FieldProblem("harus 2–100 huruf (2–100 characters)")) }
        guard name.allSatisfy({ $0.isLetter || $0 == " " || ".',-".contains($0) }), name.contains(where: \.isLetter) else {
            return .failure(FieldProblem("hanya huruf, spasi dan . ' , - (letters only)"))
        }
        return .success(name)
    }

    /// An Indonesian phone number, normalised to E.164 (`+628123456789`). Accepts `08…`,
    /// `628…` and `+628…`, with spaces, dashes, dots or parentheses.
    public static func phone(_ text: String) -> Result<String, FieldProblem> {
        var digits = text.filter { !" -.()".contains($0) }
        if digits.hasPrefix("+62") {
            digits.removeFirst(3)
        } else if digits.hasPrefix("62") {
            digits.removeFirst(2)
        } else if digits.hasPrefix("0") {
            digits.removeFirst(1)
        } else {
            return .failure(FieldProblem("nomor Indonesia: 08…, 62… atau +62… (an Indonesian number)"))
        }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), (8...13).contains(digits.count), digits.first != "0" else {
            return .failure(FieldProblem("nomor telepon tidak sah (not a valid phone number)"))
        }
        return .success("+62" + digits)
    }

    /// An e-mail address: one `@`, a local part of 1–64 printable characters, a domain of
    /// dot-separated labels; the domain lower-cased.
    public static func email(_ text: String) -> Result<String, FieldProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        let invalid = FieldProblem("alamat email tidak sah (not a valid e-mail address)")
        guard trimmed.count <= 254, parts.count == 2, (1...64).contains(parts[0].count),
              parts[0].allSatisfy({ $0.isASCII && !$0.isWhitespace && !"<>()[],;:\"\\".contains($0) }) else { return .failure(invalid) }
        let domain = parts[1].lowercased()
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }), labels.last!.allSatisfy(\.isLetter) else { return .failure(invalid) }
        return .success("\(parts[0])@\(domain)")
    }

    /// A password: 8–128 characters, not one character repeated, not containing the login
    /// name (NIK or username) nor the phone number.
    public static func password(_ password: String, personal: [String]) -> Result<String, FieldProblem> {
        guard password.count >= 8 else { return .failure(FieldProblem("minimal 8 karakter (at least 8 characters)")) }
        guard password.count <= 128 else { return .failure(FieldProblem("maksimal 128 karakter (at most 128 characters)")) }
        guard Set(password).count > 1 else { return .failure(FieldProblem("terlalu mudah ditebak (too easy to guess)")) }
        for item in personal where item.count >= 4 && password.lowercased().contains(item.lowercased()) {
            return .failure(FieldProblem("tidak boleh memuat NIK, nama pengguna atau nomor telepon (must not contain your NIK, username or phone)"))
        }
        return .success(password)
    }

    /// A staff username: 3–32 characters of `a–z 0–9 . _ -`, starting with a letter (so it is
    /// never mistaken for a NIK).
    public static func username(_ text: String) -> Result<String, FieldProblem> {
        let name = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard (3...32).contains(name.count), name.first?.isLetter == true,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            return .failure(FieldProblem("3–32 karakter a–z 0–9 . _ -, diawali huruf (3–32 of a–z 0–9 . _ -, starting with a letter)"))
        }
        return .success(name)
    }

    /// An agency id as in the catalog (`disdukcapil`, `dinkes`, `mpp` for the MPP front desk).
    public static func agency(_ text: String) -> Result<String, FieldProblem> {
        let id = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard (2...40).contains(id.count), id.first?.isLetter == true,
              id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) }) else {
            return .failure(FieldProblem("id instansi 2–40 karakter a–z 0–9 _ - (agency id)"))
        }
        return .success(id)
    }

    /// Exactly 16 digits (Kartu Keluarga number), spaces tolerated.
    public static func familyCardNumber(_ text: String) -> Result<String, FieldProblem> {
        let digits = text.filter { $0 != " " }
        guard digits.count == 16, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(FieldProblem("nomor KK harus 16 digit (must be 16 digits)"))
        }
        return .success(digits)
    }

    /// Short free text (occupation, street): trimmed, at most `limit` characters, no control characters.
    public static func text(_ text: String, limit: Int) -> Result<String, FieldProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = TextCheck.problem(trimmed, maxLength: limit) { return .failure(FieldProblem(problem)) }
        return .success(trimmed)
    }

    /// 1–3 digits (RT/RW), normalised to three digits (`001`).
    public static func neighbourhood(_ text: String) -> Result<String, FieldProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard (1...3).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(trimmed), number > 0 else {
            return .failure(FieldProblem("1–3 digit, bukan 000 (1–3 digits)"))
        }
        return .success(String(format: "%03d", number))
    }

    /// Five digits.
    public static func postalCode(_ text: String) -> Result<String, FieldProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count == 5, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(FieldProblem("kode pos 5 digit (5 digits)"))
        }
        return .success(trimmed)
    }
}
