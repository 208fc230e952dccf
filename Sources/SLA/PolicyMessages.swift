/// Bodies of `sla.policies.get` and `sla.policies.update`.
extension SLAAPI {
    public struct PoliciesRequest: Codable, Sendable {
        /// A kab/kota: the reply then also says which rule is in force there.
        public var region: String?
        public init(region: String? = nil) { self.region = region }
    }

    public struct PolicyUpdate: Codable, Sendable {
        /// `*` (everyone), a province `NN` or a kab/kota `NN.NN`.
        public var region: String
        public var rule: EscalationRule?
        /// Drops the region's own rule: the next wider one applies again.
        public var remove: Bool?
        /// Why (kept with the rule).
        public var note: String

        public init(region: String, rule: EscalationRule? = nil, remove: Bool? = nil, note: String) {
            self.region = region
            self.rule = rule
            self.remove = remove
            self.note = note
        }
    }

    public struct StoredPolicy: Codable, Sendable, Equatable {
        public var region: String
        public var rule: EscalationRule
        public var version: Int
        public var updated_by: String
        public var updated_at: String
        public var note: String
    }

    public struct EffectivePolicy: Codable, Sendable, Equatable {
        public var region: String
        /// Where the rule comes from: the kab/kota itself, its province, `*`, or `standard`.
        public var source: String
        public var rule: EscalationRule
    }

    public struct Policies: Codable, Sendable, Equatable {
        public var policies: [StoredPolicy]
        public var effective: EffectivePolicy?
    }
}
