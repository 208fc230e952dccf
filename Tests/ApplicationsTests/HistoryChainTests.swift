import Applications
import Domain
import Support
import Testing

@Suite("History chain and prefill")
struct HistoryChainTests {
    let number = "3273-261123-K7Q4MXW"

    func chain() -> [HistoryEntry] {
        let steps = [("submit", "", "submitted", "c-1", "citizen"), ("verify", "submitted", "verified", "o-1", "officer"),
                     ("process", "verified", "processing", "o-1", "officer")]
        var entries: [HistoryEntry] = []
        for (index, step) in steps.enumerated() {
            let entry = HistoryEntry(seq: index + 1, action: step.0, from: step.1, to: step.2, actor: step.3, actor_role: step.4,
                                     actor_agency: step.4 == "officer" ? "disdukcapil" : nil, note: nil, output: nil,
                                     time: "2026-11-23T0\(index):00:00Z")
            entries.append(HistoryChain.sealed(entry, trackingNumber: number, previous: entries.last?.hash))
        }
        return entries
    }

    @Test func anIntactChainVerifies() {
        #expect(HistoryChain.verify(chain(), trackingNumber: number, currentState: "processing").isEmpty)
    }

    @Test func anEditedRowIsDetected() {
        var entries = chain()
        entries[1].actor = "o-2"
        let breaks = HistoryChain.verify(entries, trackingNumber: number, currentState: "processing")
        #expect(breaks.map(\.seq) == [2])
        entries[1].note = "x"
        entries[1].hash = HistoryChain.hash(entries[1], trackingNumber: number)  // re-sealed by the forger…
        #expect(HistoryChain.verify(entries, trackingNumber: number, currentState: "processing").map(\.seq) == [3])  // …breaks the next link
    }

    @Test func deletedReorderedOrMovedRowsAreDetected() {
        var entries = chain()
        entries.remove(at: 1)
        #expect(!HistoryChain.verify(entries, trackingNumber: number, currentState: "processing").isEmpty)
        #expect(!HistoryChain.verify(chain().reversed(), trackingNumber: number, currentState: "processing").isEmpty)
        #expect(!HistoryChain.verify(chain(), trackingNumber: "3273-261123-AAAAAAA", currentState: "processing").isEmpty)
        #expect(!HistoryChain.verify(chain(), trackingNumber: number, currentState: "completed").isEmpty)
        #expect(!HistoryChain.verify([], trackingNumber: number, currentState: nil).isEmpty)
    }

    @Test func prefillTakesProfileValuesForEmptyFieldsOnly() {
        let fields = [
            FormField(key: "nik", label: "NIK", type: .nik, required: true, prefill: "nik"),
            FormField(key: "nomor_kk", label: "KK", type: .text, required: true, prefill: "kk_number"),
            FormField(key: "desa", label: "Desa", type: .region, required: true, prefill: "address.village_code"),
            FormField(key: "telepon", label: "Telepon", type: .phone, prefill: "phone"),
            FormField(key: "alasan", label: "Alasan", type: .enum, required: true, options: ["baru"]),
        ]
        let account: JSONValue = ["nik": "3273011501900001", "name": "Siti",
                                  "profile": ["kk_number": "3273010101900001", "address": ["village_code": "32.73.01.1001"]]]
        #expect(ProfilePrefill.isNeeded(fields, values: ["alasan": "baru"]))
        let (values, filled) = ProfilePrefill.fill(fields, values: ["alasan": "baru", "nomor_kk": "3273019999900001", "telepon": " "],
                                                   account: account)
        #expect(Set(filled) == ["nik", "desa"])
        #expect(values["nomor_kk"] == "3273019999900001")
        #expect(values["desa"] == "32.73.01.1001")
        #expect(values["telepon"] == " ")
        #expect(!ProfilePrefill.isNeeded(fields, values: values.merging(["telepon": "08123456789", "nomor_kk": "1"]) { $1 }))
    }
}
