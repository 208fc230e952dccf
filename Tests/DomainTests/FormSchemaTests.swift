import Domain
import Foundation
import Support
import Testing

@Suite struct FormSchemaTests {
    @Test func soundFormsHaveNoProblems() {
        let form = [FormField(key: "nik", label: "NIK", type: .nik, required: true, prefill: "nik"),
                    FormField(key: "alasan", label: "Alasan", type: .enum, options: ["a", "b"]),
                    FormField(key: "desa", label: "Desa", type: .region, level: .village)]
        #expect(FormSchema.problems(form) == [:])
    }

    @Test func everyProblemIsNamed() {
        let form = [
            FormField(key: "1bad", label: "", type: .text),
            FormField(key: "dup", label: "A", type: .enum),
            FormField(key: "dup", label: "B", type: .number, min: 5, max: 1),
            FormField(key: "t", label: "T", type: .text, pattern: "[", min_length: 5, max_length: 2),
            FormField(key: "r", label: "R", type: .date, options: ["x"], level: .village),
            FormField(key: "f", label: "F", type: .file, accept: ["exe"]),
            FormField(key: "e", label: "E", type: .enum, options: ["a", "a"]),
        ]
        let problems = FormSchema.problems(form, prefix: "service.form")
        for key in ["service.form[0].key", "service.form[0].label", "service.form[1].options", "service.form[2].key",
                    "service.form[2].min", "service.form[3].pattern", "service.form[3].min_length", "service.form[4].options",
                    "service.form[4].level", "service.form[5].accept", "service.form[6].options"] {
            #expect(problems[key] != nil, "\(key) in \(problems)")
        }
    }

    @Test func decodesWithDefaultsAndNamesUnknownTypes() throws {
        let field = try JSON.decode(FormField.self, from: Array(#"{"key":"k","label":"L","type":"text"}"#.utf8))
        #expect(field.required == false && field.pattern == nil)
        let encoded = String(decoding: try JSON.encode(field), as: UTF8.self)
        #expect(encoded == #"{"key":"k","label":"L","required":false,"type":"text"}"#)
        #expect(throws: DecodingError.self) { try JSON.decode(FormField.self, from: Array(#"{"key":"k","label":"L","type":"colour"}"#.utf8)) }
    }
}
