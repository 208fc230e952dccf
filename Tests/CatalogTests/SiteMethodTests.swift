import Bus
import Catalog
import Domain
import Foundation
import ServiceKit
import Support
import Testing

/// `catalog.sites.*`, `catalog.availability.*`, `catalog.agencies.*` over real sockets.
@Suite struct SiteMethodTests {
    @Test func seededSitesWithDefaultHoursAndCounters() async throws {
        try await withCatalog { catalog in
            let all = try await catalog.get("catalog.sites.list", CatalogAPI.ListSites(), as: CatalogAPI.Sites.self).sites
            #expect(all.count == 53 && all.allSatisfy { $0.status == .active && $0.hours == SiteHours.standard })
            let bali = try await catalog.get("catalog.sites.list", CatalogAPI.ListSites(region: "51"), as: CatalogAPI.Sites.self).sites
            #expect(bali.map(\.id) == ["mpp-51.01", "mpp-51.02", "mpp-51.04", "mpp-51.05", "mpp-51.06", "mpp-51.08"])
            let klungkung = try #require(bali.first { $0.region == "51.05" })
            #expect(klungkung.name == "MPP Klungkung" && klungkung.inaugurated == "2023-10-23" && klungkung.zone == .wita)
            #expect(klungkung.region_name == "Kabupaten Klungkung" && klungkung.timezone == "Asia/Makassar")
            #expect(klungkung.counters.map(\.agency) == ["dinkes", "disdukcapil", "dpmptsp"])
            // A village code finds the site of its kab/kota.
            let village = try await catalog.get("catalog.sites.list", CatalogAPI.ListSites(region: "51.05.03.1008"), as: CatalogAPI.Sites.self)
            #expect(village.sites.map(\.id) == ["mpp-51.05"])
            let kaimana = try await catalog.get("catalog.sites.get", CatalogAPI.GetSite(id: "mpp-92.08"), as: Site.self)
            #expect(kaimana.zone == .wit)
            #expect(try await catalog.call("catalog.sites.get", CatalogAPI.GetSite(id: "mpp-00")).error?.code == .notFound)
        }
    }

    @Test func anMPPAdminManagesOnlyTheSiteOfTheirKabKota() async throws {
        try await withCatalog { catalog in
            let jakartaAdmin = catalog.token(.mppAdmin, region: "31.71", sub: "admin-jakpus")
            let site = CatalogAPI.UpsertSite(region: "31.71", name: "MPP Jakarta Pusat", address: "Jl. Medan Merdeka Selatan 8-9",
                                             inaugurated: "2025-01-15",
                                             hours: [SiteHours(days: ["mon", "tue", "wed", "thu"], opens: "07:30", closes: "16:00"),
                                                     SiteHours(days: ["fri"], opens: "07:30", closes: "16:30")],
                                             counters: [SiteCounter(agency: "disdukcapil", counters: 4), SiteCounter(agency: "polres", counters: 1)])
            let created = try await catalog.get("catalog.sites.upsert", site, as: Site.self, token: jakartaAdmin)
            #expect(created.id == "mpp-31.71" && created.status == .active && created.updated_by == "admin-jakpus" && created.zone == .wib)
            let events = try await catalog.outbox().filter { $0.topic == "catalog.site_changed" }
            #expect(events.count == 1 && events.first?.event.subject == "mpp-31.71")

            // Editing keeps what is not given; an unchanged edit publishes nothing.
            let closed = try await catalog.get("catalog.sites.upsert", CatalogAPI.UpsertSite(region: "31.71", status: .inactive),
                                               as: Site.self, token: jakartaAdmin)
            #expect(closed.status == .inactive && closed.address == site.address && closed.hours.count == 2)
            _ = try await catalog.get("catalog.sites.upsert", CatalogAPI.UpsertSite(region: "31.71", status: .inactive), as: Site.self, token: jakartaAdmin)
            #expect(try await catalog.outbox().filter { $0.topic == "catalog.site_changed" }.count == 2)

            // Not their kab/kota, not their role, a second site, bad hours.
            let other = try await catalog.call("catalog.sites.upsert", CatalogAPI.UpsertSite(region: "51.05", note: "x"), token: jakartaAdmin)
            #expect(other.error?.code == .permissionDenied)
            let officer = try await catalog.call("catalog.sites.upsert", site, token: catalog.token(.officer, region: "31.71"))
            #expect(officer.error?.code == .permissionDenied)
            let twice = try await catalog.call("catalog.sites.upsert", CatalogAPI.UpsertSite(id: "mpp-jakpus-2", region: "31.71", name: "MPP 2"),
                                               token: jakartaAdmin)
            #expect(twice.error?.code == .alreadyExists)
            let bad = try await catalog.call("catalog.sites.upsert", CatalogAPI.UpsertSite(
                region: "31.71", inaugurated: "2025-02-30",
                hours: [SiteHours(days: ["mon", "funday"], opens: "16:00", closes: "08:00")],
                counters: [SiteCounter(agency: "nowhere", counters: 1)]), token: jakartaAdmin)
            let badFields = Set((bad.error?.fields ?? [:]).keys)
            #expect(badFields.isSuperset(of: ["inaugurated", "hours[0].days", "hours[0]"]), "\(badFields)")
            let unknownAgency = try await catalog.call("catalog.sites.upsert", CatalogAPI.UpsertSite(
                region: "31.71", counters: [SiteCounter(agency: "nowhere", counters: 1)]), token: jakartaAdmin)
            #expect(unknownAgency.error?.fields["counters[0].agency"] != nil)
            let province = try await catalog.call("catalog.sites.upsert", CatalogAPI.UpsertSite(region: "31", name: "x"), token: catalog.token(.ops))
            #expect(province.error?.fields["region"] != nil)
        }
    }

    @Test func availabilityDefaultsOverridesAndTheLaw() async throws {
        try await withCatalog { catalog in
            let offered = try await catalog.get("catalog.availability.get", CatalogAPI.GetAvailability(service: "sip-bidan", region: "5105"),
                                                as: CatalogAPI.Availability.self)
            #expect(offered.offered && offered.site == "mpp-51.05" && offered.site_name == "MPP Klungkung" && offered.fee_idr == 0)
            #expect(offered.source == "default" && !offered.fee_overridden && offered.region == "51.05")
            let none = try await catalog.get("catalog.availability.get", CatalogAPI.GetAvailability(service: "ktp-el", region: "31.71.01"),
                                             as: CatalogAPI.Availability.self)
            #expect(!none.offered && none.site == nil)

            // Searched before the change (and cached), searched after: the change shows at once.
            let before = try await catalog.get("catalog.services.search", CatalogAPI.SearchServices(q: "bidan", region: "51.05"),
                                               as: CatalogAPI.ServiceResults.self)
            #expect(before.results.first?.fee_idr == 0)
            let admin = catalog.token(.mppAdmin, region: "51.05", sub: "admin-klk")
            let set = try await catalog.get("catalog.availability.set", CatalogAPI.SetAvailability(
                service: "sip-bidan", region: "51.05", offered: true, fee_idr: 50_000, note: "Perda 3/2024"), as: CatalogAPI.Availability.self, token: admin)
            #expect(set.fee_idr == 50_000 && set.fee_overridden && set.source == "region" && set.site == "mpp-51.05")
            let found = try await catalog.get("catalog.services.search", CatalogAPI.SearchServices(q: "bidan", region: "51.05"),
                                              as: CatalogAPI.ServiceResults.self)
            #expect(found.results.first?.id == "sip-bidan" && found.results.first?.fee_idr == 50_000)
            let elsewhere = try await catalog.get("catalog.services.search", CatalogAPI.SearchServices(q: "bidan", region: "51.04"),
                                                  as: CatalogAPI.ServiceResults.self)
            #expect(elsewhere.results.first?.fee_idr == 0)

            // Withdrawn in Klungkung: no longer found there.
            _ = try await catalog.get("catalog.availability.set", CatalogAPI.SetAvailability(service: "kia", region: "51.05", offered: false),
                                      as: CatalogAPI.Availability.self, token: admin)
            let list = try await catalog.get("catalog.availability.list", CatalogAPI.ListAvailability(region: "51.05"), as: CatalogAPI.AvailabilityList.self)
            #expect(list.services.count == 39 && list.services.filter(\.offered).count == 38)
            #expect(try await catalog.get("catalog.services.search", CatalogAPI.SearchServices(q: "kia", region: "51.05"),
                                          as: CatalogAPI.ServiceResults.self).results.isEmpty)
            let events = try await catalog.outbox().filter { $0.topic == "catalog.availability_changed" }
            #expect(events.map(\.event.subject) == ["sip-bidan@51.05", "kia@51.05"])

            let law = try await catalog.call("catalog.availability.set", CatalogAPI.SetAvailability(
                service: "akta-kelahiran", region: "51.05", offered: true, fee_idr: 25_000), token: admin)
            #expect(law.error?.fields["fee_idr"]?.contains("79A") == true)
            let foreignSite = try await catalog.call("catalog.availability.set", CatalogAPI.SetAvailability(
                service: "sip-bidan", region: "51.05", offered: true, site: "mpp-51.04"), token: admin)
            #expect(foreignSite.error?.fields["site"] != nil)
            let outside = try await catalog.call("catalog.availability.set", CatalogAPI.SetAvailability(
                service: "sip-bidan", region: "51.04", offered: false), token: admin)
            #expect(outside.error?.code == .permissionDenied)
            let unknown = try await catalog.call("catalog.availability.set", CatalogAPI.SetAvailability(
                service: "nope", region: "51.05", offered: true), token: admin)
            #expect(unknown.error?.code == .notFound)
        }
    }

    @Test func agenciesAndTheirOffices() async throws {
        try await withCatalog { catalog in
            let all = try await catalog.get("catalog.agencies.list", CatalogAPI.ListAgencies(), as: CatalogAPI.Agencies.self)
            #expect(Set(all.agencies.map(\.id)).isSuperset(of: ["disdukcapil", "dpmptsp", "dinkes", "polres", "kantah"]))
            #expect(all.offices.count == 53 * 3)
            let klungkung = try await catalog.get("catalog.agencies.list", CatalogAPI.ListAgencies(region: "51.05"), as: CatalogAPI.Agencies.self)
            #expect(klungkung.offices.map(\.name).contains("Dinas Kesehatan Kabupaten Klungkung") && klungkung.offices.count == 3)

            let ops = catalog.token(.ops)
            let agency = CatalogAPI.Agency(id: "bpn-atr", name: "Kantor Pertanahan ATR/BPN", short: "ATR/BPN", kind: "vertical")
            #expect(try await catalog.get("catalog.agencies.upsert", agency, as: CatalogAPI.Agency.self, token: ops) == agency)
            let bad = try await catalog.call("catalog.agencies.upsert", CatalogAPI.Agency(id: "X Y", name: "", short: "", kind: "alien"), token: ops)
            #expect(bad.error?.fields.keys.sorted() == ["id", "kind", "name", "short"])
            #expect(try await catalog.call("catalog.agencies.upsert", agency, token: catalog.token(.mppAdmin, region: "51.05")).error?.code
                    == .permissionDenied)
        }
    }
}
