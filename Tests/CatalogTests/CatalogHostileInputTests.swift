import Bus
import Catalog
import Foundation
import Support
import Testing

/// Issue 14: the role is checked before the body is read; pages and limits from outside are
/// range-checked before any arithmetic.
@Suite struct CatalogHostileInputTests {
    @Test(arguments: ["catalog.services.upsert", "catalog.sites.upsert", "catalog.agencies.upsert", "catalog.workflows.upsert",
                      "catalog.availability.set"])
    func aCitizenIsDeniedWhateverTheBody(method: String) async throws {
        try await withCatalog { catalog in
            for body in ["{}", #"{"service": 5}"#, "[]", #"{"id": "x", "name": ""}"#] {
                let error = try #require(try await catalog.call(method, json: body, token: catalog.token(.citizen)).error, "\(method) \(body)")
                #expect(error.code == .permissionDenied, "\(method) \(body): \(error)")
            }
            let anonymous = try #require(try await catalog.call(method, json: "{}").error)
            #expect(anonymous.code == .unauthenticated, "\(method): \(anonymous)")
        }
    }

    @Test func hugePagesAndLimitsAreOutOfRange() async throws {
        try await withCatalog { catalog in
            let instance = catalog.host.configuration.instance
            let cases: [(String, String, String)] = [
                ("catalog.regions.list", #"{"page": 9223372036854775807}"#, "page"),
                ("catalog.regions.list", #"{"page": 4611686018427387904, "page_size": 1000}"#, "page"),
                ("catalog.regions.list", #"{"page": 9223372036854775808}"#, "page"),
                ("catalog.regions.list", #"{"page_size": 1e19}"#, "page_size"),
                ("catalog.regions.search", #"{"q": "bandung", "limit": 1e19}"#, "limit"),
                ("catalog.services.search", #"{"q": "ktp", "limit": 9223372036854775808}"#, "limit"),
                ("catalog.services.get", #"{"id": "ktp-el", "version": 1e19}"#, "version"),
            ]
            for (method, body, field) in cases {
                let error = try #require(try await catalog.call(method, json: body).error, "\(method) \(body)")
                #expect(error.code == .invalidArgument && error.fields[field]?.contains("out of range") == true, "\(method) \(body): \(error)")
            }
            let health = try await catalog.call("sys.health", json: "{}")
            #expect(health.error == nil)
        #expect(try JSON.decode(JSONValue.self, from: health.body)["instance"]?.stringValue == instance, "no restart")
        }
    }
}
