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
    public let file: String

    public init(id: String, audience: Audience, firstStepID: String, steps: [DialogStep],
                coordinatorSummary: [String], summaryTitle: String?, file: String) {
        self.id = id
        self.audience = audience
        self.firstStepID = firstStepID
        self.steps = steps
        self.coordinatorSummary = coordinatorSummary
        self.summaryTitle = summaryTitle
        self.file = file
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
    public let line: Int

    public init(id: String, message: String, answer: AnswerType?, saveAs: String?, next: [Branch], line: Int) {
        self.id = id
        self.message = message
        self.answer = answer
        self.saveAs = saveAs
        self.next = next
        self.line = line
    }
}

/// Where to go after a step. Branches are tried in order; one without a condition always matches.
public struct Branch: Sendable, Equatable {
    /// Matches when the saved field holds one of these values (in their canonical form, e.g. "yes", "3").
    public let field: String?
    public let values: [String]
    /// A step id, or `Branch.end`.
    public let target: String
    public let line: Int

    public static let end = "end"

    public init(field: String?, values: [String], target: String, line: Int) {
        self.field = field
        self.values = values
        self.target = target
        self.line = line
    }
}

public enum AnswerType: Sendable, Equatable {
    case choice([ChoiceOption])
    case yesNo
    /// The 1-4 scale from the practice guides: 1 not that much, 2 a little, 3 somewhat, 4 very much.
    case scale
    case number(min: Int, max: Int)
    case text(maxLength: Int)

    public var name: String {
        switch self {
        case .choice: "choice"
        case .yesNo: "yes_no"
        case .scale: "scale"
        case .number: "number"
        case .text: "text"
        }
    }
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
