import Domain
import Foundation
import Support

/// Times shown to people, in the local time of the region the application was filed in:
/// `2026-01-05 17:00 WIB`. Provinces by their Kemendagri code: Bali, NTB, NTT, South, East and
/// North Kalimantan and Sulawesi are WITA; Maluku and Papua WIT; the rest WIB.
enum LocalTime {
    static func zone(region: String) -> IndonesianTimeZone {
        guard let province = Int(region.prefix(2)) else { return .wib }
        switch province {
        case 51...53, 63...65, 71...76: return .wita
        case 81...99: return .wit
        default: return .wib
        }
    }

    /// An RFC 3339 time as local wall-clock time; the input unchanged when it cannot be read.
    static func format(_ rfc3339: String, region: String) -> String {
        guard let date = Timestamp.parse(rfc3339) else { return rfc3339 }
        let zone = zone(region: region)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: zone.secondsFromUTC) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)) \(zone.rawValue)"
    }
}
