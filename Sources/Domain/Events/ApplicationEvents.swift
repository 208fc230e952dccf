/// Data of the events the applications service publishes (the contract with sla and
/// notifications). Times are RFC 3339 strings in UTC.
public enum ApplicationEvents {
    /// `application.submitted`
    public struct Submitted: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var citizen: String
        public var service: String
        public var service_version: Int
        /// Kab/kota code `NN.NN` where it was filed.
        public var region: String
        public var site: String?
        /// The agency (OPD type) that owns the service, e.g. `disdukcapil`.
        public var agency: String
        public var workflow: String
        public var state: String
        public var sla: SLA
        /// The workflow's `on_sla_expiry` rule, if any.
        public var on_sla_expiry: ExpiryAction?
        public var submitted_at: String
        /// The citizen's preferred language (`id` or `en`) and channels, for notifications.
        public var language: String?

        public init(tracking_number: String, citizen: String, service: String, service_version: Int, region: String,
                    site: String?, agency: String, workflow: String, state: String, sla: SLA,
                    on_sla_expiry: ExpiryAction?, submitted_at: String, language: String?) {
            self.tracking_number = tracking_number
            self.citizen = citizen
            self.service = service
            self.service_version = service_version
            self.region = region
            self.site = site
            self.agency = agency
            self.workflow = workflow
            self.state = state
            self.sla = sla
            self.on_sla_expiry = on_sla_expiry
            self.submitted_at = submitted_at
            self.language = language
        }
    }

    /// A workflow's automatic action when its SLA runs out in one of `from`.
    public struct ExpiryAction: Codable, Sendable, Equatable {
        public var from: [String]
        public var action: String
        public init(from: [String], action: String) {
            self.from = from
            self.action = action
        }
    }

    /// `application.status_changed`
    public struct StatusChanged: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var citizen: String
        public var service: String
        public var service_version: Int
        public var region: String
        public var agency: String
        public var from: String
        public var to: String
        public var action: String
        /// `citizen`, `officer`, `supervisor`, `system` (automatic action on SLA expiry)…
        public var actor_role: String
        public var actor: String?
        /// The officer who has claimed the application, if any (to notify on SLA warnings).
        public var claimed_by: String?
        /// Whether the new state waits on the citizen (SLA clock paused).
        public var paused: Bool
        /// Whether the new state is terminal (SLA clock stopped).
        public var terminal: Bool
        public var note: String?
        public var time: String

        public init(tracking_number: String, citizen: String, service: String, service_version: Int, region: String,
                    agency: String, from: String, to: String, action: String, actor_role: String, actor: String?,
                    claimed_by: String?, paused: Bool, terminal: Bool, note: String?, time: String) {
            self.tracking_number = tracking_number
            self.citizen = citizen
            self.service = service
            self.service_version = service_version
            self.region = region
            self.agency = agency
            self.from = from
            self.to = to
            self.action = action
            self.actor_role = actor_role
            self.actor = actor
            self.claimed_by = claimed_by
            self.paused = paused
            self.terminal = terminal
            self.note = note
            self.time = time
        }
    }

    /// `survey.submitted` (SKM, PermenPANRB 14/2017: nine elements scored 1–4).
    public struct SurveySubmitted: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var service: String
        public var region: String
        public var site: String?
        public var agency: String
        public var scores: [Int]
        public var time: String

        public init(tracking_number: String, service: String, region: String, site: String?, agency: String, scores: [Int], time: String) {
            self.tracking_number = tracking_number
            self.service = service
            self.region = region
            self.site = site
            self.agency = agency
            self.scores = scores
            self.time = time
        }
    }
}
