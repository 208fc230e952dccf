/// The number a citizen uses to follow an application, readable over the phone:
/// `RRRR-YYMMDD-XXXXXXC`, e.g. `3273-261123-K7Q4MXW`:
/// - `RRRR`: the kab/kota (regency/city) code without its dot (`32.73` → `3273`);
/// - `YYMMDD`: the filing date (local date of the MPP);
/// - `XXXXXX`: six random Crockford base-32 symbols (no I, L, O, U: nothing to confuse with
///   1 or 0), so numbers cannot be guessed by counting — about 10⁹ per kab/kota and day;
/// - `C`: a check symbol over everything before it (ISO 7064 hybrid MOD 33,32), which catches
///   every single mistyped symbol and most swapped neighbours before a lookup is made.
///
/// Parsing is forgiving the way Crockford base 32 is: lower case, spaces or no hyphens,
/// `O` for 0 and `I`/`L` for 1 are accepted; `description` is the canonical form.
public struct TrackingNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The Crockford base-32 alphabet: symbol value = index.
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// Number of random symbols.
    public static let randomCount = 6

    /// The kab/kota code, dotted (`32.73`).
    public let region: RegionCode
    /// The filing date.
    public let date: CivilDate
    /// The random part plus its check symbol (7 symbols).
    public let code: String

    /// A new number for an application filed in `region` (a kab/kota code) on `date`.
    public init(region: RegionCode, date: CivilDate, using generator: inout some RandomNumberGenerator) {
        precondition(region.level == .regency, "a tracking number needs a kab/kota code")
        let random = String((0..<Self.randomCount).map { _ in Self.alphabet[Int(generator.next(upperBound: UInt32(32)))] })
        self.init(unchecked: region, date: date, random: random)
    }

    /// A new number with the system's cryptographic random source.
    public init(region: RegionCode, date: CivilDate) {
        var generator = SystemRandomNumberGenerator()
        self.init(region: region, date: date, using: &generator)
    }

    private init(unchecked region: RegionCode, date: CivilDate, random: String) {
        self.region = region
        self.date = date
        let body = Self.digits(region) + Self.dateDigits(date) + random
        code = random + String(Self.alphabet[Self.checkValue(body.map { Self.value(of: $0)! })])
    }

    /// What is wrong with a tracking number text.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not `RRRR-YYMMDD-XXXXXXC` (17 symbols once hyphens and spaces are removed).
        case shape
        /// The region part is not a kab/kota code.
        case region
        /// The date part is not a calendar date.
        case date
        /// The check symbol does not match: a symbol was misread.
        case check

        public var description: String {
            switch self {
            case .shape: "format harus RRRR-YYMMDD-XXXXXXC, contoh 3273-261123-K7Q4MXW (expected RRRR-YYMMDD-XXXXXXC)"
            case .region: "kode kab/kota tidak sah (bad regency code)"
            case .date: "tanggal tidak sah (bad date)"
            case .check: "karakter kontrol tidak cocok: periksa kembali nomornya (check symbol mismatch: a symbol was misread)"
            }
        }
    }

    /// Parses a number as typed or read out.
    public static func parse(_ text: String) -> Result<TrackingNumber, Problem> {
        let symbols = text.uppercased().filter { $0 != "-" && $0 != " " }.map(normalized)
        guard symbols.count == 4 + 6 + randomCount + 1 else { return .failure(.shape) }
        let values = symbols.compactMap(value(of:))
        guard values.count == symbols.count, values.prefix(10).allSatisfy({ $0 < 10 }) else { return .failure(.shape) }
        guard let region = RegionCode(String(symbols.prefix(4))), region.level == .regency else { return .failure(.region) }
        let digit = { (offset: Int) in values[offset] * 10 + values[offset + 1] }
        guard let date = CivilDate(year: 2000 + digit(4), month: digit(6), day: digit(8)) else { return .failure(.date) }
        guard isValid(values) else { return .failure(.check) }
        return .success(TrackingNumber(unchecked: region, date: date, random: String(symbols[10..<(10 + randomCount)])))
    }

    /// Parses, nil when malformed.
    public init?(_ text: String) {
        guard case .success(let number) = Self.parse(text) else { return nil }
        self = number
    }

    /// `3273-261123-K7Q4MXW`.
    public var description: String { Self.digits(region) + "-" + Self.dateDigits(date) + "-" + code }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Self.parse(text) {
        case .success(let number): self = number
        case .failure(let problem):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: problem.description))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: symbols and the check

    static func digits(_ region: RegionCode) -> String { region.value.filter { $0 != "." } }

    static func dateDigits(_ date: CivilDate) -> String {
        [date.year % 100, date.month, date.day].map { $0 < 10 ? "0\($0)" : "\($0)" }.joined()
    }

    /// Crockford's reading aids: O is 0, I and L are 1.
    static func normalized(_ symbol: Character) -> Character {
        switch symbol {
        case "O": "0"
        case "I", "L": "1"
        default: symbol
        }
    }

    static func value(of symbol: Character) -> Int? { alphabet.firstIndex(of: symbol) }

    /// ISO 7064 hybrid system MOD 33,32: the check value that makes `isValid` hold.
    public static func checkValue(_ values: [Int]) -> Int {
        (33 - product(values)) % 32
    }

    /// Whether the last value is the check value of the others.
    public static func isValid(_ values: [Int]) -> Bool {
        guard let last = values.last else { return false }
        let product = product(values.dropLast())
        let sum = (last + product) % 32
        return sum == 1
    }

    static func product(_ values: some Sequence<Int>) -> Int {
        var product = 32
        for value in values {
            var sum = (value + product) % 32
            if sum == 0 { sum = 32 }
            product = (2 * sum) % 33
        }
        return product
    }
}
