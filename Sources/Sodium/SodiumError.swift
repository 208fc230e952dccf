/// An error reported by a libsodium call or by invalid input to this module.
public struct SodiumError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, in words.
    public let message: String

    /// Creates an error with the given explanation.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "SodiumError: \(message)" }
}
