/// Runs one dialog script: a pure function from (progress, reply) to the next turn. No clock,
/// no I/O, so every path can be tested and replayed exactly.
public struct DialogRunner: Sendable {
    public let script: DialogScript
    /// After this many replies that do not fit, the person is offered a human (never an endless loop).
    public static let maximumInvalidReplies = 3

    public init(script: DialogScript) { self.script = script }

    public func start() -> DialogTurn {
        advance(DialogProgress(dialogID: script.id, stepID: script.firstStepID), to: script.firstStepID, saying: [])
    }

    /// The question of the current step again, e.g. when a paused dialog resumes.
    public func currentQuestion(_ progress: DialogProgress) -> [Prompt] {
        guard let step = script.step(progress.stepID) else { return [] }
        return [prompt(for: step)]
    }

    public func reply(_ text: String, progress: DialogProgress, parser: AnswerParser) -> DialogTurn {
        guard let step = script.step(progress.stepID), let type = step.answer else { return .finished(progress, []) }
        return accept(parser.parse(text, as: type), step: step, type: type, progress: progress)
    }

    public func reaction(_ key: String, progress: DialogProgress, parser: AnswerParser) -> DialogTurn? {
        guard let step = script.step(progress.stepID), let type = step.answer,
              let value = parser.parseReaction(key, as: type) else { return nil }
        return accept(value, step: step, type: type, progress: progress)
    }

    private func accept(_ value: AnswerValue?, step: DialogStep, type: AnswerType, progress: DialogProgress) -> DialogTurn {
        var progress = progress
        guard let value else {
            progress.invalidAttempts += 1
            if progress.invalidAttempts >= Self.maximumInvalidReplies { return .stuck(progress) }
            return .retry(progress, [Self.hint(for: type), prompt(for: step)])
        }
        progress.invalidAttempts = 0
        if let field = step.saveAs { progress.answers[field] = value }
        return advance(progress, to: nextStepID(after: step, answers: progress.answers), saying: [])
    }

    /// Walks through steps that only say something until one asks a question or the dialog ends.
    private func advance(_ progress: DialogProgress, to stepID: String, saying prompts: [Prompt]) -> DialogTurn {
        var progress = progress
        var prompts = prompts
        var current = stepID
        // A validated script has no cycle of question-less steps; the bound guards a broken one.
        for _ in 0...script.steps.count {
            guard current != Branch.end, let step = script.step(current) else {
                return .finished(progress, prompts)
            }
            progress.stepID = step.id
            progress.questionEventID = nil
            prompts.append(prompt(for: step))
            if step.answer != nil { return .continuing(progress, prompts) }
            current = nextStepID(after: step, answers: progress.answers)
        }
        return .finished(progress, prompts)
    }

    /// The first matching branch; without `next`, the following step in the file; after the last, the end.
    public func nextStepID(after step: DialogStep, answers: [String: AnswerValue]) -> String {
        if step.next.isEmpty {
            guard let index = script.steps.firstIndex(where: { $0.id == step.id }), index + 1 < script.steps.count
            else { return Branch.end }
            return script.steps[index + 1].id
        }
        for branch in step.next {
            guard let field = branch.field else { return branch.target }
            if let answer = answers[field], branch.values.contains(TextNormalizer.normalize(answer.canonical)) {
                return branch.target
            }
        }
        return Branch.end
    }

    private func prompt(for step: DialogStep) -> Prompt {
        guard let type = step.answer else { return Prompt(key: step.message) }
        return Prompt(key: step.message, choices: AnswerParser.choiceLabels(for: type), isQuestion: true)
    }

    static func hint(for type: AnswerType) -> Prompt {
        let key = "dialog.hint.\(type.name)"
        switch type {
        case .choice(let options): return Prompt(key: key, parameters: ["count": String(options.count)])
        case .number(let min, let max): return Prompt(key: key, parameters: ["min": String(min), "max": String(max)])
        case .text(let maxLength): return Prompt(key: key, parameters: ["max": String(maxLength)])
        case .yesNo, .scale: return Prompt(key: key)
        }
    }

    /// Every hint key a script can produce, so validation can insist each exists in every language.
    public static let hintKeys = ["choice", "yes_no", "scale", "number", "text"].map { "dialog.hint.\($0)" }
}
