import Domain

/// A region name query with its type words taken apart: "Kab. Klungkung" → words `klungkung`,
/// hint kabupaten; "kota adm. jakarta pusat" → `jakarta pusat`, hint kota; "kec sukasari" →
/// `sukasari`, hint district. Forgives case, punctuation and the usual prefixes. Pure.
struct RegionQuery: Equatable {
    /// What a leading type word says about the region sought.
    enum Hint: Equatable {
        case province
        /// A kabupaten (`city == false`) or kota (`city == true`).
        case regency(city: Bool)
        case district
        case village

        var level: RegionLevel {
            switch self {
            case .province: .province
            case .regency: .regency
            case .district: .district
            case .village: .village
            }
        }
    }

    static let typeWords: [String: Hint] = [
        "provinsi": .province, "prov": .province, "propinsi": .province,
        "kabupaten": .regency(city: false), "kab": .regency(city: false),
        "kota": .regency(city: true), "kotamadya": .regency(city: true),
        "kecamatan": .district, "kec": .district, "distrik": .district,
        "desa": .village, "ds": .village, "kelurahan": .village, "kel": .village, "kampung": .village, "nagari": .village,
    ]
    static let fillerWords: Set<String> = ["adm", "administrasi"]

    /// The folded query as typed.
    let raw: String
    /// The words to match, type words removed.
    let words: [String]
    let hint: Hint?

    init(_ text: String) {
        let all = TextFolding.words(text)
        var words = all[...]
        var hint: Hint?
        if let first = words.first, let found = Self.typeWords[first], words.count > 1 {
            hint = found
            words = words.dropFirst()
            while let next = words.first, Self.fillerWords.contains(next), words.count > 1 { words = words.dropFirst() }
        }
        raw = all.joined(separator: " ")
        self.words = Array(words)
        self.hint = hint
    }

    var isEmpty: Bool { words.isEmpty }

    /// The words a region is indexed under: its folded name, without the "Kabupaten"/"Kota
    /// (Administrasi)" of a regency.
    static func indexWords(name: String, level: RegionLevel) -> String {
        var words = TextFolding.words(name)[...]
        if level == .regency, let first = words.first, first == "kabupaten" || first == "kota", words.count > 1 {
            words = words.dropFirst()
            if words.first == "administrasi", words.count > 1 { words = words.dropFirst() }
        }
        return words.joined(separator: " ")
    }

    /// Sort key of a candidate, smaller first: exact name, then the hinted type, then a name
    /// starting with the query, then shallower levels, shorter names, codes.
    func rank(code: RegionCode, name: String, level: RegionLevel) -> (Int, Int, Int, Int, String) {
        let indexed = Self.indexWords(name: name, level: level)
        let wanted = words.joined(separator: " ")
        let exactness = indexed == wanted || TextFolding.fold(name) == raw ? 0 : indexed.hasPrefix(wanted) ? 1 : 2
        return (exactness, matches(code: code, level: level) ? 0 : 1, level.depth, name.count, code.value)
    }

    /// Whether the region is of the hinted type (true without a hint).
    func matches(code: RegionCode, level: RegionLevel) -> Bool {
        guard let hint else { return true }
        if case .regency(let city) = hint { return level == .regency && code.isCity == city }
        return level == hint.level
    }
}
