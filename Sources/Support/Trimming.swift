extension StringProtocol {
    /// The text without leading and trailing white space (Unicode `White_Space`: spaces, tabs,
    /// line breaks, no-break spaces). Pure Swift: Foundation's `trimmingCharacters(in:)` goes
    /// through NSString and was a hot spot of form validation.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? first
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex, let whole = self as? String { return whole }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
