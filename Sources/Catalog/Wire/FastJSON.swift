import Bus
import Domain
import Support

/// The hot read paths (region lookups, service search) parse requests with `JSONParser` and write
/// replies with `JSONWriter` instead of `JSONDecoder`/`JSONEncoder`, which cost tens of
/// microseconds per message on Linux. Field errors are the same as the typed handlers give.
struct RequestFields {
    let members: [String: JSONValue]

    init(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else {
            members = [:]
            return
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch let failure as JSONParser.Failure { throw RPCError.notJSON(failure) }
        guard case .object(let members) = value else { throw RPCError.invalid(["body": "tipe salah, diharapkan object"]) }
        self.members = members
    }

    /// A string member; nil when absent or null.
    func string(_ key: String, required: Bool = false) throws -> String? {
        switch members[key] {
        case .string(let text): return text
        case nil, .null?:
            if required { throw RPCError.invalid([key: "wajib diisi (required)"]) }
            return nil
        default: throw RPCError.invalid([key: "tipe salah, diharapkan string"])
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch members[key] {
        case .bool(let flag): return flag
        case nil, .null?: return nil
        default: throw RPCError.invalid([key: "tipe salah, diharapkan boolean"])
        }
    }

    func int(_ key: String) throws -> Int? {
        switch members[key] {
        case .number(let number):
            if let whole = Int(exactly: number) { return whole }
            throw RPCError.invalid([key: number.rounded() == number ? "di luar rentang (out of range)" : "tipe salah, diharapkan integer"])
        case nil, .null?: return nil
        default: throw RPCError.invalid([key: "tipe salah, diharapkan integer"])
        }
    }

    /// A string member that must be one of an enum's raw values.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, _ type: Choice.Type) throws -> Choice? where Choice.RawValue == String {
        try string(key).map { text in
            guard let choice = Choice(rawValue: text) else {
                throw RPCError.invalid([key: "harus salah satu dari: " + Choice.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            return choice
        }
    }
}

extension Region {
    /// `"name":` of each member, prepared once.
    private static let keys: [String: [UInt8]] = Dictionary(uniqueKeysWithValues: [
        "code", "historical", "last_listed", "level", "name", "parent", "province", "province_name", "regency", "timezone", "zone",
    ].map { ($0, Array("\"\($0)\":".utf8)) })

    /// The same JSON as `Codable` gives (sorted keys, nil members left out), written straight
    /// to bytes: this is the reply of every region lookup.
    var jsonBytes: [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(256)
        func key(_ name: String) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out += Self.keys[name]!
        }
        func text(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            JSONWriter.appendString(value, to: &out)
        }
        text("code", code)
        key("historical")
        out += (historical ? "true" : "false").utf8
        if let last_listed {
            key("last_listed")
            out += String(last_listed).utf8
        }
        text("level", level.rawValue)
        text("name", name)
        text("parent", parent)
        text("province", province)
        text("province_name", province_name)
        text("regency", regency)
        text("timezone", timezone)
        text("zone", zone.rawValue)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `{"page","page_size","regions":[…],"total"}` of `catalog.regions.list`.
    static func pageBytes(_ page: CatalogAPI.RegionPage) -> [UInt8] {
        var out = Array("{\"page\":\(page.page),\"page_size\":\(page.page_size),\"regions\":[".utf8)
        for (index, region) in page.regions.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += region.jsonBytes
        }
        out += Array("],\"total\":\(page.total)}".utf8)
        return out
    }
}

extension ServiceSummary {
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "version": .number(Double(version)), "name": .string(name), "name_en": .string(name_en),
            "agency": .string(agency), "also_involves": .array(also_involves.map(JSONValue.string)),
            "channels": .array(channels.map(JSONValue.string)), "fee_idr": .number(Double(fee_idr)), "score": .number(score),
            "sla": ["value": .number(Double(sla.value)), "unit": .string(sla.unit.rawValue)],
        ]
        if let group { members["group"] = .string(group) }
        return .object(members)
    }
}
