import Sodium

/// One recorded step of an application: who did what, when, from which state to which.
public struct HistoryEntry: Codable, Sendable, Equatable {
    public var seq: Int
    public var action: String
    public var from: String
    public var to: String
    public var actor: String
    public var actor_role: String
    public var actor_agency: String?
    public var note: String?
    public var output: String?
    public var time: String
    /// SHA-256 (hex) of the previous entry's `hash` and this entry's fields.
    public var hash: String
    public var prev_hash: String

    public init(seq: Int, action: String, from: String, to: String, actor: String, actor_role: String, actor_agency: String?,
                note: String?, output: String?, time: String, hash: String = "", prev_hash: String = "") {
        self.seq = seq
        self.action = action
        self.from = from
        self.to = to
        self.actor = actor
        self.actor_role = actor_role
        self.actor_agency = actor_agency
        self.note = note
        self.output = output
        self.time = time
        self.hash = hash
        self.prev_hash = prev_hash
    }
}

/// The hash chain over an application's history: each entry's hash covers the tracking number,
/// every field of the entry and the previous entry's hash, so editing, deleting or reordering a
/// row breaks the chain from there on. Pure.
public enum HistoryChain {
    /// The `prev_hash` of an application's first entry.
    public static func genesis(_ trackingNumber: String) -> String {
        SHA256.hex(SHA256.hash("mpp-applications/history/" + trackingNumber))
    }

    /// `entry` with `prev_hash` and `hash` filled in after `previous` (nil: the first entry).
    public static func sealed(_ entry: HistoryEntry, trackingNumber: String, previous: String?) -> HistoryEntry {
        var sealed = entry
        sealed.prev_hash = previous ?? genesis(trackingNumber)
        sealed.hash = hash(sealed, trackingNumber: trackingNumber)
        return sealed
    }

    /// The hash an entry must carry.
    public static func hash(_ entry: HistoryEntry, trackingNumber: String) -> String {
        // Length-prefixed fields: no choice of field contents can make two entries read alike.
        let fields: [String?] = [trackingNumber, String(entry.seq), entry.action, entry.from, entry.to, entry.actor,
                                 entry.actor_role, entry.actor_agency, entry.note, entry.output, entry.time, entry.prev_hash]
        var text = ""
        for field in fields {
            if let field { text += "\(field.utf8.count):\(field)" } else { text += "-" }
        }
        return SHA256.hex(SHA256.hash(text))
    }

    /// A break in the chain.
    public struct Break: Codable, Sendable, Equatable {
        public var tracking_number: String
        public var seq: Int?
        public var problem: String
    }

    /// Every break in one application's history (empty when intact): entries must be numbered
    /// 1, 2, 3…, link to the previous hash, carry their own hash, and lead from state to state
    /// up to `currentState`.
    public static func verify(_ entries: [HistoryEntry], trackingNumber: String, currentState: String?) -> [Break] {
        var breaks: [Break] = []
        var previous = genesis(trackingNumber)
        var state: String?
        for (index, entry) in entries.enumerated() {
            func report(_ problem: String) { breaks.append(Break(tracking_number: trackingNumber, seq: entry.seq, problem: problem)) }
            if entry.seq != index + 1 { report("nomor urut \(entry.seq), seharusnya \(index + 1) (row missing or reordered)") }
            if entry.prev_hash != previous { report("tidak tersambung ke entri sebelumnya (chain broken)") }
            if hash(entry, trackingNumber: trackingNumber) != entry.hash { report("isi entri diubah (row edited: hash mismatch)") }
            if let state, state != entry.from { report("status awal \(entry.from), seharusnya \(state) (state sequence broken)") }
            previous = entry.hash
            state = entry.to
        }
        if entries.isEmpty {
            breaks.append(Break(tracking_number: trackingNumber, seq: nil, problem: "riwayat kosong (history missing)"))
        } else if let currentState, currentState != state {
            breaks.append(Break(tracking_number: trackingNumber, seq: nil,
                                problem: "status permohonan \(currentState) tidak sesuai riwayat \(state ?? "-") (application row edited)"))
        }
        return breaks
    }
}
