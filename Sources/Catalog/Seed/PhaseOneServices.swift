import Domain
import Foundation
import Support

/// The phase-1 services of `services_phase1.json` completed with this project's additions
/// (`services_details.json`): descriptions, English labels, search keywords and a filled-in
/// example form. Pure.
enum PhaseOneServices {
    static func drafts(_ reference: ReferenceData) -> [ServiceDraft] {
        reference.services.services.map { complete($0, reference.details) }
    }

    static func complete(_ draft: ServiceDraft, _ details: ReferenceData.Details) -> ServiceDraft {
        var service = draft
        if let text = details.descriptions[service.id] {
            service.description = service.description ?? text.id
            service.description_en = service.description_en ?? text.en
        } else if let group = service.group, let text = details.group_descriptions[group] {
            let (profession, professionEN) = profession(service)
            service.description = service.description ?? text.id.replacingOccurrences(of: "{profession}", with: profession)
            service.description_en = service.description_en ?? text.en.replacingOccurrences(of: "{profession_en}", with: professionEN)
        }
        var keywords = service.keywords + (details.keywords[service.id] ?? []) + (service.group.flatMap { details.group_keywords[$0] } ?? [])
        if let abbreviation = abbreviation(service.name) { keywords.append(abbreviation.lowercased()) }
        var seen: Set<String> = []
        service.keywords = keywords.filter { seen.insert($0).inserted }
        service.form = service.form.map { field in
            var field = field
            field.label_en = field.label_en ?? details.field_labels_en[field.label]
            return field
        }
        service.requirements = service.requirements.map { requirement in
            var requirement = requirement
            requirement.label_en = requirement.label_en ?? details.requirement_labels_en[requirement.label]
            return requirement
        }
        if service.example == nil {
            service.example = Dictionary(uniqueKeysWithValues: service.form.compactMap { field in
                details.field_examples[field.key].map { (field.key, $0) }
            })
        }
        return service
    }

    /// "Surat Izin Praktik Bidan (SIPB)" → "SIPB".
    static func abbreviation(_ name: String) -> String? {
        guard name.hasSuffix(")"), let open = name.lastIndex(of: "(") else { return nil }
        let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
        return inner.count >= 2 && inner.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "-" || $0.isLowercase })
            && inner.first?.isUppercase == true && !inner.contains(" ") ? String(inner) : nil
    }

    /// The profession of a practice permit, from its names: "Surat Izin Praktik Bidan (SIPB)" /
    /// "Practice permit: Bidan" → ("bidan", "Bidan").
    static func profession(_ service: ServiceDraft) -> (String, String) {
        var name = service.name.replacingOccurrences(of: "Surat Izin Praktik ", with: "")
        if let abbreviation = abbreviation(service.name) {
            name = name.replacingOccurrences(of: " (\(abbreviation))", with: "")
        }
        let english = service.name_en.components(separatedBy: ": ").last ?? service.name_en
        return (name.lowercased(), english.lowercased())
    }
}
