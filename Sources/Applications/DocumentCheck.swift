/// The kinds of scanned documents a citizen may upload.
public enum DocumentKind: String, Codable, Sendable, CaseIterable {
    case pdf
    case jpeg
    case png

    /// The magic bytes every file of this kind starts with.
    public var signature: [UInt8] {
        switch self {
        case .pdf: Array("%PDF-".utf8)
        case .jpeg: [0xFF, 0xD8, 0xFF]
        case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        }
    }

    /// The kind whose signature `bytes` start with, if any.
    public static func sniff(_ bytes: [UInt8]) -> DocumentKind? {
        allCases.first { bytes.starts(with: $0.signature) }
    }

    /// A type name or file extension (`pdf`, `JPG`, `jpeg`, `png`).
    public init?(name: String) {
        switch name.lowercased() {
        case "pdf": self = .pdf
        case "jpg", "jpeg": self = .jpeg
        case "png": self = .png
        default: return nil
        }
    }

    /// The kind a file name's extension claims (`kk.pdf` → pdf).
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return nil }
        self.init(name: String(fileName[fileName.index(after: dot)...]))
    }
}

/// Checks one uploaded document against a requirement: not empty, within the size limit, a real
/// PDF/JPEG/PNG by its first bytes (not by its name), the same kind as its declared type or
/// file name says, and a kind the requirement accepts. Pure.
public struct DocumentCheck: Sendable {
    public let maxBytes: Int

    public init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// The document's kind, or why it is refused (Bahasa Indonesia, English in parentheses).
    public func check(_ bytes: [UInt8], declaredType: String?, fileName: String?, accepted: [String]) -> Result<DocumentKind, Refusal> {
        guard !bytes.isEmpty else { return .failure(Refusal("berkas kosong (empty file)")) }
        guard bytes.count <= maxBytes else {
            return .failure(Refusal("berkas lebih dari \(maxBytes / 1024) KiB (file too large)"))
        }
        guard let kind = DocumentKind.sniff(bytes) else {
            return .failure(Refusal("bukan PDF, JPEG atau PNG yang sah menurut isinya (file signature not recognised)"))
        }
        if let declaredType {
            guard let declared = DocumentKind(name: declaredType) else {
                return .failure(Refusal("jenis \"\(declaredType)\" tidak dikenal: pdf, jpeg atau png (unknown type)"))
            }
            guard declared == kind else { return .failure(mismatch(claimed: declared, actual: kind)) }
        }
        if let fileName, let claimed = DocumentKind(fileName: fileName), claimed != kind {
            return .failure(mismatch(claimed: claimed, actual: kind))
        }
        return accepts(kind, accepted) ? .success(kind) : .failure(notAccepted(accepted))
    }

    /// Whether `accepted` (requirement types, `jpg` = `jpeg`) includes `kind`.
    public func accepts(_ kind: DocumentKind, _ accepted: [String]) -> Bool {
        accepted.contains { DocumentKind(name: $0) == kind }
    }

    public func notAccepted(_ accepted: [String]) -> Refusal {
        Refusal("jenis berkas harus " + accepted.joined(separator: ", ") + " (file type not accepted)")
    }

    private func mismatch(claimed: DocumentKind, actual: DocumentKind) -> Refusal {
        Refusal("isi berkas adalah \(actual.rawValue.uppercased()), bukan \(claimed.rawValue.uppercased()) seperti namanya "
                + "(file signature does not match its type)")
    }

    /// Why a document is refused.
    public struct Refusal: Error, Sendable, Equatable {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
    }
}
