/// The level of a Kemendagri region code.
public enum RegionLevel: String, Codable, Sendable, CaseIterable, Comparable {
    /// `NN`
    case province
    /// `NN.NN`: kabupaten (01–69) or kota (71–99)
    case regency
    /// `NN.NN.NN`: kecamatan
    case district
    /// `NN.NN.NN.NNNN`: desa (2xxx) or kelurahan (1xxx)
    case village

    /// Depth, 1 (province) to 4 (village).
    public var depth: Int { Self.allCases.firstIndex(of: self)! + 1 }

    /// The level one below, nil for villages.
    public var child: RegionLevel? { depth < 4 ? Self.allCases[depth] : nil }

    public static func < (a: RegionLevel, b: RegionLevel) -> Bool { a.depth < b.depth }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let level = RegionLevel(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "harus province, regency, district atau village (got \"\(text)\")"))
        }
        self = level
    }
}

/// A Kemendagri region code in its canonical dotted form: province `NN`, regency/city `NN.NN`,
/// district `NN.NN.NN`, village `NN.NN.NN.NNNN`. Accepts the same digits without dots
/// (`3273`, `327301`: the first six NIK digits are a district code). Says nothing about whether
/// the region exists: ask the catalog (`catalog.regions.get`).
public struct RegionCode: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Segment lengths of the dotted form.
    static let segmentLengths = [2, 2, 2, 4]

    /// The dotted form, e.g. `32.73.01`.
    public let value: String
    public let level: RegionLevel

    /// Parses a dotted or digits-only code; surrounding whitespace is ignored. Nil when malformed.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }) else { return nil }
        var segments: [Substring]
        if trimmed.contains(".") {
            segments = trimmed.split(separator: ".", omittingEmptySubsequences: false)
            guard segments.count <= 4, zip(segments, Self.segmentLengths).allSatisfy({ $0.count == $1 }) else { return nil }
        } else {
            segments = []
            var rest = Substring(trimmed)
            for length in Self.segmentLengths where !rest.isEmpty {
                guard rest.count >= length else { return nil }
                segments.append(rest.prefix(length))
                rest = rest.dropFirst(length)
            }
            guard rest.isEmpty else { return nil }
        }
        guard segments.allSatisfy({ !$0.allSatisfy { $0 == "0" } }) else { return nil }
        value = segments.joined(separator: ".")
        level = RegionLevel.allCases[segments.count - 1]
    }

    /// The code without dots (`327301`), as in a NIK.
    public var digits: String { value.replacingOccurrences(of: ".", with: "") }

    public var description: String { value }

    /// The code of the enclosing region, nil for a province.
    public var parent: RegionCode? {
        level == .province ? nil : ancestor(at: RegionLevel.allCases[level.depth - 2])
    }

    /// The enclosing region at `level` (itself at its own level); nil when `level` is deeper.
    public func ancestor(at level: RegionLevel) -> RegionCode? {
        guard level <= self.level else { return nil }
        let length = Self.segmentLengths.prefix(level.depth).reduce(0, +) + level.depth - 1
        return RegionCode(String(value.prefix(length)))
    }

    /// The province (`NN`).
    public var province: RegionCode { ancestor(at: .province)! }

    /// The kabupaten/kota (`NN.NN`), nil for a province.
    public var regency: RegionCode? { ancestor(at: .regency) }

    /// For a regency or below: whether the kab/kota part is a city (kota, 71–99).
    public var isCity: Bool? {
        guard let regency else { return nil }
        return (Int(regency.value.suffix(2)) ?? 0) >= 71
    }

    /// For a village: whether it is a kelurahan (serial starts with 1) rather than a desa (2).
    public var isKelurahan: Bool? { level == .village ? value.split(separator: ".")[3].first == "1" : nil }

    /// Whether `other` is this region or lies inside it.
    public func contains(_ other: RegionCode) -> Bool {
        other == self || other.value.hasPrefix(value + ".")
    }

    public static func < (a: RegionCode, b: RegionCode) -> Bool { a.value < b.value }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = RegionCode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "kode wilayah tidak sah: NN, NN.NN, NN.NN.NN atau NN.NN.NN.NNNN (got \"\(text)\")"))
        }
        self = code
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

import Foundation
