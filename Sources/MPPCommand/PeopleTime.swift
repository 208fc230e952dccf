import Domain
import Support

/// Times in the command line's human output: compact, in the kab/kota's own zone with its label
/// (`PeopleFormat`), never bare UTC; `--json` keeps the wire's RFC 3339 UTC.
enum PeopleTime {
    /// `MPP_LANG`: `id` (default) or `en`.
    static func language(_ context: CommandContext) -> DisplayLanguage {
        DisplayLanguage(rawValue: context.environment.string("MPP_LANG", default: "id")) ?? .indonesian
    }

    /// A wire instant for `region` (a region code, or a tracking number whose first four digits
    /// are its kab/kota); "-" when absent.
    static func show(_ rfc3339: String?, region: String, _ language: DisplayLanguage = .indonesian) -> String {
        guard let rfc3339, !rfc3339.isEmpty else { return "-" }
        return PeopleFormat.compact(rfc3339: rfc3339, region: regionCode(region), language: language)
    }

    /// A local date from the wire (`2026-12-03`) as "3 Des 2026"; the text unchanged otherwise.
    static func showDate(_ text: String, _ language: DisplayLanguage = .indonesian) -> String {
        CivilDate(text).map { PeopleFormat.compactDate($0, language: language) } ?? text
    }

    /// `3273-261203-K7Q4MX` → `32.73`; region codes unchanged.
    static func regionCode(_ text: String) -> String {
        let digits = text.prefix { $0.isNumber }
        guard digits.count == 4, text.dropFirst(4).first == "-" else { return text }
        return "\(digits.prefix(2)).\(digits.suffix(2))"
    }
}
