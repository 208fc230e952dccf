import Bus
import Support

/// The applications service's own settings (services/applications/README.md).
public struct ApplicationsSettings: Sendable {
    /// `MPP_MAX_DOCUMENT_BYTES`: the largest accepted document (keep below `MPP_MAX_MESSAGE_BYTES`).
    public var maxDocumentBytes: Int
    /// `MPP_CATALOG_CACHE_SECONDS`: how long the current version of a service and its
    /// availability per kab/kota are trusted without asking the catalog again.
    public var catalogCacheSeconds: Int
    /// `MPP_PAGE_LIMIT`: the largest `page_size` of `applications.mine`, `.queue` and `.vault.list`
    /// (at most `Paging.maxPageSize`).
    public var pageLimit: Int

    public init(maxDocumentBytes: Int = 5 << 20, catalogCacheSeconds: Int = 60, pageLimit: Int = 200) {
        self.maxDocumentBytes = maxDocumentBytes
        self.catalogCacheSeconds = catalogCacheSeconds
        self.pageLimit = pageLimit
    }

    /// Reads the settings, naming every bad variable at once (one `ConfigurationError`).
    public static func fromEnvironment(_ environment: Environment = Environment()) throws -> ApplicationsSettings {
        let defaults = ApplicationsSettings()
        let variables: [(name: String, fallback: Int, range: ClosedRange<Int>)] = [
            ("MPP_MAX_DOCUMENT_BYTES", defaults.maxDocumentBytes, 1024...(200 << 20)),
            ("MPP_CATALOG_CACHE_SECONDS", defaults.catalogCacheSeconds, 0...86_400),
            ("MPP_PAGE_LIMIT", defaults.pageLimit, 1...Paging.maxPageSize),
        ]
        var problems: [ConfigurationError] = []
        let values = variables.map { variable -> Int in
            do { return try environment.int(variable.name, default: variable.fallback, range: variable.range) } catch {
                problems.append((error as? ConfigurationError) ?? ConfigurationError(variable: variable.name, problem: "\(error)"))
                return variable.fallback
            }
        }
        guard problems.isEmpty else {
            throw ConfigurationError(variable: problems.map(\.variable).joined(separator: ", "),
                                     problem: problems.map(\.description).joined(separator: "; "))
        }
        return ApplicationsSettings(maxDocumentBytes: values[0], catalogCacheSeconds: values[1], pageLimit: values[2])
    }

    /// Page sizes of the list methods: 50 unless asked, at most `pageLimit`.
    public var pages: Paging.Sizes { Paging.Sizes(standard: min(50, pageLimit), maximum: pageLimit) }
}
