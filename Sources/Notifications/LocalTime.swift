import Domain
import Foundation
import Support

/// Times shown to people, in the local time of the region the application was filed in:
/// `2026-01-05 17:00 WIB`, the zone from `IndonesianTimeZone(province:)`.
enum LocalTime {
    static func zone(region: String) -> IndonesianTimeZone { IndonesianTimeZone(province: region) ?? .wib }

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
