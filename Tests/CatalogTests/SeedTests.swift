import Catalog
import Domain
import Foundation
import TestKit
import Testing

/// The first start loads the shipped reference data in one transaction; later starts do not.
@Suite struct SeedTests {
    @Test func seedsOnceAndRestartsWithoutReseeding() async throws {
        let folder = temporaryFolder()
        let first = try await RunningCatalog.start(seed: .fromFiles, folder: folder)
        let seed = try #require(first.service.seed)
        #expect(seed.regions == 91_599 && seed.historical_districts == 594)
        #expect(seed.services == 39 && seed.workflows == 2 && seed.sites == 53 && seed.agencies >= 3)
        print("catalog seed: \(seed.milliseconds) ms for \(seed.regions) regions")
        await first.stop(keepFolder: true)

        let started = Date()
        let second = try await RunningCatalog.start(seed: .fromFiles, folder: folder)
        print("catalog restart: \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        #expect(second.service.seed == nil)
        #expect(second.service.regionCount() == 91_599)
        let rows = try await second.host.store.read { db in
            try db.queryOne("SELECT (SELECT COUNT(*) FROM regions) AS regions, (SELECT COUNT(*) FROM service_versions) AS versions, (SELECT COUNT(*) FROM sites) AS sites, (SELECT COUNT(*) FROM regions_fts) AS words")
        }
        #expect(rows?.int("regions") == 91_599 && rows?.int("versions") == 39 && rows?.int("sites") == 53 && rows?.int("words") == 91_599)
        await second.stop()
    }
}
