import Domain
import Foundation
import Testing

/// A deterministic generator, for numbers whose random part is known.
struct SequenceGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}

@Suite("Tracking numbers")
struct TrackingNumberTests {
    let bandung = RegionCode("32.73")!
    let day = CivilDate(year: 2026, month: 11, day: 23)!

    func make(seed: UInt64 = 7) -> TrackingNumber {
        var generator = SequenceGenerator(state: seed)
        return TrackingNumber(region: bandung, date: day, using: &generator)
    }

    @Test func canonicalShape() throws {
        let text = make().description
        #expect(text.count == 4 + 1 + 6 + 1 + 7)
        #expect(text.hasPrefix("3273-261123-"))
        let parts = text.split(separator: "-")
        try #require(parts.count >= 3)
        let code = parts[2]
        #expect(code.allSatisfy { TrackingNumber.alphabet.contains($0) })
    }

    @Test func roundTripsThroughParse() throws {
        for seed in 1...200 as ClosedRange<UInt64> {
            let number = make(seed: seed)
            let parsed = try TrackingNumber.parse(number.description).get()
            #expect(parsed == number)
            #expect(parsed.region == bandung)
            #expect(parsed.date == day)
        }
    }

    @Test func forgivingInput() throws {
        let number = make()
        let spoken = number.description.lowercased().replacingOccurrences(of: "-", with: " ")
        #expect(TrackingNumber(spoken) == number)
        #expect(TrackingNumber(number.description.replacingOccurrences(of: "-", with: "")) == number)
        // O for 0 and I/L for 1 in the digits part.
        let misread = number.description.replacingOccurrences(of: "0", with: "O").replacingOccurrences(of: "1", with: "l")
        #expect(TrackingNumber(misread) == number)
    }

    @Test func everySingleMistypedSymbolIsCaught() {
        let text = make().description.filter { $0 != "-" }
        var caught = 0, tried = 0
        for index in text.indices {
            for symbol in TrackingNumber.alphabet where symbol != text[index] {
                var changed = text
                changed.replaceSubrange(index...index, with: String(symbol))
                tried += 1
                if case .failure = TrackingNumber.parse(changed) { caught += 1 }
            }
        }
        #expect(caught == tried)
    }

    @Test func mostSwappedNeighboursAreCaught() {
        var caught = 0, tried = 0
        for seed in 1...100 as ClosedRange<UInt64> {
            let text = Array(make(seed: seed).description.filter { $0 != "-" })
            for index in 0..<(text.count - 1) where text[index] != text[index + 1] {
                var swapped = text
                swapped.swapAt(index, index + 1)
                tried += 1
                if case .failure = TrackingNumber.parse(String(swapped)) { caught += 1 }
            }
        }
        #expect(Double(caught) / Double(tried) > 0.95)
    }

    @Test func randomPartDiffers() {
        let numbers = Set((0..<2_000).map { _ in TrackingNumber(region: bandung, date: day).description })
        #expect(numbers.count == 2_000)
    }

    @Test func refusesBadShapes() {
        #expect(TrackingNumber.parse("") == .failure(.shape))
        #expect(TrackingNumber.parse("3273-261123-K7Q4MX") == .failure(.shape))
        #expect(TrackingNumber.parse("3273-261123-K7Q4MXU") == .failure(.shape))  // U is not a symbol
        #expect(TrackingNumber.parse("32AB-261123-K7Q4MXW") == .failure(.shape))
        #expect(TrackingNumber.parse("3200-261123-K7Q4MXW") == .failure(.region))
        #expect(TrackingNumber.parse("3273-261323-K7Q4MXW") == .failure(.date))
    }

    @Test func codableAsText() throws {
        let number = make()
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(number)\"]")
        #expect(try JSONDecoder().decode([TrackingNumber].self, from: data) == [number])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([TrackingNumber].self, from: Data("[\"nope\"]".utf8)) }
    }

    @Test func checkSymbolAlgebra() {
        let body = [3, 2, 7, 3, 2, 6, 1, 1, 2, 3, 19, 7, 23, 4, 21, 29]
        let check = TrackingNumber.checkValue(body)
        #expect((0..<32).contains(check))
        #expect(TrackingNumber.isValid(body + [check]))
        #expect(!TrackingNumber.isValid(body + [(check + 1) % 32]))
        #expect(!TrackingNumber.isValid([]))
    }
}
