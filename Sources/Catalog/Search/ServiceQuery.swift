/// A service search query after normalisation: folded words with the common spellings and
/// abbreviations rewritten to the words the catalog uses ("e-ktp", "ktp" → "ktp el";
/// "akta lahir" → "akta kelahiran"; "kk" → "kartu keluarga"; "sip" → "surat izin praktik"…).
/// Each resulting term is a word or a phrase; all must match (falling back to any). Pure.
struct ServiceQuery: Equatable {
    /// Rewrites, longest pattern first at each position.
    static let synonyms: [(pattern: [String], canonical: [String])] = [
        (["kartu", "tanda", "penduduk"], ["ktp", "el"]),
        (["kartu", "identitas", "anak"], ["kartu", "identitas", "anak"]),
        (["akta", "lahir"], ["akta", "kelahiran"]), (["akte", "lahir"], ["akta", "kelahiran"]),
        (["akte", "kelahiran"], ["akta", "kelahiran"]),
        (["akta", "mati"], ["akta", "kematian"]), (["akte", "mati"], ["akta", "kematian"]),
        (["akte", "kematian"], ["akta", "kematian"]),
        (["surat", "izin", "praktek"], ["surat", "izin", "praktik"]), (["surat", "ijin", "praktik"], ["surat", "izin", "praktik"]),
        (["surat", "ijin", "praktek"], ["surat", "izin", "praktik"]),
        (["e", "ktp"], ["ktp", "el"]), (["ktp", "el"], ["ktp", "el"]), (["ktp", "elektronik"], ["ktp", "el"]),
        (["kartu", "keluarga"], ["kartu", "keluarga"]),
        (["dokter", "gigi"], ["dokter", "gigi"]),
        (["ektp"], ["ktp", "el"]), (["ktpel"], ["ktp", "el"]), (["ktp"], ["ktp", "el"]),
        (["kk"], ["kartu", "keluarga"]), (["kia"], ["kartu", "identitas", "anak"]),
        (["sip"], ["surat", "izin", "praktik"]), (["drg"], ["dokter", "gigi"]), (["dr"], ["dokter"]),
        (["akte"], ["akta"]), (["ijin"], ["izin"]), (["praktek"], ["praktik"]),
        (["lahir"], ["kelahiran"]), (["mati"], ["kematian"]), (["meninggal"], ["kematian"]),
        (["nakes"], ["tenaga", "kesehatan"]), (["pindahan"], ["pindah"]),
    ]

    /// The query's terms: each a word or a phrase (several words that must be adjacent).
    let terms: [[String]]

    init(_ text: String) {
        let words = TextFolding.words(text)
        var terms: [[String]] = []
        var index = 0
        while index < words.count {
            let rest = words[index...]
            if let rule = Self.synonyms.first(where: { rest.starts(with: $0.pattern) }) {
                terms.append(rule.canonical)
                index += rule.pattern.count
            } else {
                terms.append([words[index]])
                index += 1
            }
        }
        var seen: Set<[String]> = []
        self.terms = terms.filter { seen.insert($0).inserted }
    }

    var isEmpty: Bool { terms.isEmpty }

    /// FTS5 query requiring every term; each term matches as a prefix of its last word.
    var matchAll: String { terms.map(Self.phrase).joined(separator: " ") }

    /// FTS5 query requiring any term.
    var matchAny: String { terms.map(Self.phrase).joined(separator: " OR ") }

    /// Words are folded (letters and digits only), so quoting is enough to keep FTS5 syntax out.
    static func phrase(_ words: [String]) -> String { "\"" + words.joined(separator: " ") + "\"*" }
}
