import Bus
import Domain
import Foundation
import ServiceKit
import Store
import Support

/// `applications.survey.submit`: the citizen who owns a completed application answers the nine
/// SKM elements (1–4) and a comment, once; `survey.submitted` goes out in the same transaction.
/// A retry with the same idempotency key gets the first receipt; a second survey `already_exists`.
extension ApplicationsService {
    /// The state in which a survey is invited.
    static let surveyState = "completed"
    static let maxCommentLength = 2_000

    func registerSurvey() {
        host.methods.on("applications.survey.submit", .command, roles: [.citizen]) { [self] (request: SurveyRequest, context: RequestContext) in
            try await survey(request, context)
        }
    }

    func survey(_ request: SurveyRequest, _ context: RequestContext) async throws -> SurveyReceipt {
        let claims = try host.auth.claims(context)
        let key = try Self.requestKey(context)
        var problems = SKM.problems(request.scores)
        if let comment = request.comment, let problem = TextCheck.problem(comment, maxLength: Self.maxCommentLength, multiline: true) {
            problems["comment"] = problem
        }
        guard problems.isEmpty else { throw RPCError.invalid(problems) }
        let time = host.clock.now()
        return try await host.store.write { [self] db in
            let (record, definition) = try readable(db, request.tracking_number, claims)
            if let earlier = try db.queryOne("SELECT scores, request_key, submitted_at FROM surveys WHERE application_id = ?",
                                             [.integer(record.id)]) {
                guard earlier.string("request_key") == key else {
                    throw RPCError(.alreadyExists, "survei untuk permohonan ini sudah diisi (survey already submitted)")
                }
                let scores = try JSON.decode([Int].self, from: Array((earlier.string("scores") ?? "[]").utf8))
                return SurveyReceipt(tracking_number: record.trackingNumber, scores: scores, submitted_at: earlier.string("submitted_at") ?? "")
            }
            guard record.state == Self.surveyState else {
                throw RPCError(.failedPrecondition, "survei dibuka setelah permohonan selesai; status sekarang \(record.state) (survey after completion)",
                               details: ["state": .string(record.state)])
            }
            let timeText = Timestamp.format(time)
            try db.run("INSERT INTO surveys (application_id, scores, comment, request_key, submitted_at) VALUES (?, ?, ?, ?, ?)",
                       [.integer(record.id), .text(String(decoding: try JSON.encode(request.scores), as: UTF8.self)),
                        SQLValue(request.comment), .text(key), .text(timeText)])
            try Outbox.append(db, stream: stream, type: "survey.submitted", data: ApplicationEvents.SurveySubmitted(
                tracking_number: record.trackingNumber, service: record.service, region: record.region, site: record.site,
                agency: definition.agency, scores: request.scores, time: timeText),
                time: time, traceID: context.traceID, subject: record.trackingNumber)
            return SurveyReceipt(tracking_number: record.trackingNumber, scores: request.scores, submitted_at: timeText)
        }
    }
}
