import Bus
import Testing

/// The one paging rule of every list method (issue 14 finding 1): bad numbers are refused by
/// name before any arithmetic, so no page number can overflow an offset.
@Suite struct PagingTests {
    static let sizes = Paging.Sizes(standard: 20, maximum: 200)

    @Test func defaultsAndOffsets() throws {
        let first = try Paging(page: nil, pageSize: nil, sizes: Self.sizes)
        #expect(first.page == 1 && first.size == 20 && first.offset == 0)
        let third = try Paging(page: 3, pageSize: 50, sizes: Self.sizes)
        #expect(third.offset == 100 && third.slice(Array(0..<120)) == [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110,
                                                                       111, 112, 113, 114, 115, 116, 117, 118, 119])
        #expect(try Paging(page: 9, pageSize: 50, sizes: Self.sizes).slice(Array(0..<120)).isEmpty)
        let last = try Paging(page: Paging.maxPage, pageSize: Paging.maxPageSize, sizes: Paging.Sizes(standard: 1, maximum: Paging.maxPageSize))
        #expect(last.offset == (Paging.maxPage - 1) * Paging.maxPageSize && last.slice([1, 2, 3]).isEmpty)
    }

    @Test(arguments: [
        (Int?.some(0), Int?.none, ["page"]), (-1, nil, ["page"]), (Int.max, nil, ["page"]), (1 << 62, 20, ["page"]),
        (Paging.maxPage + 1, nil, ["page"]), (nil, 0, ["page_size"]), (nil, 201, ["page_size"]), (nil, Int.min, ["page_size"]),
        (Int.min, Int.max, ["page", "page_size"]),
    ])
    func badNumbersAreNamed(page: Int?, size: Int?, fields: [String]) {
        #expect(throws: RPCError.self) { try Paging(page: page, pageSize: size, sizes: Self.sizes) }
        do {
            _ = try Paging(page: page, pageSize: size, sizes: Self.sizes)
        } catch {
            #expect(error.code == .invalidArgument && error.fields.keys.sorted() == fields)
            #expect(error.fields.values.allSatisfy { $0.contains("out of range") })
        }
    }

    @Test func moreAfterThisPage() {
        #expect(Paging.hasMore(page: 1, pageSize: 2, total: 5) && Paging.hasMore(page: 2, pageSize: 2, total: 5))
        #expect(!Paging.hasMore(page: 3, pageSize: 2, total: 5) && !Paging.hasMore(page: 2, pageSize: 2, total: 4))
        #expect(!Paging.hasMore(page: Int.max, pageSize: Int.max, total: Int.max) && !Paging.hasMore(page: 1, pageSize: 0, total: 9))
        #expect(Paging.hasMore(page: 1, pageSize: 1, total: Int.max))
    }
}
