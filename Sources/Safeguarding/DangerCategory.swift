/// What a screened message may be about (DOMAIN.md, "Safeguarding"): each must reach a
/// coordinator at once.
public enum DangerCategory: String, CaseIterable, Codable, Sendable {
    /// The safety word ("sos") or its equivalent in any language.
    case safetyWord = "safety_word"
    case threat
    /// The trafficker, their relatives or friends, or suspicious people seen.
    case traffickerSeen = "trafficker_seen"
    case documentsTaken = "documents_taken"
    case debtOrWorkPressure = "debt_or_work_pressure"
    case violenceAtHome = "violence_at_home"
    case selfHarm = "self_harm"
    case crisis
    /// Abuse or harassment by a mentor, including romantic or sexual approaches.
    case mentorMisconduct = "mentor_misconduct"

    /// The categories a phrase list has (the safety word lives in the catalogs' words).
    public static var screened: [DangerCategory] { allCases.filter { $0 != .safetyWord } }

    public var severity: Severity {
        switch self {
        case .safetyWord, .threat, .traffickerSeen, .violenceAtHome, .selfHarm: .urgent
        case .documentsTaken, .debtOrWorkPressure, .crisis, .mentorMisconduct: .high
        }
    }
}

/// How fast a person must act: urgent means someone may be in danger now.
public enum Severity: String, Codable, Sendable, Comparable {
    case high, urgent

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .high && rhs == .urgent }
}
