import Store

/// How every list method of every service pages (docs/protocol.md §2, "Lists"): the request may
/// give `page` (from 1) and `page_size` (from 1 to the method's largest, never above
/// `Paging.maxPageSize`); the reply says `page`, `page_size` and `total`.
///
/// Both numbers come from outside, so they are range-checked here before any arithmetic: a bad
/// one is `invalid_argument` naming `page` or `page_size` (both at once when both are bad), and
/// `offset` can then never overflow, whatever was sent.
public struct Paging: Sendable, Equatable {
    /// The largest `page_size` any list method accepts.
    public static let maxPageSize = 1_000
    /// The highest `page` any list method accepts (far beyond any list: with `maxPageSize`, a
    /// billion rows in).
    public static let maxPage = 1_000_000

    /// Page number, from 1.
    public let page: Int
    /// Items per page.
    public let size: Int

    /// Items before this page (`OFFSET`).
    public var offset: Int { (page - 1) * size }

    /// A list method's page sizes: the one used when none is asked for, and the largest allowed.
    public struct Sizes: Sendable, Equatable {
        public let standard: Int
        public let maximum: Int
        public init(standard: Int, maximum: Int) {
            precondition((1...maximum).contains(standard) && maximum <= Paging.maxPageSize, "page sizes out of range")
            self.standard = standard
            self.maximum = maximum
        }
    }

    /// The page asked for, or `invalid_argument` naming each bad field.
    public init(page: Int?, pageSize: Int?, sizes: Sizes) throws(RPCError) {
        var problems: [String: String] = [:]
        if let page, !(1...Self.maxPage).contains(page) {
            problems["page"] = "di luar rentang 1–\(Self.maxPage) (out of range)"
        }
        if let pageSize, !(1...sizes.maximum).contains(pageSize) {
            problems["page_size"] = "di luar rentang 1–\(sizes.maximum) (out of range)"
        }
        if !problems.isEmpty { throw RPCError.invalid(problems) }
        self.page = page ?? 1
        size = pageSize ?? sizes.standard
    }

    /// The page of an in-memory list.
    public func slice<Items: Collection>(_ items: Items) -> Items.SubSequence {
        items.dropFirst(min(offset, items.count)).prefix(size)
    }

    /// Whether a reply's page is followed by another, without arithmetic that could trap on the
    /// numbers a server sent.
    public static func hasMore(page: Int, pageSize: Int, total: Int) -> Bool {
        guard page > 0, pageSize > 0, total > 0 else { return false }
        return page <= (total - 1) / pageSize
    }

    /// `LIMIT ? OFFSET ?` parameters for this page.
    public var sqlLimitOffset: [SQLValue] { [.integer(Int64(size)), .integer(Int64(offset))] }
}

/// A list request: its `page` and `page_size` members (both optional on the wire).
public protocol PagedRequest {
    var page: Int? { get }
    var page_size: Int? { get }
}

extension PagedRequest {
    /// The page asked for, within `sizes`, or `invalid_argument` naming `page` / `page_size`.
    public func paging(_ sizes: Paging.Sizes) throws(RPCError) -> Paging {
        try Paging(page: page, pageSize: page_size, sizes: sizes)
    }
}
