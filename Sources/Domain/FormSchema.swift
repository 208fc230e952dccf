import Foundation

/// The kind of value a form field takes.
public enum FormFieldType: String, Codable, Sendable, CaseIterable {
    /// Free text; `pattern`, `max_length`, `min_length` apply.
    case text
    /// A JSON number (or a numeric string); `min`, `max`, `integer` apply.
    case number
    /// A calendar date `YYYY-MM-DD`.
    case date
    /// One of `options`.
    case `enum`
    /// A 16-digit NIK whose region and date parts are plausible.
    case nik
    /// An Indonesian phone number: `08…`, `628…` or `+628…`, 10–15 digits.
    case phone
    case email
    /// A Kemendagri region code, at `level` when given.
    case region
    /// A document: `{"document": ID}` (already uploaded) or `{"attachment": N}` (frame N of the request), optionally with `"type"`.
    case file

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let type = FormFieldType(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "tipe tidak dikenal \"\(text)\": harus " + Self.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        self = type
    }
}

/// File types a requirement or a `file` field may accept.
public enum DocumentType {
    public static let known: Set<String> = ["pdf", "jpeg", "jpg", "png"]
}

/// One field of a service's application form.
public struct FormField: Codable, Sendable, Hashable {
    public var key: String
    public var label: String
    public var label_en: String?
    public var type: FormFieldType
    public var required: Bool
    /// A regular expression the whole text must match (anchor it with `^…$`), for `text`.
    public var pattern: String?
    /// Bounds of a `number`.
    public var min: Double?
    public var max: Double?
    /// Whether a `number` must be whole.
    public var integer: Bool?
    /// Length bounds of a `text`, in characters.
    public var min_length: Int?
    public var max_length: Int?
    /// Choices of an `enum`.
    public var options: [String]?
    /// Required level of a `region` value.
    public var level: RegionLevel?
    /// Accepted `DocumentType`s of a `file`.
    public var accept: [String]?
    /// The citizen-profile key that pre-fills this field ("input data once"), e.g. `address.village_code`.
    public var prefill: String?
    public var help: String?

    public init(key: String, label: String, label_en: String? = nil, type: FormFieldType, required: Bool = false,
                pattern: String? = nil, min: Double? = nil, max: Double? = nil, integer: Bool? = nil,
                min_length: Int? = nil, max_length: Int? = nil, options: [String]? = nil, level: RegionLevel? = nil,
                accept: [String]? = nil, prefill: String? = nil, help: String? = nil) {
        self.key = key
        self.label = label
        self.label_en = label_en
        self.type = type
        self.required = required
        self.pattern = pattern
        self.min = min
        self.max = max
        self.integer = integer
        self.min_length = min_length
        self.max_length = max_length
        self.options = options
        self.level = level
        self.accept = accept
        self.prefill = prefill
        self.help = help
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        label = try container.decode(String.self, forKey: .label)
        label_en = try container.decodeIfPresent(String.self, forKey: .label_en)
        type = try container.decode(FormFieldType.self, forKey: .type)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
        pattern = try container.decodeIfPresent(String.self, forKey: .pattern)
        min = try container.decodeIfPresent(Double.self, forKey: .min)
        max = try container.decodeIfPresent(Double.self, forKey: .max)
        integer = try container.decodeIfPresent(Bool.self, forKey: .integer)
        min_length = try container.decodeIfPresent(Int.self, forKey: .min_length)
        max_length = try container.decodeIfPresent(Int.self, forKey: .max_length)
        options = try container.decodeIfPresent([String].self, forKey: .options)
        level = try container.decodeIfPresent(RegionLevel.self, forKey: .level)
        accept = try container.decodeIfPresent([String].self, forKey: .accept)
        prefill = try container.decodeIfPresent(String.self, forKey: .prefill)
        help = try container.decodeIfPresent(String.self, forKey: .help)
    }
}

/// Checks that a form's field definitions make sense (not the submitted values: see `FormValidator`).
public enum FormSchema {
    /// Field keys: a letter, then letters, digits or `_`, at most 64.
    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, key.count <= 64,
              ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Problems of the definitions, keyed `PREFIX[i].property` (empty when the form is sound).
    public static func problems(_ fields: [FormField], prefix: String = "form") -> [String: String] {
        var problems: [String: String] = [:]
        var seen: Set<String> = []
        for (index, field) in fields.enumerated() {
            let at = "\(prefix)[\(index)]"
            if !isValidKey(field.key) { problems["\(at).key"] = "huruf, angka atau _, diawali huruf, maks. 64 (letters, digits, _)" }
            if !seen.insert(field.key).inserted { problems["\(at).key"] = "kunci \"\(field.key)\" ganda (duplicate key)" }
            if field.label.trimmingCharacters(in: .whitespaces).isEmpty { problems["\(at).label"] = "wajib diisi (required)" }
            for (property, value) in constraints(field) where value && !applies(property, to: field.type) {
                problems["\(at).\(property)"] = "tidak berlaku untuk tipe \(field.type.rawValue) (not for this type)"
            }
            if field.type == .enum {
                let options = field.options ?? []
                if options.isEmpty { problems["\(at).options"] = "enum wajib punya pilihan (options required)" }
                if Set(options).count != options.count { problems["\(at).options"] = "pilihan ganda (duplicate options)" }
            }
            if let min = field.min, let max = field.max, min > max { problems["\(at).min"] = "min lebih besar dari max" }
            if let length = field.max_length, length < 1 { problems["\(at).max_length"] = "harus ≥ 1" }
            if let low = field.min_length, low < 0 || low > (field.max_length ?? Int.max) { problems["\(at).min_length"] = "harus 0…max_length" }
            if let pattern = field.pattern, PatternCache.expression(pattern) == nil {
                problems["\(at).pattern"] = "ekspresi reguler tidak sah (invalid regular expression)"
            }
            if let accept = field.accept, accept.isEmpty || !Set(accept).isSubset(of: DocumentType.known) {
                problems["\(at).accept"] = "harus dari " + DocumentType.known.sorted().joined(separator: ", ")
            }
        }
        return problems
    }

    private static func constraints(_ field: FormField) -> [(String, Bool)] {
        [("pattern", field.pattern != nil), ("min", field.min != nil), ("max", field.max != nil),
         ("integer", field.integer != nil), ("min_length", field.min_length != nil), ("max_length", field.max_length != nil),
         ("options", field.options != nil), ("level", field.level != nil), ("accept", field.accept != nil)]
    }

    private static func applies(_ property: String, to type: FormFieldType) -> Bool {
        switch property {
        case "pattern", "min_length", "max_length": type == .text
        case "min", "max", "integer": type == .number
        case "options": type == .enum
        case "level": type == .region
        case "accept": type == .file
        default: true
        }
    }
}
