import Applications
import Bus
import Foundation
import Support
import Testing

/// Issue 20, bug 3: an application's date is the kab/kota's local date everywhere — in its
/// tracking number and in the public tracking answer (`submitted_on` was the UTC date).
@Suite struct FilingDateTests {
    @Test func trackingAnswersTheLocalDateTheNumberCarries() async throws {
        let platform = try await Platform.shared.value
        // 01:30 WIB on Tuesday 10 March 2026 in Kabupaten Sukabumi: still 9 March in UTC.
        let clock = ManualClock(try #require(Timestamp.parse("2026-03-09T18:30:00Z")))
        let applications = try await RunningApplications.start(platform, clock: clock)
        defer { Task { await applications.stop() } }
        let story = Scenario(platform, applications)
        let submitted = try await story.applyForKTP(try await story.citizen())
        #expect(submitted.tracking_number.hasPrefix("3202-260310-"), "\(submitted.tracking_number)")
        let tracked = try await story.call("applications.track", TrackingRef(tracking_number: submitted.tracking_number), as: nil,
                                           returning: TrackView.self)
        #expect(tracked.submitted_on == "2026-03-10", "the local date in WIB, as in the tracking number")
    }
}
