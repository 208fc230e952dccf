@testable import Catalog
import Domain
import Testing

/// The pure query layers of service and region search.
@Suite struct SearchNormalisationTests {
    @Test func foldingDropsCaseAccentsAndPunctuation() {
        #expect(TextFolding.words("Kab. Aceh-Selatan") == ["kab", "aceh", "selatan"])
        #expect(TextFolding.fold("  KTP–el (E-KTP)  ") == "ktp el e ktp")
        #expect(TextFolding.fold("Désa Sukarésa") == "desa sukaresa")
        #expect(TextFolding.words("..--,,").isEmpty)
        #expect(TextFolding.matchAll(["jakarta", "pus"]) == #""jakarta"* "pus"*"#)
    }

    @Test func serviceSynonymsRewriteToTheCatalogsWords() {
        #expect(ServiceQuery("ktp").terms == [["ktp", "el"]])
        #expect(ServiceQuery("E-KTP").terms == [["ktp", "el"]])
        #expect(ServiceQuery("KTP-el").terms == [["ktp", "el"]])
        #expect(ServiceQuery("ektp baru").terms == [["ktp", "el"], ["baru"]])
        #expect(ServiceQuery("akta lahir").terms == [["akta", "kelahiran"]])
        #expect(ServiceQuery("akte kematian").terms == [["akta", "kematian"]])
        #expect(ServiceQuery("kk").terms == [["kartu", "keluarga"]])
        #expect(ServiceQuery("SIP dokter gigi").terms == [["surat", "izin", "praktik"], ["dokter", "gigi"]])
        #expect(ServiceQuery("surat ijin praktek").terms == [["surat", "izin", "praktik"]])
        #expect(ServiceQuery("ktp ktp").terms == [["ktp", "el"]])
        #expect(ServiceQuery("   ").isEmpty)
    }

    @Test func ftsQueriesAreQuotedPhrases() {
        let query = ServiceQuery("akta lahir \"OR* NEAR(")
        #expect(query.matchAll == #""akta kelahiran"* "or"* "near"*"#)
        #expect(query.matchAny == #""akta kelahiran"* OR "or"* OR "near"*"#)
    }

    @Test func regionQueriesTakeTypeWordsApart() {
        let kab = RegionQuery("Kab. Klungkung")
        #expect(kab.words == ["klungkung"] && kab.hint == .regency(city: false))
        let kota = RegionQuery("KOTA ADM. Jakarta Pusat")
        #expect(kota.words == ["jakarta", "pusat"] && kota.hint == .regency(city: true))
        #expect(RegionQuery("kec sukasari").hint == .district && RegionQuery("desa sakti").hint == .village)
        #expect(RegionQuery("prov. bali").hint == .province)
        // A type word alone is the name itself ("Kota" is also a village name part).
        let alone = RegionQuery("kota")
        #expect(alone.words == ["kota"] && alone.hint == nil)
        #expect(RegionQuery("sukasari").hint == nil)
    }

    @Test func regenciesAreIndexedWithoutTheirTypeWord() {
        #expect(RegionQuery.indexWords(name: "Kabupaten Klungkung", level: .regency) == "klungkung")
        #expect(RegionQuery.indexWords(name: "Kota Administrasi Jakarta Pusat", level: .regency) == "jakarta pusat")
        #expect(RegionQuery.indexWords(name: "Kabupaten Administrasi Kepulauan Seribu", level: .regency) == "kepulauan seribu")
        #expect(RegionQuery.indexWords(name: "Kota Baru", level: .village) == "kota baru")
    }

    @Test func rankingPrefersExactNamesThenTheHintedType() throws {
        let query = RegionQuery("kota bandung")
        let city = query.rank(code: try #require(RegionCode("32.73")), name: "Kota Bandung", level: .regency)
        let regency = query.rank(code: try #require(RegionCode("32.04")), name: "Kabupaten Bandung", level: .regency)
        let barat = query.rank(code: try #require(RegionCode("32.17")), name: "Kabupaten Bandung Barat", level: .regency)
        #expect(city < regency && regency < barat)
        let village = RegionQuery("kota baru").rank(code: try #require(RegionCode("16.01.01.2001")), name: "Kota Baru", level: .village)
        #expect(village.0 == 0)
    }
}
