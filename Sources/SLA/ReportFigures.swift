import Domain
import Foundation

/// The figures of one report (`sla.report`) or one site's week (`sla.evaluation.weekly`).
public struct ReportFigures: Codable, Sendable, Equatable {
    public var received: Int
    public var completed: Int
    public var finished: Int
    public var on_time: Int
    /// Share of finished applications within their SLA, in percent (nil when none finished).
    public var on_time_pct: Double?
    /// Working hours used by finished applications.
    public var median_working_hours: Double?
    public var p90_working_hours: Double?
    public var open_backlog: Int
    public var open_breached: Int
    public var skm_responses: Int
    public var skm_index: Double?
    public var skm_grade: String?

    /// Builds figures from raw counts, the used working seconds of finished applications and SKM answers.
    public init(received: Int, completed: Int, outcomes: [(usedSeconds: Int, met: Bool)], openBacklog: Int,
                openBreached: Int, surveys: [[Int]]) {
        self.received = received
        self.completed = completed
        finished = outcomes.count
        on_time = outcomes.filter(\.met).count
        on_time_pct = outcomes.isEmpty ? nil : (Double(on_time) / Double(outcomes.count) * 1000).rounded() / 10
        let hours = outcomes.map { Double($0.usedSeconds) / 3600 }.sorted()
        median_working_hours = Self.percentile(hours, 0.5)
        p90_working_hours = Self.percentile(hours, 0.9)
        open_backlog = openBacklog
        open_breached = openBreached
        skm_responses = surveys.count
        skm_index = SKM.index(surveys)
        skm_grade = skm_index.map { SKM.grade($0).rawValue }
    }

    /// Nearest-rank percentile, two decimals.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = max(1, Int((fraction * Double(sorted.count)).rounded(.up)))
        return (sorted[rank - 1] * 100).rounded() / 100
    }

    static let csvHeader = "received,completed,finished,on_time,on_time_pct,median_working_hours,p90_working_hours,open_backlog,open_breached,skm_responses,skm_index,skm_grade"

    var csvFields: String {
        func text(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        return "\(received),\(completed),\(finished),\(on_time),\(text(on_time_pct)),\(text(median_working_hours)),\(text(p90_working_hours)),\(open_backlog),\(open_breached),\(skm_responses),\(text(skm_index)),\(skm_grade ?? "")"
    }
}
