import Foundation
import Support

/// Validates submitted form values against a service's field definitions. Pure: the only outside
/// knowledge, whether a region code exists, comes from the `regionExists` closure (the catalog's
/// `catalog.regions.get`, usually cached). Reports every bad field at once, keyed by field key,
/// with a reason in Bahasa Indonesia (English in parentheses), ready for `RPCError.invalid`.
public struct FormValidator: Sendable {
    /// The outcome of a check: problems by field key, and the values in canonical form (text
    /// trimmed, numbers as numbers, region codes dotted, NIK digits only, phones `+62…`).
    public struct Outcome: Sendable, Equatable {
        public var errors: [String: String]
        public var normalized: [String: JSONValue]
        public var isValid: Bool { errors.isEmpty }
    }

    public let fields: [FormField]
    /// Whether a well-formed code names a known region (nil: format checks only).
    public let regionExists: (@Sendable (RegionCode) -> Bool)?
    /// Whether keys that are not fields of the form are refused (default) or ignored.
    public let rejectUnknownFields: Bool
    /// Today's date, to read a NIK's two-digit birth year (nil: the most lenient reading).
    public let today: CivilDate?

    public init(_ fields: [FormField], regionExists: (@Sendable (RegionCode) -> Bool)? = nil, rejectUnknownFields: Bool = true,
                today: CivilDate? = nil) {
        self.fields = fields
        self.regionExists = regionExists
        self.rejectUnknownFields = rejectUnknownFields
        self.today = today
    }

    /// Problems by field key (empty when every value is acceptable).
    public func validate(_ values: [String: JSONValue]) -> [String: String] { check(values).errors }

    /// Problems and canonical values.
    public func check(_ values: [String: JSONValue]) -> Outcome {
        var errors: [String: String] = [:]
        var normalized: [String: JSONValue] = [:]
        let known = Set(fields.map(\.key))
        if rejectUnknownFields {
            for key in values.keys where !known.contains(key) { errors[key] = "field tidak dikenal (unknown field)" }
        }
        for field in fields {
            guard let value = values[field.key], !Self.isBlank(value) else {
                if field.required { errors[field.key] = "wajib diisi (required)" }
                continue
            }
            switch check(value, field) {
            case .success(let clean): normalized[field.key] = clean
            case .failure(let problem): errors[field.key] = problem.reason
            }
        }
        return Outcome(errors: errors, normalized: normalized)
    }

    struct Problem: Error { let reason: String }

    static func isBlank(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .string(let text): text.trimmingWhitespace().isEmpty
        default: false
        }
    }

    func check(_ value: JSONValue, _ field: FormField) -> Result<JSONValue, Problem> {
        switch field.type {
        case .text: text(value, field)
        case .number: number(value, field)
        case .date: string(value).flatMap { text in
            CivilDate(text) != nil ? .success(.string(text)) : .failure(Problem(reason: "tanggal tidak sah, format YYYY-MM-DD (invalid date)"))
        }
        case .enum: option(value, field)
        case .nik: string(value).flatMap(nik)
        case .phone: string(value).flatMap(Self.phone)
        case .email: string(value).flatMap(Self.email)
        case .region: string(value).flatMap { region($0, field) }
        case .file: file(value, field)
        }
    }

    func string(_ value: JSONValue) -> Result<String, Problem> {
        guard let text = value.stringValue else { return .failure(Problem(reason: "harus teks (must be a string)")) }
        return .success(text.trimmingWhitespace())
    }

    /// The most characters of a text field whose form sets no `max_length`.
    public static let maxText = 2_000

    func text(_ value: JSONValue, _ field: FormField) -> Result<JSONValue, Problem> {
        string(value).flatMap { text in
            if let problem = TextCheck.problem(text, maxLength: field.max_length ?? Self.maxText, multiline: true) {
                return .failure(Problem(reason: problem))
            }
            if let limit = field.min_length, text.count < limit { return .failure(Problem(reason: "minimal \(limit) karakter (too short)")) }
            if let pattern = field.pattern {
                guard let expression = PatternCache.expression(pattern) else {
                    return .failure(Problem(reason: "pola formulir tidak sah (invalid pattern in the form)"))
                }
                let range = NSRange(text.startIndex..., in: text)
                guard expression.firstMatch(in: text, range: range) != nil else {
                    return .failure(Problem(reason: "format tidak sesuai \(pattern) (does not match the pattern)"))
                }
            }
            return .success(.string(text))
        }
    }

    func number(_ value: JSONValue, _ field: FormField) -> Result<JSONValue, Problem> {
        let number: Double? = switch value {
        case .number(let number): number
        case .string(let text): Double(text.trimmingWhitespace())
        default: nil
        }
        guard let number, number.isFinite else { return .failure(Problem(reason: "harus angka (must be a number)")) }
        if field.integer == true, number.rounded() != number { return .failure(Problem(reason: "harus bilangan bulat (must be whole)")) }
        if let min = field.min, number < min { return .failure(Problem(reason: "minimal \(Self.format(min)) (too small)")) }
        if let max = field.max, number > max { return .failure(Problem(reason: "maksimal \(Self.format(max)) (too large)")) }
        return .success(.number(number))
    }

    func option(_ value: JSONValue, _ field: FormField) -> Result<JSONValue, Problem> {
        let options = field.options ?? []
        let text: String? = switch value {
        case .string(let text): text.trimmingWhitespace()
        // Whole numbers name options ("1", "2"…); one beyond Int's range is no option at all.
        case .number(let number): Int(exactly: number).map(String.init)
        default: nil
        }
        guard let text, options.contains(text) else {
            return .failure(Problem(reason: "harus salah satu dari: " + options.joined(separator: ", ") + " (not an option)"))
        }
        return .success(.string(text))
    }

    func nik(_ text: String) -> Result<JSONValue, Problem> {
        switch NIK.parse(text, reference: today ?? Self.farFuture) {
        case .failure(let problems):
            return .failure(Problem(reason: "NIK tidak sah: \(problems)"))
        case .success(let nik):
            if let regionExists, let district = RegionCode(nik.districtCode), !regionExists(district) {
                return .failure(Problem(reason: "kecamatan \(district) dalam NIK tidak dikenal (unknown district)"))
            }
            return .success(.string(nik.digits))
        }
    }

    /// Without `today`, a NIK's two-digit year is read as 20YY (the most lenient reading).
    static let farFuture = CivilDate(year: 2099, month: 12, day: 31)!

    static func phone(_ text: String) -> Result<JSONValue, Problem> {
        var digits = text.filter { !" -().".contains($0) }
        if digits.hasPrefix("+62") { digits = "0" + digits.dropFirst(3) } else if digits.hasPrefix("62") { digits = "0" + digits.dropFirst(2) }
        guard digits.hasPrefix("0"), (9...13).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              digits.dropFirst().first != "0" else {
            return .failure(Problem(reason: "nomor telepon tidak sah, contoh 081234567890 (invalid phone number)"))
        }
        return .success(.string("+62" + digits.dropFirst()))
    }

    static func email(_ text: String) -> Result<JSONValue, Problem> {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        let labelCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        guard text.count <= 254, parts.count == 2, (1...64).contains(parts[0].count), parts[0].allSatisfy(localCharacters.contains),
              !parts[0].hasPrefix("."), !parts[0].hasSuffix("."), !parts[0].contains("..") else {
            return .failure(Problem(reason: "alamat email tidak sah (invalid email)"))
        }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ (1...63).contains($0.count) && $0.allSatisfy(labelCharacters.contains)
                  && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
              let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else {
            return .failure(Problem(reason: "alamat email tidak sah (invalid email)"))
        }
        return .success(.string(parts[0] + "@" + parts[1].lowercased()))
    }

    func region(_ text: String, _ field: FormField) -> Result<JSONValue, Problem> {
        guard let code = RegionCode(text) else {
            return .failure(Problem(reason: "kode wilayah tidak sah, contoh 32.73.01.1001 (invalid region code)"))
        }
        if let level = field.level, code.level != level {
            return .failure(Problem(reason: "harus kode \(Self.levelName(level)) (must be a \(level.rawValue) code)"))
        }
        if let regionExists, !regionExists(code) {
            return .failure(Problem(reason: "wilayah \(code) tidak dikenal (unknown region)"))
        }
        return .success(.string(code.value))
    }

    func file(_ value: JSONValue, _ field: FormField) -> Result<JSONValue, Problem> {
        let reference: JSONValue? = switch value {
        case .string(let id) where !id.isEmpty: ["document": .string(id)]
        case .object(let members) where members["document"]?.stringValue?.isEmpty == false: value
        case .object(let members) where (members["attachment"]?.intValue ?? -1) >= 0: value
        default: nil
        }
        guard let reference else {
            return .failure(Problem(reason: "harus {\"document\": ID} atau {\"attachment\": N} (must reference a document)"))
        }
        if let accept = field.accept, let type = reference["type"]?.stringValue?.lowercased() {
            let canonical = type == "jpg" ? "jpeg" : type
            guard accept.contains(canonical) || accept.contains(type) else {
                return .failure(Problem(reason: "jenis berkas harus " + accept.joined(separator: ", ") + " (file type not accepted)"))
            }
        }
        return .success(reference)
    }

    static func levelName(_ level: RegionLevel) -> String {
        switch level {
        case .province: "provinsi"
        case .regency: "kabupaten/kota"
        case .district: "kecamatan"
        case .village: "desa/kelurahan"
        }
    }

    static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
