import Foundation
import Support

/// The time zone of every province, from the reference data (`Reference/province_timezones.csv`,
/// compiled into the binary): the one table the services and the command line use.
extension IndonesianTimeZone {
    /// The zone of a province by its Kemendagri code (`NN`), or of any region code inside it
    /// (`NN.NN`, `NN.NN.NN`, `NN.NN.NN.NNNN`); nil for a code of no province.
    public init?(province code: String) {
        let utf8 = code.utf8
        guard utf8.count == 2 || (utf8.count > 2 && utf8.dropFirst(2).first == UInt8(ascii: ".")),
              let zone = Self.provinces[String(code.prefix(2))] else { return nil }
        self = zone
    }

    /// Province code → zone, as the reference file lists them.
    public static let provinces: [String: IndonesianTimeZone] = {
        // The file ships inside the binary and a test reads every row: a bad row is a build defect.
        let rows = try! CSVReader.records(PackageResources.province_timezones_csv)
        return Dictionary(uniqueKeysWithValues: rows.map { row in
            guard let code = row["province_code"], let zone = row["zone"].flatMap(IndonesianTimeZone.init(rawValue:)) else {
                preconditionFailure("province_timezones.csv: bad row \(row.fields)")
            }
            return (code, zone)
        })
    }()

    /// The calendar date of `instant` on a wall clock in this zone.
    public func date(of instant: Date) -> CivilDate {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + secondsFromUTC
        return CivilDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
    }
}
