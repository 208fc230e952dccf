/// The templates every installation starts with (version 1, inbox channel; other channels fall
/// back to these until ops write their own with `notifications.templates.upsert`).
enum DefaultTemplates {
    struct Text {
        var subject: String
        var body: String
    }

    static func text(_ kind: NotificationKind, _ language: Language) -> Text {
        language == .english ? english(kind) : indonesian(kind)
    }

    static func indonesian(_ kind: NotificationKind) -> Text {
        switch kind {
        case .welcome:
            Text(subject: "Selamat datang di MPP Digital",
                 body: "Akun Anda telah terdaftar. Ajukan layanan instansi mana pun dengan satu akun dan pantau statusnya di sini.")
        case .submitted:
            Text(subject: "Permohonan {{tracking_number}} diterima",
                 body: "Permohonan {{service}} Anda telah diterima dengan nomor {{tracking_number}}. Simpan nomor ini untuk melacak statusnya.")
        case .statusChanged:
            Text(subject: "Status {{tracking_number}}: {{state}}",
                 body: "Permohonan {{service}} nomor {{tracking_number}} kini berstatus: {{state}}. {{note}}")
        case .surveyInvitation:
            Text(subject: "Bagaimana pelayanan kami?",
                 body: "Permohonan {{tracking_number}} telah selesai. Mohon isi Survei Kepuasan Masyarakat (9 pertanyaan singkat) agar pelayanan MPP makin baik.")
        case .slaWarning:
            Text(subject: "Peringatan SLA: {{tracking_number}}",
                 body: "Permohonan {{tracking_number}} ({{service}}) telah memakai {{budget_used}} waktu layanan. Batas waktu: {{deadline}}.")
        case .slaBreached:
            Text(subject: "SLA terlampaui: {{tracking_number}}",
                 body: "Permohonan {{tracking_number}} ({{service}}) melewati batas waktu layanan {{deadline}}. Mohon segera ditindaklanjuti.")
        case .slaBreachedCitizen:
            Text(subject: "Mohon maaf atas keterlambatan",
                 body: "Mohon maaf, permohonan {{tracking_number}} ({{service}}) belum selesai pada batas waktu {{deadline}}. Permohonan Anda kini diprioritaskan dan diteruskan ke atasan petugas; kami akan mengabari Anda pada setiap perubahan status.")
        case .slaEscalated:
            Text(subject: "Eskalasi SLA tingkat {{rung}}: {{tracking_number}}",
                 body: "Permohonan {{tracking_number}} ({{service}}, {{agency}}) melewati batas waktu {{deadline}} dan dieskalasikan kepada {{role}}.")
        case .loginAttack:
            Text(subject: "Ada yang mencoba masuk ke akun Anda",
                 body: "Sejak {{since}} ada {{failures}} kali percobaan masuk ke akun MPP Digital Anda dengan kata sandi yang salah (terakhir {{last_at}}). Jika itu bukan Anda: jangan berikan kata sandi atau kode apa pun kepada siapa pun, petugas tidak pernah memintanya. Akun Anda tidak dikunci: Anda tetap dapat masuk, paling lama setelah menunggu beberapa menit. Jika tetap tidak bisa masuk, datanglah ke loket MPP atau Disdukcapil dengan membawa KTP-el untuk membuka akun Anda.")
        }
    }

    static func english(_ kind: NotificationKind) -> Text {
        switch kind {
        case .welcome:
            Text(subject: "Welcome to MPP Digital",
                 body: "Your account is registered. Apply for the services of any agency with one account and follow their status here.")
        case .submitted:
            Text(subject: "Application {{tracking_number}} received",
                 body: "Your {{service}} application was received with number {{tracking_number}}. Keep this number to track its status.")
        case .statusChanged:
            Text(subject: "Status of {{tracking_number}}: {{state}}",
                 body: "Your {{service}} application {{tracking_number}} is now: {{state}}. {{note}}")
        case .surveyInvitation:
            Text(subject: "How did we do?",
                 body: "Application {{tracking_number}} is complete. Please answer the public satisfaction survey (9 short questions) to help improve MPP services.")
        case .slaWarning:
            Text(subject: "SLA warning: {{tracking_number}}",
                 body: "Application {{tracking_number}} ({{service}}) has used {{budget_used}} of its service time. Deadline: {{deadline}}.")
        case .slaBreached:
            Text(subject: "SLA breached: {{tracking_number}}",
                 body: "Application {{tracking_number}} ({{service}}) missed its service deadline {{deadline}}. Please act on it now.")
        case .slaBreachedCitizen:
            Text(subject: "We are sorry for the delay",
                 body: "We are sorry: application {{tracking_number}} ({{service}}) was not finished by its deadline {{deadline}}. It now has priority and has been passed to the officer's supervisor; we will tell you of every change of status.")
        case .slaEscalated:
            Text(subject: "SLA escalation level {{rung}}: {{tracking_number}}",
                 body: "Application {{tracking_number}} ({{service}}, {{agency}}) missed its deadline {{deadline}} and was escalated to {{role}}.")
        case .loginAttack:
            Text(subject: "Someone is trying to sign in to your account",
                 body: "Since {{since}} there have been {{failures}} attempts to sign in to your MPP Digital account with a wrong password (the last at {{last_at}}). If this was not you: never give your password or any code to anyone; officers never ask for it. Your account is not locked: you can still sign in, at worst after waiting a few minutes. If you still cannot, visit an MPP or Disdukcapil counter with your KTP-el to have your account unlocked.")
        }
    }
}
