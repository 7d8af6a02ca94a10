import Foundation

/// A scripted conversation loaded from one file in Dialogs/: a fixed graph of steps, so that a
/// safeguarding product always knows exactly what it will say next.
public struct DialogScript: Sendable, Equatable {
    public enum Audience: String, Sendable, CaseIterable {
        case mentor, mentee, coordinator, anyone
    }

    public let id: String
    public let audience: Audience
    public let firstStepID: String
    /// Steps in file order; ids are stable so that a dialog interrupted by a restart resumes.
    public let steps: [DialogStep]
    /// Fields the coordinators' room receives when the dialog completes. Never free text.
    public let coordinatorSummary: [String]
    /// Message key for the summary's heading in the coordinators' room, if a summary is sent.
    public let summaryTitle: String?
    /// Send the summary only when one of these answers was given; empty means always. The
    /// coordinators' room hears about what needs a coordinator, not about every routine answer.
    public let summaryWhen: [Condition]
    /// Free-text fields the person was told go to their coordinator (a support request's
    /// description). Shown in the summary under "in their words"; no other free text ever is.
    public let coordinatorText: [String]
    /// Catalog word meaning that starts this dialog when typed ("checkin" -> "check-in", "bilan").
    public let keyword: String?
    /// Consent purpose the person must have agreed to (from onboarding), e.g. "checkins".
    public let requiresConsent: String?
    /// What the core does with the answers when the dialog completes (store a meeting, a ticket...).
    public let outcome: String?
    /// A dialog left unanswered this long ends with a gentle closing message.
    public let expiresAfter: TimeInterval?
    public let expiredMessage: String
    /// False for dialogs whose answers mean nothing once acted upon (the menu).
    public let keepsAnswers: Bool
    /// About one pair (a meeting, a check-in): someone with several pairs is asked which first.
    /// False for what concerns the person alone (onboarding, the menu, a mentor's wellbeing).
    public let perPair: Bool
    public let file: String

    public init(id: String, audience: Audience, firstStepID: String, steps: [DialogStep],
                coordinatorSummary: [String], summaryTitle: String?, summaryWhen: [Condition] = [],
                coordinatorText: [String] = [], keyword: String? = nil, requiresConsent: String? = nil,
                outcome: String? = nil, expiresAfter: TimeInterval? = nil,
                expiredMessage: String = DialogScript.defaultExpiredMessage, keepsAnswers: Bool = true,
                perPair: Bool = true, file: String) {
        self.id = id
        self.audience = audience
        self.firstStepID = firstStepID
        self.steps = steps
        self.coordinatorSummary = coordinatorSummary
        self.summaryTitle = summaryTitle
        self.summaryWhen = summaryWhen
        self.coordinatorText = coordinatorText
        self.keyword = keyword
        self.requiresConsent = requiresConsent
        self.outcome = outcome
        self.expiresAfter = expiresAfter
        self.expiredMessage = expiredMessage
        self.keepsAnswers = keepsAnswers
        self.perPair = perPair
        self.file = file
    }

    public static let defaultExpiredMessage = "bot.dialog.expired"

    /// Fields the core fills in before the first step, so branches can test them.
    public static let providedFields = ["role"]

    /// Is this dialog meant for someone with this role ("mentor", "mentee", "coordinator")?
    /// A safety check or a report of a concern: it runs whatever the person has or has not
    /// agreed to, because keeping people safe does not wait for consent questions.
    public var isSafeguarding: Bool { outcome == "safety_checked" || outcome == "concern_reported" }

    public func isFor(role: String) -> Bool {
        audience.rawValue == role || (audience == .anyone && role != Audience.coordinator.rawValue)
    }

    /// Whether the coordinators' room should receive a summary of these answers.
    public func wantsSummary(of answers: [String: AnswerValue]) -> Bool {
        guard summaryTitle != nil, !(coordinatorSummary.isEmpty && coordinatorText.isEmpty) else { return false }
        return summaryWhen.isEmpty || summaryWhen.contains { $0.matches(answers) }
    }

    public func step(_ id: String) -> DialogStep? { steps.first { $0.id == id } }
}

public struct DialogStep: Sendable, Equatable {
    public let id: String
    /// Catalog key of what the bot says at this step.
    public let message: String
    /// What the person is asked for; nil for a step that only says something and moves on.
    public let answer: AnswerType?
    /// Field the answer is stored under.
    public let saveAs: String?
    public let next: [Branch]
    /// Where to go when the question stays unanswered for a while.
    public let timeout: StepTimeout?
    public let line: Int

    public init(id: String, message: String, answer: AnswerType?, saveAs: String?, next: [Branch],
                timeout: StepTimeout? = nil, line: Int) {
        self.id = id
        self.message = message
        self.answer = answer
        self.saveAs = saveAs
        self.next = next
        self.timeout = timeout
        self.line = line
    }
}

public struct StepTimeout: Sendable, Equatable {
    public let after: TimeInterval
    /// A step id, or `Branch.end`.
    public let target: String
    public let line: Int

    public init(after: TimeInterval, target: String, line: Int) {
        self.after = after
        self.target = target
        self.line = line
    }
}

/// "This field holds one of these values", in canonical form.
public struct Condition: Sendable, Equatable {
    public let field: String
    public let values: [String]

    public init(field: String, values: [String]) {
        self.field = field
        self.values = values
    }

    /// A several-choices answer matches when any chosen value is listed.
    public func matches(_ answers: [String: AnswerValue]) -> Bool {
        guard let answer = answers[field] else { return false }
        return answer.canonicalValues.contains { values.contains(TextNormalizer.normalize($0)) }
    }
}

/// Where to go after a step. Branches are tried in order; one without a condition always matches.
public struct Branch: Sendable, Equatable {
    public let condition: Condition?
    /// A step id, or `Branch.end`.
    public let target: String
    /// A dialog to hand over to: this one ends (its answers are kept) and that one starts.
    public let startDialog: String?
    public let line: Int

    public static let end = "end"

    public init(condition: Condition?, target: String, startDialog: String? = nil, line: Int) {
        self.condition = condition
        self.target = target
        self.startDialog = startDialog
        self.line = line
    }

    public var field: String? { condition?.field }
}

public enum AnswerType: Sendable, Equatable {
    case choice([ChoiceOption])
    /// Several of the options, e.g. "1 4" or "sport, housing".
    case choices([ChoiceOption])
    case yesNo
    /// The 1-4 scale from the practice guides: 1 not that much, 2 a little, 3 somewhat, 4 very much.
    case scale
    case number(min: Int, max: Int)
    case text(maxLength: Int)
    /// A day, in the person's time zone; read back for confirmation.
    case date(DateRange)
    /// A time of day; read back for confirmation.
    case time
    /// A day and a time; read back for confirmation.
    case dateTime(DateRange)

    public var name: String {
        switch self {
        case .choice: "choice"
        case .choices: "choices"
        case .yesNo: "yes_no"
        case .scale: "scale"
        case .number: "number"
        case .text: "text"
        case .date: "date"
        case .time: "time"
        case .dateTime: "date_time"
        }
    }

    public static let names = ["choice", "choices", "yes_no", "scale", "number", "text", "date", "time", "date_time"]

    /// Dates and times are read back ("Friday 27 November, is that right?") before they are kept.
    public var needsConfirmation: Bool {
        switch self {
        case .date, .time, .dateTime: true
        default: false
        }
    }

    public var options: [ChoiceOption] {
        switch self {
        case .choice(let options), .choices(let options): options
        default: []
        }
    }
}

/// Which days make sense: a meeting is planned from today on, a meeting is logged up to today.
public enum DateRange: String, Sendable, Equatable, CaseIterable {
    case any, future, past
}

public struct ChoiceOption: Sendable, Equatable {
    /// Stable value stored in the record, independent of language.
    public let value: String
    /// Catalog key of the label shown to the person.
    public let label: String

    public init(value: String, label: String) {
        self.value = value
        self.label = label
    }
}
