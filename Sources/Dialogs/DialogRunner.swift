import Foundation

/// Runs one dialog script: a pure function from (progress, reply, time) to the next turn. No
/// clock reads and no I/O, so every path can be tested and replayed exactly.
public struct DialogRunner: Sendable {
    public let script: DialogScript
    /// After this many replies that do not fit, the person is offered a human (never an endless loop).
    public static let maximumInvalidReplies = 3

    public init(script: DialogScript) { self.script = script }

    /// Starts the dialog. `facts` are answers the core already knows (the person's role), so that
    /// branches can test them; `parameters` fill the placeholders of every message.
    public func start(at now: Date, facts: [String: AnswerValue] = [:], parameters: [String: String] = [:]) -> DialogTurn {
        let progress = DialogProgress(dialogID: script.id, stepID: script.firstStepID, answers: facts,
                                      parameters: parameters, startedAt: now)
        return advance(progress, to: (script.firstStepID, nil), saying: [], at: now)
    }

    /// The question now waiting for an answer, e.g. when a paused dialog resumes.
    public func currentQuestion(_ progress: DialogProgress, parser: AnswerParser) -> [Prompt] {
        guard let step = script.step(progress.stepID) else { return [] }
        if let unconfirmed = progress.unconfirmed, let type = step.answer {
            return [confirmation(of: unconfirmed, as: type, parser: parser)]
        }
        return [prompt(for: step)]
    }

    public func reply(_ text: String, progress: DialogProgress, parser: AnswerParser, at now: Date) -> DialogTurn {
        guard let step = script.step(progress.stepID), let type = step.answer else { return .finished(progress, [], handOff: nil) }
        if let unconfirmed = progress.unconfirmed {
            // "yes" keeps the day read back, "no" asks again, and a new day or time replaces it.
            switch parser.interpret(text, as: .yesNo) {
            case .answer(.yesNo(true)): return keep(unconfirmed, step: step, progress: progress, at: now)
            case .answer(.yesNo(false)):
                var progress = progress
                progress.unconfirmed = nil
                progress.invalidAttempts = 0
                return .retry(progress, [prompt(for: step)])
            default: break
            }
        }
        return accept(parser.interpret(text, as: type), step: step, type: type, progress: progress, parser: parser, at: now)
    }

    public func reaction(_ key: String, progress: DialogProgress, parser: AnswerParser, at now: Date) -> DialogTurn? {
        guard let step = script.step(progress.stepID), let type = step.answer else { return nil }
        if let unconfirmed = progress.unconfirmed {
            guard case .yesNo(let yes)? = parser.parseReaction(key, as: .yesNo) else { return nil }
            if yes { return keep(unconfirmed, step: step, progress: progress, at: now) }
            var progress = progress
            progress.unconfirmed = nil
            return .retry(progress, [prompt(for: step)])
        }
        guard let value = parser.parseReaction(key, as: type) else { return nil }
        return accept(.answer(value), step: step, type: type, progress: progress, parser: parser, at: now)
    }

    /// The step's own timeout branch, once its question has waited long enough; nil otherwise.
    public func timeout(_ progress: DialogProgress, at now: Date) -> DialogTurn? {
        guard let step = script.step(progress.stepID), let timeout = step.timeout, let asked = progress.askedAt,
              now >= asked.addingTimeInterval(timeout.after) else { return nil }
        var progress = progress
        progress.unconfirmed = nil
        progress.invalidAttempts = 0
        return advance(progress, to: (timeout.target, nil), saying: [], at: now)
    }

    /// True once the dialog has been open longer than its `expires_after`.
    public func hasExpired(_ progress: DialogProgress, at now: Date) -> Bool {
        guard let limit = script.expiresAfter, let started = progress.startedAt else { return false }
        return now >= started.addingTimeInterval(limit)
    }

    private func accept(_ interpretation: AnswerParser.Interpretation, step: DialogStep, type: AnswerType,
                        progress: DialogProgress, parser: AnswerParser, at now: Date) -> DialogTurn {
        var progress = progress
        guard case .answer(let value) = interpretation else {
            progress.invalidAttempts += 1
            if progress.invalidAttempts >= Self.maximumInvalidReplies { return .stuck(progress) }
            let hint: Prompt
            if case .outOfRange(let range) = interpretation {
                hint = Prompt(key: "dialog.hint.date.\(range.rawValue)")
            } else {
                hint = Self.hint(for: type)
            }
            let again = progress.unconfirmed.map { confirmation(of: $0, as: type, parser: parser) } ?? prompt(for: step)
            return .retry(progress, [hint, again])
        }
        progress.invalidAttempts = 0
        if type.needsConfirmation {
            progress.unconfirmed = value
            progress.questionEventID = nil
            return .continuing(progress, [confirmation(of: value, as: type, parser: parser)])
        }
        return keep(value, step: step, progress: progress, at: now)
    }

    private func keep(_ value: AnswerValue, step: DialogStep, progress: DialogProgress, at now: Date) -> DialogTurn {
        var progress = progress
        progress.unconfirmed = nil
        progress.invalidAttempts = 0
        if let field = step.saveAs { progress.answers[field] = value }
        return advance(progress, to: next(after: step, answers: progress.answers), saying: [], at: now)
    }

    /// Walks through steps that only say something until one asks a question or the dialog ends.
    private func advance(_ progress: DialogProgress, to target: (step: String, handOff: String?), saying prompts: [Prompt],
                         at now: Date) -> DialogTurn {
        var progress = progress
        var prompts = prompts
        var current = target
        // A validated script has no cycle of question-less steps; the bound guards a broken one.
        for _ in 0...script.steps.count {
            guard current.step != Branch.end, let step = script.step(current.step) else {
                return .finished(progress, prompts, handOff: current.handOff)
            }
            progress.stepID = step.id
            progress.questionEventID = nil
            progress.askedAt = now
            prompts.append(prompt(for: step))
            if step.answer != nil { return .continuing(progress, prompts) }
            current = next(after: step, answers: progress.answers)
        }
        return .finished(progress, prompts, handOff: nil)
    }

    /// The step after `step`: the first matching branch; without `next`, the following step in the
    /// file; after the last, the end. A branch with `start` ends this dialog and hands over.
    func next(after step: DialogStep, answers: [String: AnswerValue]) -> (step: String, handOff: String?) {
        if step.next.isEmpty {
            guard let index = script.steps.firstIndex(where: { $0.id == step.id }), index + 1 < script.steps.count
            else { return (Branch.end, nil) }
            return (script.steps[index + 1].id, nil)
        }
        for branch in step.next where branch.condition?.matches(answers) ?? true {
            return (branch.target, branch.startDialog)
        }
        return (Branch.end, nil)
    }

    public func nextStepID(after step: DialogStep, answers: [String: AnswerValue]) -> String {
        next(after: step, answers: answers).step
    }

    private func prompt(for step: DialogStep) -> Prompt {
        guard let type = step.answer else { return Prompt(key: step.message) }
        return Prompt(key: step.message, choices: AnswerParser.choiceLabels(for: type), isQuestion: true)
    }

    private func confirmation(of value: AnswerValue, as type: AnswerType, parser: AnswerParser) -> Prompt {
        Prompt(key: "dialog.confirm", choices: AnswerParser.choiceLabels(for: .yesNo), isQuestion: true,
               parameters: ["value": parser.describe(value, as: type)])
    }

    static func hint(for type: AnswerType) -> Prompt {
        let key = "dialog.hint.\(type.name)"
        switch type {
        case .choice(let options), .choices(let options): return Prompt(key: key, parameters: ["count": String(options.count)])
        case .number(let min, let max): return Prompt(key: key, parameters: ["min": String(min), "max": String(max)])
        case .text(let maxLength): return Prompt(key: key, parameters: ["max": String(maxLength)])
        case .yesNo, .scale, .date, .time, .dateTime: return Prompt(key: key)
        }
    }

    /// Every key the runner itself can say, so validation can insist each exists in every language.
    public static let runnerKeys = AnswerType.names.map { "dialog.hint.\($0)" }
        + ["dialog.hint.date.future", "dialog.hint.date.past", "dialog.confirm", "dialog.time_format"]
}
