import Applications
import Testing

/// Small but real file beginnings.
enum SampleFiles {
    static let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9]
    static let text = Array("just a text file pretending to be a scan".utf8)

    /// A different PDF each time (vault ids are content hashes).
    static func pdf(_ marker: String) -> [UInt8] { pdf + Array("% \(marker)\n".utf8) }
}

@Suite("Document checks")
struct DocumentCheckTests {
    let check = DocumentCheck(maxBytes: 1024)
    let any = ["pdf", "jpeg", "png"]

    @Test func recognisesRealSignatures() {
        #expect(DocumentKind.sniff(SampleFiles.pdf) == .pdf)
        #expect(DocumentKind.sniff(SampleFiles.png) == .png)
        #expect(DocumentKind.sniff(SampleFiles.jpeg) == .jpeg)
        #expect(DocumentKind.sniff(SampleFiles.text) == nil)
        #expect(DocumentKind.sniff([0x89, 0x50]) == nil)
        #expect(check.check(SampleFiles.jpeg, declaredType: "jpg", fileName: "ktp.JPG", accepted: ["jpg"]) == .success(.jpeg))
    }

    @Test func aPNGRenamedPDFIsRefused() {
        guard case .failure(let refusal) = check.check(SampleFiles.png, declaredType: nil, fileName: "kk.pdf", accepted: any) else {
            Issue.record("a PNG named .pdf was accepted")
            return
        }
        #expect(refusal.reason.contains("PNG") && refusal.reason.contains("PDF"))
        #expect(check.check(SampleFiles.png, declaredType: "pdf", fileName: nil, accepted: any).isFailure)
        #expect(check.check(SampleFiles.png, declaredType: nil, fileName: "kk.png", accepted: any) == .success(.png))
    }

    @Test func refusesWhatIsNotADocument() {
        #expect(check.check([], declaredType: nil, fileName: nil, accepted: any).isFailure)
        #expect(check.check(SampleFiles.text, declaredType: nil, fileName: "scan.pdf", accepted: any).isFailure)
        #expect(check.check(SampleFiles.pdf, declaredType: "docx", fileName: nil, accepted: any).isFailure)
    }

    @Test func sizeLimit() {
        let big = SampleFiles.pdf + [UInt8](repeating: 0x20, count: 1024)
        #expect(check.check(big, declaredType: nil, fileName: nil, accepted: any).isFailure)
        #expect(check.check(Array(big.prefix(1024)), declaredType: nil, fileName: nil, accepted: any) == .success(.pdf))
    }

    @Test func onlyAcceptedKinds() {
        #expect(check.check(SampleFiles.jpeg, declaredType: nil, fileName: nil, accepted: ["pdf"]).isFailure)
        #expect(check.check(SampleFiles.pdf, declaredType: nil, fileName: "file.without.known.ext", accepted: ["pdf"]) == .success(.pdf))
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
