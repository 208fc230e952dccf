/// The ops verbs: run and inspect the platform.
let platformCommands: [any Command] = [UpCommand(), StatusCommand(), CallCommand(), KeysCommand(), EventsCommand()]
