/// Where commands find the signed-in user's token when neither `--token` nor `MPP_TOKEN` is
/// given. The identity commands (`mpp login`) replace this with the saved session.
nonisolated(unsafe) var sessionTokenProvider: @Sendable (CommandContext) async -> String? = { _ in nil }

func sessionToken(_ context: CommandContext) async -> String? { await sessionTokenProvider(context) }
