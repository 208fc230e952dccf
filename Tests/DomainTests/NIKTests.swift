import Domain
import Foundation
import Testing

@Suite("NIK")
struct NIKTests {
    /// 23 November 2026: the reference "today" of these tests.
    let today = CivilDate(year: 2026, month: 11, day: 23)!

    func problems(_ text: String) -> [NIK.Problem] {
        switch NIK.parse(text, reference: today) {
        case .success: return []
        case .failure(let failure): return failure.problems
        }
    }

    func parsed(_ text: String) throws -> NIK {
        try NIK.parse(text, reference: today).get()
    }

    // MARK: valid numbers

    @Test func parsesAMan() throws {
        let nik = try parsed("3273011501900001")
        #expect(nik.digits == "3273011501900001")
        #expect(nik.provinceCode == "32")
        #expect(nik.regencyCode == "32.73")
        #expect(nik.districtCode == "32.73.01")
        #expect(nik.serial == "0001")
        #expect(nik.sex == .male)
        #expect(nik.birthDate == CivilDate(year: 1990, month: 1, day: 15))
        #expect(nik.description == "3273011501900001")
        #expect(nik.masked == "327301**********")
    }

    @Test func dayPlusFortyIsAWoman() throws {
        let nik = try parsed("3273015501900002")
        #expect(nik.sex == .female)
        #expect(nik.birthDate == CivilDate(year: 1990, month: 1, day: 15))
    }

    @Test(arguments: [("3273014101000001", 1, NIK.Sex.female), ("3273017101000001", 31, .female),
                      ("3273010101000001", 1, .male), ("3273013101000001", 31, .male)])
    func dayBounds(text: String, day: Int, sex: NIK.Sex) throws {
        let nik = try parsed(text)
        #expect(nik.birthDate.day == day)
        #expect(nik.sex == sex)
    }

    @Test func toleratesSpacesDotsAndDashes() throws {
        #expect(try parsed("3273 0115 0190 0001").digits == "3273011501900001")
        #expect(try parsed("32.73.01-150190-0001").digits == "3273011501900001")
    }

    // MARK: the century

    @Test(arguments: [
        ("150126", 2026),  // this year, already past
        ("231126", 2026),  // today
        ("241126", 1926),  // tomorrow in 2026 would be in the future
        ("150199", 1999),
        ("010100", 2000),
        ("290200", 2000),  // 2000 is a leap year
        ("311225", 2025),
        ("311227", 1927),
    ])
    func resolvesTheTwoDigitYear(date: String, year: Int) throws {
        #expect(try parsed("327301" + date + "0001").birthDate.year == year)
    }

    @Test func resolvesAgainstTheGivenReference() throws {
        let early = CivilDate(year: 2010, month: 6, day: 1)!
        #expect(try NIK.parse("3273011501150001", reference: early).get().birthDate.year == 1915)
        #expect(try NIK.parse("3273011501050001", reference: early).get().birthDate.year == 2005)
    }

    @Test func parsesAgainstAnInstant() throws {
        let instant = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC = 07:00 WIB
        #expect(NIK.today(instant) == CivilDate(year: 2026, month: 1, day: 1))
        #expect(NIK.today(Date(timeIntervalSince1970: 1_767_200_399)) == CivilDate(year: 2025, month: 12, day: 31))  // 23:59:59 WIB
        #expect(try NIK.parse("3273010101260001", now: instant).get().birthDate.year == 2026)
        #expect(try NIK.parse("3273010201260001", now: instant).get().birthDate.year == 1926)
    }

    // MARK: every way to be wrong

    @Test(arguments: ["", "1", "327301150190001", "32730115019000011", "32730115019000012345"])
    func wrongLength(text: String) {
        #expect(problems(text).contains(.length(text.count)))
    }

    @Test(arguments: ["32730115019000A1", "3273011501900O01", "ABCDEFGHIJKLMNOP", "3273011501９00001"])
    func letters(text: String) {
        #expect(problems(text).contains(.notDigits))
    }

    @Test func lettersAndLengthTogether() {
        #expect(problems("12a") == [.length(3), .notDigits])
    }

    @Test func zeroRegionParts() {
        #expect(problems("0073011501900001") == [.zeroRegion(part: "province")])
        #expect(problems("3200011501900001") == [.zeroRegion(part: "regency")])
        #expect(problems("3273001501900001") == [.zeroRegion(part: "district")])
    }

    @Test(arguments: [0, 32, 33, 39, 40, 72, 80, 99])
    func impossibleDay(day: Int) {
        let text = "327301" + String(format: "%02d", day) + "01900001"
        #expect(problems(text) == [.day(day)])
    }

    @Test(arguments: [0, 13, 19, 99])
    func impossibleMonth(month: Int) {
        let text = "32730115" + String(format: "%02d", month) + "900001"
        #expect(problems(text) == [.month(month)])
    }

    @Test(arguments: [
        ("310490", 31, 4, 1990), ("310690", 31, 6, 1990), ("310990", 31, 9, 1990), ("311190", 31, 11, 1990),
        ("300290", 30, 2, 1990), ("290290", 29, 2, 1990), ("290223", 29, 2, 2023), ("710490", 31, 4, 1990),
    ])
    func dayNotInTheMonth(date: String, day: Int, month: Int, year: Int) {
        #expect(problems("327301" + date + "0001") == [.noSuchDate(day: day, month: month, year: year)])
    }

    @Test(arguments: ["290296", "290204", "690296", "290200"])
    func leapDaysExist(date: String) {
        #expect(problems("327301" + date + "0001").isEmpty)
    }

    @Test func zeroSerial() {
        #expect(problems("3273011501900000") == [.zeroSerial])
    }

    @Test func reportsEveryProblemAtOnce() {
        #expect(problems("0000003213000000") == [.zeroRegion(part: "province"), .zeroRegion(part: "regency"),
                                                .zeroRegion(part: "district"), .day(32), .month(13), .zeroSerial])
    }

    @Test func checksTheDigitPartsOfANumberWithLetters() {
        #expect(problems("32730132010X0000") == [.notDigits, .day(32), .zeroSerial])
    }

    @Test func problemsReadInBothLanguages() throws {
        let failure = try #require(NIK.parse("3273013213000000", reference: today).failure)
        #expect(failure.description.contains("must be 01–31 or 41–71"))
        #expect(failure.description.contains("month must be 01–12"))
        #expect(failure.description.contains("serial cannot be 0000"))
        #expect(NIK.Problem.length(3).description.contains("must be 16 digits"))
        #expect(NIK.Problem.notDigits.description.contains("digits only"))
        #expect(NIK.Problem.zeroRegion(part: "regency").description.contains("kabupaten/kota"))
        #expect(NIK.Problem.noSuchDate(day: 31, month: 4, year: 1990).description == "tanggal 31-04-1990 tidak ada di kalender (no such date)")
    }

    // MARK: the recorded birth date

    @Test func matchesTheRecordedBirthDate() throws {
        let nik = try parsed("3273015501900002")
        #expect(nik.matches(birthDate: CivilDate(year: 1990, month: 1, day: 15)!))
        #expect(nik.matches(birthDate: CivilDate(year: 2090, month: 1, day: 15)!))  // only YY is encoded
        #expect(!nik.matches(birthDate: CivilDate(year: 1990, month: 1, day: 16)!))
        #expect(!nik.matches(birthDate: CivilDate(year: 1990, month: 2, day: 15)!))
        #expect(!nik.matches(birthDate: CivilDate(year: 1991, month: 1, day: 15)!))
    }
}

fileprivate extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
