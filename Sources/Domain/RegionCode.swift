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
    /// Length of the dotted form per level: `NN`, `NN.NN`, `NN.NN.NN`, `NN.NN.NN.NNNN`.
    static let dottedLengths = [2, 5, 8, 13]
    /// Length of the digits-only form per level.
    static let digitLengths = [2, 4, 6, 10]

    /// The dotted form, e.g. `32.73.01`.
    public let value: String
    public let level: RegionLevel

    /// Parses a dotted or digits-only code; surrounding whitespace is ignored. Nil when malformed
    /// (wrong lengths, misplaced dots, other characters, a segment of zeros). Works on the UTF-8
    /// bytes: lookups parse a code per request.
    public init?(_ text: String) {
        var bytes = Array(text.utf8)
        while bytes.last == 32 || bytes.last == 9 { bytes.removeLast() }
        if bytes.first == 32 || bytes.first == 9 { bytes.removeFirst(bytes.prefix { $0 == 32 || $0 == 9 }.count) }
        let dot: UInt8 = 46
        if let depth = Self.dottedLengths.firstIndex(of: bytes.count), bytes.contains(dot) {
            // Dots exactly at 2, 5, 8; digits everywhere else.
            for (index, byte) in bytes.enumerated() where (index == 2 || index == 5 || index == 8) != (byte == dot) || (byte != dot && !Self.isDigit(byte)) {
                return nil
            }
            self.init(validating: bytes, level: RegionLevel.allCases[depth])
        } else if let depth = Self.digitLengths.firstIndex(of: bytes.count), bytes.allSatisfy(Self.isDigit) {
            var dotted: [UInt8] = []
            dotted.reserveCapacity(Self.dottedLengths[depth])
            for (index, byte) in bytes.enumerated() {
                if index == 2 || index == 4 || index == 6 { dotted.append(dot) }
                dotted.append(byte)
            }
            self.init(validating: dotted, level: RegionLevel.allCases[depth])
        } else {
            return nil
        }
    }

    /// Refuses a segment of zeros (`00`, `32.00`, `…0000`).
    private init?(validating dotted: [UInt8], level: RegionLevel) {
        var segmentIsZero = true
        for byte in dotted {
            if byte == 46 {
                if segmentIsZero { return nil }
                segmentIsZero = true
            } else if byte != 48 {
                segmentIsZero = false
            }
        }
        if segmentIsZero { return nil }
        self.init(trusted: String(decoding: dotted, as: UTF8.self), level: level)
    }

    private init(trusted value: String, level: RegionLevel) {
        self.value = value
        self.level = level
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

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
        guard level < self.level else { return self }
        return RegionCode(trusted: String(value.utf8.prefix(Self.dottedLengths[level.depth - 1]))!, level: level)
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
