import Domain
import Foundation
import Support

/// The date an application was filed on: the calendar date at its kab/kota (WIB, WITA or WIT by
/// province), as its tracking number and `applications.track` show it.
enum FilingDate {
    static func local(_ instant: Date, region: String) -> CivilDate {
        (IndonesianTimeZone(province: region) ?? .wib).date(of: instant)
    }

    /// The local date of a stored RFC 3339 submission time; its UTC date if it cannot be read.
    static func local(_ stored: String, region: String) -> String {
        Timestamp.parse(stored).map { local($0, region: region).description } ?? String(stored.prefix(10))
    }
}
