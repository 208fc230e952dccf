import Foundation
import Support

/// The language text is shown in: Bahasa Indonesia by default, English a choice away.
public enum DisplayLanguage: String, Codable, Sendable, CaseIterable {
    case indonesian = "id"
    case english = "en"
}

/// Times, dates and money as people read them, one spec for the CLI, notifications and the
/// portal (DESIGN.md, "Dates for people"): in the kab/kota's own zone with its label, never
/// bare UTC; Indonesian style by default — long "Kamis, 3 Desember 2026 16.00 WIB", compact
/// (tables) "3 Des 2026 16.00 WIB", money "Rp150.000" and "Rp0 (gratis)". The protocol and
/// `--json` keep RFC 3339 UTC. Written here rather than with `Intl`/`DateFormatter`, which say
/// "pukul" and name the zones wrongly.
public enum PeopleFormat {
    static let days: [DisplayLanguage: [String]] = [
        .indonesian: ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
        .english: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    ]
    static let months: [DisplayLanguage: [String]] = [
        .indonesian: ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"],
        .english: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    ]
    static let shortMonths: [DisplayLanguage: [String]] = [
        .indonesian: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
        .english: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ]

    /// The local date and minutes of an instant in `zone`.
    public static func local(_ instant: Date, zone: IndonesianTimeZone) -> (date: CivilDate, hour: Int, minute: Int) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + zone.secondsFromUTC
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - day * 86_400
        return (CivilDate(dayNumber: day), second / 3_600, second % 3_600 / 60)
    }

    /// "Kamis, 3 Desember 2026 16.00 WIB" / "Thursday, 3 December 2026 16:00 WIB".
    public static func long(_ instant: Date, zone: IndonesianTimeZone, language: DisplayLanguage = .indonesian) -> String {
        let (date, hour, minute) = local(instant, zone: zone)
        return "\(longDate(date, language: language)) \(clock(hour, minute, language)) \(zone.rawValue)"
    }

    /// "3 Des 2026 16.00 WIB" / "3 Dec 2026 16:00 WIB", for tables.
    public static func compact(_ instant: Date, zone: IndonesianTimeZone, language: DisplayLanguage = .indonesian) -> String {
        let (date, hour, minute) = local(instant, zone: zone)
        return "\(compactDate(date, language: language)) \(clock(hour, minute, language)) \(zone.rawValue)"
    }

    /// "Kamis, 3 Desember 2026".
    public static func longDate(_ date: CivilDate, language: DisplayLanguage = .indonesian) -> String {
        "\(days[language]![date.weekday]), \(date.day) \(months[language]![date.month - 1]) \(date.year)"
    }

    /// "3 Des 2026".
    public static func compactDate(_ date: CivilDate, language: DisplayLanguage = .indonesian) -> String {
        "\(date.day) \(shortMonths[language]![date.month - 1]) \(date.year)"
    }

    /// An RFC 3339 instant from the wire in compact form for the kab/kota `region` (any code
    /// whose first two digits are its province); the text unchanged when it is not one.
    public static func compact(rfc3339 text: String, region: String, language: DisplayLanguage = .indonesian) -> String {
        guard let instant = Timestamp.parse(text) else { return text }
        return compact(instant, zone: IndonesianTimeZone(province: region) ?? .wib, language: language)
    }

    /// "Rp150.000", and "Rp0 (gratis)" / "Rp0 (free)" for a free service.
    public static func rupiah(_ amount: Int, language: DisplayLanguage = .indonesian) -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(".") }
            grouped.append(digit)
        }
        let text = (amount < 0 ? "-Rp" : "Rp") + grouped
        return amount == 0 ? text + (language == .indonesian ? " (gratis)" : " (free)") : text
    }

    static func clock(_ hour: Int, _ minute: Int, _ language: DisplayLanguage) -> String {
        let separator = language == .indonesian ? "." : ":"
        return (hour < 10 ? "0" : "") + "\(hour)" + separator + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
