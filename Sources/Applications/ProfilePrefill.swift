import Domain
import Support

/// "Input data once": fills the form fields the citizen left empty from their identity profile,
/// where the service's form names a profile key (`prefill: "address.village_code"`). Pure.
public enum ProfilePrefill {
    /// Whether any empty field could be pre-filled (so the profile is worth fetching).
    public static func isNeeded(_ fields: [FormField], values: [String: JSONValue]) -> Bool {
        fields.contains { $0.prefill != nil && isEmpty(values[$0.key]) }
    }

    /// `values` with empty pre-fillable fields taken from `account`, and the keys filled.
    /// `account` is the `identity.me` reply: a key is looked up at its top level (`nik`, `name`)
    /// and then inside its `profile` (`kk_number`, `address.street`).
    public static func fill(_ fields: [FormField], values: [String: JSONValue], account: JSONValue) -> (values: [String: JSONValue], filled: [String]) {
        var result = values
        var filled: [String] = []
        for field in fields {
            guard let path = field.prefill, isEmpty(values[field.key]) else { continue }
            guard let found = lookup(path, in: account) ?? account["profile"].flatMap({ lookup(path, in: $0) }), !isEmpty(found) else { continue }
            result[field.key] = found
            filled.append(field.key)
        }
        return (result, filled)
    }

    /// The value at a dotted path (`address.village_code`).
    static func lookup(_ path: String, in value: JSONValue) -> JSONValue? {
        var current: JSONValue? = value
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }

    static func isEmpty(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: true
        case .string(let text)?: text.allSatisfy(\.isWhitespace)
        default: false
        }
    }
}
