import Foundation

/// Where one person is in one dialog. Stored durably, so a restart resumes at the same step.
public struct DialogProgress: Codable, Sendable, Equatable {
    public var dialogID: String
    public var stepID: String
    public var answers: [String: AnswerValue]
    /// Invalid replies to the current step; after three the person is offered a human instead.
    public var invalidAttempts: Int
    /// Event id of the question now on screen, so a number-emoji reaction to it counts as the answer.
    public var questionEventID: String?
    /// Values for the `{name}` placeholders of this dialog's messages (a meeting's day, a reference),
    /// already written in the person's language when the dialog started.
    public var parameters: [String: String]
    /// When the dialog started, for its expiry.
    public var startedAt: Date?
    /// When the current question was asked, for the step's timeout.
    public var askedAt: Date?
    /// A date or time understood but not yet confirmed by the person ("Friday 27 November, right?").
    public var unconfirmed: AnswerValue?
    /// The person's last reply that did not fit the current question: an edit of it is their
    /// corrected answer (valid while `invalidAttempts` > 0, i.e. until the question is answered).
    public var unfittingReplyEventID: String?

    public init(dialogID: String, stepID: String, answers: [String: AnswerValue] = [:], invalidAttempts: Int = 0,
                questionEventID: String? = nil, parameters: [String: String] = [:], startedAt: Date? = nil,
                askedAt: Date? = nil, unconfirmed: AnswerValue? = nil) {
        self.dialogID = dialogID
        self.stepID = stepID
        self.answers = answers
        self.invalidAttempts = invalidAttempts
        self.questionEventID = questionEventID
        self.parameters = parameters
        self.startedAt = startedAt
        self.askedAt = askedAt
        self.unconfirmed = unconfirmed
    }

    // Fields added later decode as absent from older journals and snapshots.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dialogID = try c.decode(String.self, forKey: .dialogID)
        stepID = try c.decode(String.self, forKey: .stepID)
        answers = try c.decodeIfPresent([String: AnswerValue].self, forKey: .answers) ?? [:]
        invalidAttempts = try c.decodeIfPresent(Int.self, forKey: .invalidAttempts) ?? 0
        questionEventID = try c.decodeIfPresent(String.self, forKey: .questionEventID)
        parameters = try c.decodeIfPresent([String: String].self, forKey: .parameters) ?? [:]
        startedAt = try c.decodeIfPresent(Date.self, forKey: .startedAt)
        askedAt = try c.decodeIfPresent(Date.self, forKey: .askedAt)
        unconfirmed = try c.decodeIfPresent(AnswerValue.self, forKey: .unconfirmed)
        unfittingReplyEventID = try c.decodeIfPresent(String.self, forKey: .unfittingReplyEventID)
    }
}

/// One thing the dialog wants said, before rendering into a language.
public struct Prompt: Sendable, Equatable {
    public let key: String
    /// Label keys of numbered choices shown under the text, if the step asks for a choice.
    public let choices: [String]
    /// True when this prompt asks the question of the current step (a reaction to it answers it).
    public let isQuestion: Bool
    /// Values for `{name}` placeholders in the message.
    public let parameters: [String: String]

    public init(key: String, choices: [String] = [], isQuestion: Bool = false, parameters: [String: String] = [:]) {
        self.key = key
        self.choices = choices
        self.isQuestion = isQuestion
        self.parameters = parameters
    }

    /// The same prompt with more placeholder values; the prompt's own values win.
    public func filling(_ extra: [String: String]) -> Prompt {
        Prompt(key: key, choices: choices, isQuestion: isQuestion, parameters: parameters.merging(extra) { own, _ in own })
    }
}

/// What happened after a person's reply.
public enum DialogTurn: Sendable, Equatable {
    /// The dialog goes on; say these prompts (the last one asks the next question).
    case continuing(DialogProgress, [Prompt])
    /// The reply did not fit; say the hint and ask again.
    case retry(DialogProgress, [Prompt])
    /// Three replies in a row did not fit: stop asking and offer a person instead of looping.
    case stuck(DialogProgress)
    /// Finished: store these answers, say these prompts, then start `handOff` if there is one.
    case finished(DialogProgress, [Prompt], handOff: String?)
}
