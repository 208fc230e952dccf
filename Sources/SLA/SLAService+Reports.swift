import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

extension SLAService {
    func registerReports() {
        let host = host
        host.methods.on("sla.report", roles: Role.staff) { (request: SLAAPI.ReportRequest, context: RequestContext) -> SLAAPI.Report in
            let claims = try host.auth.claims(context)
            let requested = try ReportFilter(region: request.region, site: request.site, agency: request.agency, service: request.service).checked()
            let (from, to) = try Self.period(request.from, request.to)
            let filter = try SLAScope.filter(requested, for: claims)
            let figures = try await host.store.read { try ReportQueries.figures($0, filter: filter, from: from, to: to) }
            let csv = request.format == "csv" ? ReportFigures.csvHeader + "\n" + figures.csvFields + "\n" : nil
            return SLAAPI.Report(filter: filter, from: Timestamp.format(from), to: Timestamp.format(to), figures: figures, csv: csv)
        }

        host.methods.on("sla.evaluation.weekly", roles: [.mppAdmin, .ministry, .ops]) { (request: SLAAPI.WeeklyRequest, context: RequestContext) -> SLAAPI.Weekly in
            let claims = try host.auth.claims(context)
            guard let (from, to) = ReportQueries.isoWeek(request.week) else {
                throw RPCError.invalid(["week": "harus minggu ISO seperti 2026-W47 (ISO week)"])
            }
            let sites = try await Self.sites(host: host, token: context.token)
                .filter { claims.role != .mppAdmin || AccessScope(claims).covers(region: $0.region) }
            var weeks: [SLAAPI.SiteWeek] = []
            for site in sites {
                let filter = ReportFilter(region: site.region)
                let (figures, breachedAtStart) = try await host.store.read { db -> (ReportFigures, Int) in
                    let (condition, parameters) = filter.sql()
                    return (try ReportQueries.figures(db, filter: filter, from: from, to: to),
                            try ReportQueries.openBreached(db, condition: condition, scope: parameters.map { .text($0) }, at: from))
                }
                weeks.append(SLAAPI.SiteWeek(site: site.id, name: site.name, region: site.region, figures: figures,
                                             flags: Self.flags(figures, breachedAtStart: breachedAtStart)))
            }
            let csv = request.format == "csv"
                ? "site,region,flags," + ReportFigures.csvHeader + "\n"
                    + weeks.map { "\($0.site),\($0.region),\($0.flags.joined(separator: ";")),\($0.figures.csvFields)" }.joined(separator: "\n") + "\n"
                : nil
            return SLAAPI.Weekly(week: request.week, from: Timestamp.format(from), to: Timestamp.format(to), sites: weeks, csv: csv)
        }
    }

    /// The Monday-to-Monday (WIB) interval of an ISO week such as "2026-W47".
    public static func week(_ text: String) -> (from: Date, to: Date)? { ReportQueries.isoWeek(text) }

    /// The ministry's weekly flags for one site.
    public static func flags(_ figures: ReportFigures, breachedAtStart: Int) -> [String] {
        var flags: [String] = []
        if figures.received == 0 && figures.finished == 0 { flags.append("tidak_beroperasi") }
        if let onTime = figures.on_time_pct, onTime < 80 { flags.append("on_time_below_80") }
        if let grade = figures.skm_grade, grade == "C" || grade == "D" { flags.append("skm_grade_c_or_d") }
        if figures.open_breached > breachedAtStart { flags.append("breach_backlog_growing") }
        return flags
    }

    static func period(_ fromText: String, _ toText: String) throws -> (Date, Date) {
        func parse(_ text: String) -> Date? {
            if let date = Timestamp.parse(text) { return date }
            // A plain date means local midnight in WIB.
            return CivilDate(text).map { Date(timeIntervalSince1970: TimeInterval($0.dayNumber * 86_400 - 7 * 3600)) }
        }
        var problems: [String: String] = [:]
        let from = parse(fromText), to = parse(toText)
        if from == nil { problems["from"] = "harus tanggal YYYY-MM-DD atau RFC 3339" }
        if to == nil { problems["to"] = "harus tanggal YYYY-MM-DD atau RFC 3339" }
        if let from, let to, to <= from { problems["to"] = "harus setelah from (must be after from)" }
        guard problems.isEmpty, let from, let to else { throw RPCError.invalid(problems) }
        return (from, to)
    }

    struct SiteRef { var id: String; var name: String?; var region: String }

    /// Every MPP site, from the catalog.
    static func sites(host: ServiceHost, token: String?) async throws -> [SiteRef] {
        let reply = try await host.client.call("catalog.sites.list", Empty(), as: JSONValue.self, options: CallOptions(token: token))
        let list = reply["sites"]?.arrayValue ?? reply.arrayValue ?? []
        return list.compactMap { site in
            guard let id = site["id"]?.stringValue, let region = site["region"]?.stringValue else { return nil }
            return SiteRef(id: id, name: site["name"]?.stringValue, region: region)
        }
    }
}
