import Domain
import Foundation
import Support

/// Times shown to people in notifications, in the local time of the region the application was
/// filed in (`PeopleFormat`, compact: "3 Des 2026 16.00 WIB").
enum LocalTime {
    /// An RFC 3339 time as local wall-clock time; the input unchanged when it cannot be read.
    static func format(_ rfc3339: String, region: String) -> String {
        PeopleFormat.compact(rfc3339: rfc3339, region: region)
    }
}
