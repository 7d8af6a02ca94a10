/// A structured answer as stored: never the raw message text, except for a capped free-text field.
public enum AnswerValue: Codable, Sendable, Equatable, Hashable {
    case choice(String)
    case yesNo(Bool)
    case number(Int)
    case text(String)

    /// The form branches compare against and summaries show ("yes", "3", "a_little").
    public var canonical: String {
        switch self {
        case .choice(let value): value
        case .yesNo(let flag): flag ? "yes" : "no"
        case .number(let value): String(value)
        case .text(let value): value
        }
    }

    public var isFreeText: Bool {
        if case .text = self { return true }
        return false
    }
}
