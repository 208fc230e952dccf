import Foundation

/// A Nomor Induk Kependudukan: the 16-digit national identity number on every KTP-el.
///
/// Layout (`PPRRDD DDMMYY SSSS`): province, regency/city and district (the Kemendagri district
/// code of the first registration, without dots), then the birth date as day, month, two-digit
/// year — with 40 added to the day for women — then a serial that is never `0000`.
///
/// `parse` checks the shape only; whether the district exists (current or historical lists) is
/// the catalog's knowledge, and whether the date matches the person's recorded birth date is the
/// caller's comparison (`matches(birthDate:)`): some genuine NIKs do not match.
public struct NIK: Sendable, Hashable, CustomStringConvertible {
    /// The 16 digits.
    public let digits: String
    /// The birth date the NIK encodes, the century resolved against the reference date.
    public let birthDate: CivilDate
    public let sex: Sex

    /// Sex as encoded by the day (day + 40 = female).
    public enum Sex: String, Sendable, Codable, CaseIterable {
        case male
        case female
    }

    /// What is wrong with a NIK text. `parse` reports every problem it can see.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// Not 16 characters long (the count found).
        case length(Int)
        /// Characters other than the digits 0–9.
        case notDigits
        /// A region part is `00`: `province`, `regency` or `district`.
        case zeroRegion(part: String)
        /// Digits 7–8 are not a day 01–31 (men) or 41–71 (women).
        case day(Int)
        /// Digits 9–10 are not a month 01–12.
        case month(Int)
        /// Day and month are in range but the date does not exist (31 April, 29 February 2023).
        case noSuchDate(day: Int, month: Int, year: Int)
        /// Digits 13–16 are `0000`.
        case zeroSerial

        public var description: String {
            switch self {
            case .length(let count): "harus 16 digit, bukan \(count) (must be 16 digits)"
            case .notDigits: "hanya boleh angka 0–9 (digits only)"
            case .zeroRegion(let part): "kode \(Self.regionWord(part)) tidak boleh 00 (\(part) code cannot be 00)"
            case .day(let day): "tanggal lahir \(String(format: "%02d", day)) tidak sah: 01–31, atau 41–71 untuk perempuan (day must be 01–31 or 41–71)"
            case .month(let month): "bulan lahir \(String(format: "%02d", month)) tidak sah: 01–12 (month must be 01–12)"
            case .noSuchDate(let day, let month, let year):
                "tanggal \(String(format: "%02d-%02d-%04d", day, month, year)) tidak ada di kalender (no such date)"
            case .zeroSerial: "nomor urut tidak boleh 0000 (serial cannot be 0000)"
            }
        }

        private static func regionWord(_ part: String) -> String {
            switch part {
            case "province": "provinsi"
            case "regency": "kabupaten/kota"
            default: "kecamatan"
            }
        }
    }

    /// The problems of a NIK that failed to parse; `description` joins them for a field error.
    public struct Problems: Error, Sendable, Hashable, CustomStringConvertible {
        public let problems: [Problem]
        public var description: String { problems.map(\.description).joined(separator: "; ") }
    }

    /// Parses `text` (spaces, dots and dashes between digits are tolerated, as NIKs are often
    /// written `3273 0115 0190 0001`), resolving the two-digit year against `reference` (today):
    /// 20YY unless that date lies after `reference`, else 19YY.
    public static func parse(_ text: String, reference: CivilDate) -> Result<NIK, Problems> {
        let compact = text.filter { $0 != " " && $0 != "." && $0 != "-" }
        var problems: [Problem] = []
        let characters = Array(compact)
        if characters.count != 16 { problems.append(.length(characters.count)) }
        if !characters.allSatisfy(\.isASCIIDigit) { problems.append(.notDigits) }

        /// The number at `range` when those characters exist and are digits.
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            let slice = characters[range]
            guard slice.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int(String(slice))
        }
        for (part, range) in [("province", 0..<2), ("regency", 2..<4), ("district", 4..<6)] where number(range) == 0 {
            problems.append(.zeroRegion(part: part))
        }
        var date: (day: Int, month: Int, yy: Int, sex: Sex)?
        let rawDay = number(6..<8), month = number(8..<10), yy = number(10..<12)
        if let rawDay, !(1...31).contains(rawDay), !(41...71).contains(rawDay) { problems.append(.day(rawDay)) }
        if let month, !(1...12).contains(month) { problems.append(.month(month)) }
        if let rawDay, let month, let yy, (1...31).contains(rawDay % 40), rawDay <= 71, (1...12).contains(month) {
            date = (rawDay > 40 ? rawDay - 40 : rawDay, month, yy, rawDay > 40 ? .female : .male)
        }
        var birthDate: CivilDate?
        if let date {
            let year = resolveYear(date.yy, month: date.month, day: date.day, reference: reference)
            birthDate = CivilDate(year: year, month: date.month, day: date.day)
            if birthDate == nil { problems.append(.noSuchDate(day: date.day, month: date.month, year: year)) }
        }
        if number(12..<16) == 0 { problems.append(.zeroSerial) }

        guard problems.isEmpty, let birthDate, let date else {
            return .failure(Problems(problems: problems))
        }
        return .success(NIK(digits: compact, birthDate: birthDate, sex: date.sex))
    }

    /// Parses against the date of `now` in western Indonesia (WIB): the earliest zone to reach a
    /// new day is not needed, a birth today is rare enough either way.
    public static func parse(_ text: String, now: Date) -> Result<NIK, Problems> {
        parse(text, reference: today(now))
    }

    /// The calendar date of `now` in WIB (UTC+7).
    public static func today(_ now: Date) -> CivilDate {
        IndonesianTimeZone.wib.date(of: now)
    }

    /// 20YY when that birthday is not after `reference`, else 19YY. A day that does not exist
    /// in 20YY (29 February) is compared as the last day of its month.
    static func resolveYear(_ yy: Int, month: Int, day: Int, reference: CivilDate) -> Int {
        let recent = 2000 + yy
        let clampedDay = min(day, CivilDate.daysIn(month: month, year: recent))
        guard let candidate = CivilDate(year: recent, month: month, day: clampedDay) else { return 1900 + yy }
        return candidate > reference ? 1900 + yy : recent
    }

    /// `PP`, e.g. `32`.
    public var provinceCode: String { String(digits.prefix(2)) }
    /// `PP.RR`, e.g. `32.73`.
    public var regencyCode: String { "\(digits.prefix(2)).\(slice(2, 4))" }
    /// `PP.RR.DD`, e.g. `32.73.01`: the Kemendagri district code of the first registration.
    public var districtCode: String { "\(regencyCode).\(slice(4, 6))" }
    /// Digits 13–16.
    public var serial: String { slice(12, 16) }

    /// Whether the NIK's date is `birthDate` (day, month and the year's last two digits).
    /// A mismatch does not make a NIK false: some genuine NIKs carry another date.
    public func matches(birthDate other: CivilDate) -> Bool {
        birthDate.day == other.day && birthDate.month == other.month && birthDate.year % 100 == other.year % 100
    }

    /// The district part kept and the rest hidden (`327301**********`), for logs.
    public var masked: String { String(digits.prefix(6)) + String(repeating: "*", count: 10) }

    public var description: String { digits }

    private func slice(_ from: Int, _ to: Int) -> String {
        let start = digits.index(digits.startIndex, offsetBy: from)
        return String(digits[start..<digits.index(digits.startIndex, offsetBy: to)])
    }
}

fileprivate extension Character {
    /// `0`…`9` only (not other Unicode digits).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
