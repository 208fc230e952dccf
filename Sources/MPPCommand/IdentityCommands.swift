/// Identity verbs: register, login, profile, staff (issue: identity service).
let identityCommands: [any Command] = []
