import Domain
import Testing

@Suite struct SKMTests {
    @Test func indexIsTheMeanOfElementMeansTimes25() {
        #expect(SKM.index([Array(repeating: 4, count: 9)]) == 100)
        #expect(SKM.index([Array(repeating: 1, count: 9)]) == 25)
        // Element means 3.5 (x9) → 87.5.
        #expect(SKM.index([Array(repeating: 4, count: 9), Array(repeating: 3, count: 9)]) == 87.5)
        #expect(SKM.index([[4, 4, 4, 4, 4, 4, 4, 4, 3]]) == 97.22)
        #expect(SKM.index([]) == nil)
        #expect(SKM.index([[5, 4, 4, 4, 4, 4, 4, 4, 4]]) == nil, "invalid responses do not count")
    }

    @Test func gradeBoundaries() {
        #expect(SKM.grade(100) == .a)
        #expect(SKM.grade(88.31) == .a)
        #expect(SKM.grade(88.30) == .b)
        #expect(SKM.grade(76.61) == .b)
        #expect(SKM.grade(76.60) == .c)
        #expect(SKM.grade(65.00) == .c)
        #expect(SKM.grade(64.99) == .d)
        #expect(SKM.grade(25) == .d)
        #expect(SKM.Grade.a > SKM.Grade.b && SKM.Grade.c > SKM.Grade.d)
        #expect(SKM.Grade.c.meaning == "Kurang Baik")
    }

    @Test func responseProblemsNameTheElement() {
        #expect(SKM.problems(Array(repeating: 3, count: 9)).isEmpty)
        #expect(SKM.problems([3, 3]) == ["scores": "harus 9 nilai (9 unsur SKM)"])
        #expect(SKM.problems([3, 3, 0, 3, 3, 3, 3, 5, 3]) == ["scores[2]": "harus 1–4", "scores[7]": "harus 1–4"])
    }
}
