import Domain
import Foundation
import Support
import Testing

@Suite struct FormValidatorTests {
    static let form: [FormField] = [
        FormField(key: "nama", label: "Nama", type: .text, required: true, min_length: 2, max_length: 10),
        FormField(key: "nomor_kk", label: "Nomor KK", type: .text, pattern: "^[0-9]{16}$"),
        FormField(key: "jumlah", label: "Jumlah", type: .number, min: 1, max: 30, integer: true),
        FormField(key: "berat", label: "Berat", type: .number, min: 0.5),
        FormField(key: "tanggal", label: "Tanggal", type: .date),
        FormField(key: "alasan", label: "Alasan", type: .enum, options: ["baru", "hilang"]),
        FormField(key: "urutan", label: "Urutan", type: .enum, options: ["1", "2", "3"]),
        FormField(key: "nik", label: "NIK", type: .nik, required: true),
        FormField(key: "hp", label: "HP", type: .phone),
        FormField(key: "email", label: "Email", type: .email),
        FormField(key: "desa", label: "Desa", type: .region, level: .village),
        FormField(key: "wilayah", label: "Wilayah", type: .region),
        FormField(key: "foto", label: "Foto", type: .file, accept: ["jpeg", "png"]),
    ]

    static let known: Set<String> = ["32.73.01", "32.73.01.1001", "51.05"]
    static let validator = FormValidator(form, regionExists: { known.contains($0.value) })

    @Test func acceptsGoodValuesAndNormalisesThem() {
        let outcome = Self.validator.check([
            "nama": " Siti ", "nomor_kk": "3273010101090001", "jumlah": 4, "berat": "2.5", "tanggal": "2024-02-29",
            "alasan": "hilang", "urutan": 2, "nik": "3273 0141 0790 0001", "hp": "0812-3456-7890", "email": "Siti@Example.CO.ID",
            "desa": "3273011001", "wilayah": "51.05", "foto": ["attachment": 0, "type": "jpg"],
        ])
        #expect(outcome.errors == [:])
        #expect(outcome.isValid)
        let normalized = outcome.normalized
        #expect(normalized["nama"] == "Siti" && normalized["berat"] == .number(2.5) && normalized["urutan"] == "2")
        #expect(normalized["nik"] == "3273014107900001" && normalized["hp"] == "+6281234567890")
        #expect(normalized["email"] == "Siti@example.co.id" && normalized["desa"] == "32.73.01.1001")
        #expect(Self.validator.validate(["nama": "Budi", "nik": "3273014107900001", "foto": "doc-123"]) == [:])
    }

    @Test func reportsEveryBadFieldAtOnce() {
        let errors = Self.validator.validate([
            "nama": "S", "nomor_kk": "12345", "jumlah": 3.5, "berat": 0.1, "tanggal": "2023-02-29", "alasan": "dicuri",
            "urutan": 4, "nik": "3273014107900000", "hp": "12345", "email": "siti@", "desa": "32.73.01",
            "wilayah": "99.99", "foto": ["attachment": 0, "type": "pdf"], "hobi": "catur",
        ])
        #expect(Set(errors.keys) == ["nama", "nomor_kk", "jumlah", "berat", "tanggal", "alasan", "urutan", "nik", "hp", "email",
                                     "desa", "wilayah", "foto", "hobi"])
        #expect(errors["hobi"]?.contains("unknown field") == true)
        #expect(errors["desa"]?.contains("desa/kelurahan") == true)
        #expect(errors["wilayah"]?.contains("unknown region") == true)
        #expect(errors["nik"]?.contains("0000") == true)
    }

    @Test func requiredAndBlank() {
        let errors = Self.validator.validate(["nama": "   ", "nik": .null, "email": ""])
        #expect(errors == ["nama": "wajib diisi (required)", "nik": "wajib diisi (required)"])
        #expect(FormValidator(Self.form, rejectUnknownFields: false).validate(["nama": "Budi", "nik": "3273011203880002", "x": 1]) == [:])
    }

    @Test func typeMismatches() {
        let errors = Self.validator.validate(["nama": 5, "nik": 3273014107900001, "jumlah": "banyak", "tanggal": 20240101,
                                              "alasan": true, "desa": ["32.73.01.1001"], "foto": 7])
        #expect(errors["nama"]?.contains("string") == true && errors["nik"]?.contains("string") == true)
        #expect(errors["jumlah"] != nil && errors["tanggal"] != nil && errors["alasan"] != nil && errors["desa"] != nil && errors["foto"] != nil)
    }

    @Test func nikChecksRegionAndDate() {
        let strict = FormValidator([FormField(key: "nik", label: "NIK", type: .nik, required: true)],
                                   regionExists: { Self.known.contains($0.value) }, today: CivilDate(year: 2026, month: 1, day: 1))
        #expect(strict.validate(["nik": "3273014107900001"]) == [:])
        #expect(strict.validate(["nik": "9999014107900001"])["nik"]?.contains("unknown district") == true)
        #expect(strict.validate(["nik": "3273013202900001"])["nik"] != nil)  // 32 February
        #expect(strict.validate(["nik": "3273017207900001"])["nik"] != nil)  // day 72
        #expect(strict.validate(["nik": "327301410790001"])["nik"]?.contains("16") == true)
        #expect(strict.validate(["nik": "32730141079000AB"])["nik"] != nil)
        // Without a region oracle, only the shape counts.
        #expect(FormValidator([FormField(key: "nik", label: "NIK", type: .nik)]).validate(["nik": "9999014107900001"]) == [:])
    }

    @Test func phonesAndEmails() {
        let contact = FormValidator([FormField(key: "hp", label: "HP", type: .phone), FormField(key: "email", label: "Email", type: .email)])
        for phone in ["081234567890", "+62 812 3456 7890", "6281234567890", "(0361) 21234", "021-5551234"] {
            #expect(contact.validate(["hp": .string(phone)]) == [:], "\(phone)")
        }
        for phone in ["0812", "00812345678", "+1 555 1234567", "08123456789012345", "0812abc4567"] {
            #expect(contact.validate(["hp": .string(phone)])["hp"] != nil, "\(phone)")
        }
        for email in ["a@b.id", "siti.rahma+mpp@kemenpan.go.id", "x_y@mail-server.example.com"] {
            #expect(contact.validate(["email": .string(email)]) == [:], "\(email)")
        }
        for email in ["a@b", "@b.id", "a@@b.id", "a b@c.id", "a@-b.id", "a@b.1d", ".a@b.id", "a..b@c.id", "a@b..id"] {
            #expect(contact.validate(["email": .string(email)])["email"] != nil, "\(email)")
        }
    }

    @Test func filesReferToDocumentsOrAttachments() {
        let files = FormValidator([FormField(key: "scan", label: "Scan", type: .file, accept: ["pdf"])])
        #expect(files.validate(["scan": ["document": "doc-1"]]) == [:])
        #expect(files.validate(["scan": ["attachment": 2, "type": "pdf"]]) == [:])
        #expect(files.validate(["scan": ["attachment": -1]])["scan"] != nil)
        #expect(files.validate(["scan": ["document": ""]])["scan"] != nil)
        #expect(files.validate(["scan": ["document": "d", "type": "png"]])["scan"]?.contains("pdf") == true)
    }

    @Test func invalidPatternInAFormIsReportedNotFatal() {
        let broken = FormValidator([FormField(key: "x", label: "X", type: .text, pattern: "([")])
        #expect(broken.validate(["x": "a"])["x"]?.contains("pattern") == true)
    }

    /// Issue 14 finding 7: text is bounded even where the form sets no length, and holds no control characters.
    @Test func textIsBoundedAndPrintable() {
        let free = FormValidator([FormField(key: "catatan", label: "Catatan", type: .text)])
        #expect(free.validate(["catatan": "Jl. Siliwangi No. 7\nRT 002/RW 005"]) == [:])
        #expect(free.validate(["catatan": .string(String(repeating: "x", count: FormValidator.maxText + 1))])["catatan"]?.contains("at most") == true)
        #expect(free.validate(["catatan": "nul\u{0}byte"])["catatan"]?.contains("control") == true)
        #expect(Self.validator.validate(["nama": "Siti Aminah Panjang", "nik": "3273014107900001"])["nama"]?.contains("at most 10") == true)
    }

    /// Issue 14 finding 1: a huge number for an option field trapped converting it to `Int`.
    @Test(arguments: [1e19, 9_223_372_036_854_775_808, 1e300, -1e19, -9_223_372_036_854_775_808, .greatestFiniteMagnitude])
    func hugeNumbersAreRefusedNotFatal(number: Double) {
        let errors = Self.validator.validate(["nama": "Siti", "nik": "3273014107900001", "alasan": .number(number), "urutan": .number(number),
                                              "jumlah": .number(number), "berat": .number(number)])
        #expect(errors["alasan"]?.contains("not an option") == true)
        #expect(errors["urutan"]?.contains("not an option") == true)
        #expect(errors["jumlah"] != nil)
        #expect(Set(errors.keys).isSubset(of: ["alasan", "urutan", "jumlah", "berat"]), "\(errors)")
        #expect(Self.validator.validate(["nik": "3273014107900001", "urutan": 3.5])["urutan"] != nil)
    }
}
