/// Identity verbs: register, login, profile, staff (issue: identity service).
let identityCommands: [any Command] = [
    RegisterCommand(), LoginCommand(), LogoutCommand(), WhoAmICommand(), ProfileCommand(), VerifyCommand(), UnlockCommand(), StaffCommand(),
    AdminCommand(),
]
