/// Where one person is in one dialog. Stored durably, so a restart resumes at the same step.
public struct DialogProgress: Codable, Sendable, Equatable {
    public var dialogID: String
    public var stepID: String
    public var answers: [String: AnswerValue]
    /// Invalid replies to the current step; after three the person is offered a human instead.
    public var invalidAttempts: Int
    /// Event id of the question now on screen, so a number-emoji reaction to it counts as the answer.
    public var questionEventID: String?

    public init(dialogID: String, stepID: String, answers: [String: AnswerValue] = [:], invalidAttempts: Int = 0,
                questionEventID: String? = nil) {
        self.dialogID = dialogID
        self.stepID = stepID
        self.answers = answers
        self.invalidAttempts = invalidAttempts
        self.questionEventID = questionEventID
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
}

/// What happened after a person's reply.
public enum DialogTurn: Sendable, Equatable {
    /// The dialog goes on; say these prompts (the last one asks the next question).
    case continuing(DialogProgress, [Prompt])
    /// The reply did not fit; say the hint and ask again.
    case retry(DialogProgress, [Prompt])
    /// Three replies in a row did not fit: stop asking and offer a person instead of looping.
    case stuck(DialogProgress)
    /// Finished: store these answers and say these prompts.
    case finished(DialogProgress, [Prompt])
}
