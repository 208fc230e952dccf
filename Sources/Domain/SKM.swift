/// The community satisfaction survey (*Survei Kepuasan Masyarakat*, PermenPANRB 14/2017):
/// nine elements scored 1–4; the index is the mean of the element means × 25 (each element
/// weighs 1/9), graded A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99.
public enum SKM {
    public static let elementCount = 9

    /// The nine elements, in order (Bahasa Indonesia as in the regulation).
    public static let elements = [
        "persyaratan", "sistem_mekanisme_prosedur", "waktu_penyelesaian", "biaya_tarif", "produk_spesifikasi",
        "kompetensi_pelaksana", "perilaku_pelaksana", "penanganan_pengaduan", "sarana_prasarana",
    ]

    public enum Grade: String, Codable, Sendable, Comparable {
        case a = "A", b = "B", c = "C", d = "D"

        /// Mutu pelayanan.
        public var meaning: String {
            switch self {
            case .a: "Sangat Baik"
            case .b: "Baik"
            case .c: "Kurang Baik"
            case .d: "Tidak Baik"
            }
        }

        public static func < (a: Grade, b: Grade) -> Bool { a.rawValue > b.rawValue }
    }

    /// Problems with one response's scores (empty when valid).
    public static func problems(_ scores: [Int]) -> [String: String] {
        guard scores.count == elementCount else { return ["scores": "harus \(elementCount) nilai (9 unsur SKM)"] }
        var problems: [String: String] = [:]
        for (index, score) in scores.enumerated() where !(1...4).contains(score) {
            problems["scores[\(index)]"] = "harus 1–4"
        }
        return problems
    }

    /// The index (25–100) of a set of valid responses, or nil when there are none.
    public static func index(_ responses: [[Int]]) -> Double? {
        let valid = responses.filter { problems($0).isEmpty }
        guard !valid.isEmpty else { return nil }
        var sum = 0.0
        for element in 0..<elementCount {
            sum += Double(valid.reduce(0) { $0 + $1[element] }) / Double(valid.count)
        }
        return (sum / Double(elementCount) * 25 * 100).rounded() / 100
    }

    /// The grade of an index.
    public static func grade(_ index: Double) -> Grade {
        switch index {
        case 88.31...: .a
        case 76.61..<88.31: .b
        case 65.00..<76.61: .c
        default: .d
        }
    }
}
