/// A structured answer as stored: never the raw message text, except for a capped free-text field.
public enum AnswerValue: Codable, Sendable, Equatable, Hashable {
    case choice(String)
    /// Several choices, in the order of the options.
    case choices([String])
    case yesNo(Bool)
    case number(Int)
    case text(String)
    /// A day as YYYY-MM-DD, in the person's time zone.
    case date(String)
    /// A time of day as HH:MM.
    case time(String)
    /// A local day and time as YYYY-MM-DDTHH:MM, in the person's time zone.
    case dateTime(String)

    /// The form branches compare against and summaries show ("yes", "3", "a_little").
    public var canonical: String {
        switch self {
        case .choice(let value): value
        case .choices(let values): values.joined(separator: ",")
        case .yesNo(let flag): flag ? "yes" : "no"
        case .number(let value): String(value)
        case .text(let value), .date(let value), .time(let value), .dateTime(let value): value
        }
    }

    /// Each value a condition can match: every choice of a several-choices answer.
    public var canonicalValues: [String] {
        if case .choices(let values) = self { return values }
        return [canonical]
    }

    public var isFreeText: Bool {
        if case .text = self { return true }
        return false
    }
}
