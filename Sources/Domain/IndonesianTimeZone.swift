/// Indonesia's three time zones. No daylight saving, so a fixed offset is exact.
public enum IndonesianTimeZone: String, Codable, Sendable, CaseIterable {
    /// Waktu Indonesia Barat, Asia/Jakarta, UTC+7.
    case wib = "WIB"
    /// Waktu Indonesia Tengah, Asia/Makassar, UTC+8.
    case wita = "WITA"
    /// Waktu Indonesia Timur, Asia/Jayapura, UTC+9.
    case wit = "WIT"

    public var secondsFromUTC: Int {
        switch self {
        case .wib: 7 * 3600
        case .wita: 8 * 3600
        case .wit: 9 * 3600
        }
    }

    /// The IANA name.
    public var identifier: String {
        switch self {
        case .wib: "Asia/Jakarta"
        case .wita: "Asia/Makassar"
        case .wit: "Asia/Jayapura"
        }
    }

    public init?(identifier: String) {
        guard let zone = Self.allCases.first(where: { $0.identifier == identifier || $0.rawValue == identifier }) else { return nil }
        self = zone
    }
}
