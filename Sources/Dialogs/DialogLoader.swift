import Foundation
import StrictYAML

/// Reads dialog scripts and catalogs from YAML, rejecting unknown keys with file, line and key.
public enum DialogLoader {
    public static func loadScript(yaml: String, file: String) throws -> DialogScript {
        let root = try YAMLValue.parse(yaml, file: file).mapping()
        let id = try root.required("id").nonEmptyString()
        let audienceValue = try root.required("audience")
        guard let audience = DialogScript.Audience(rawValue: try audienceValue.string()) else {
            let allowed = DialogScript.Audience.allCases.map(\.rawValue).joined(separator: ", ")
            throw audienceValue.problem("unknown audience \"\(try audienceValue.string())\" (use one of: \(allowed))")
        }
        let summary = try root.optional("coordinator_summary")?.strings() ?? []
        let summaryTitle = try root.optional("summary_title")?.nonEmptyString()
        let summaryWhen = try root.optional("summary_when").map(loadConditions) ?? []
        let coordinatorText = try root.optional("coordinator_text")?.strings() ?? []
        let keyword = try root.optional("keyword")?.nonEmptyString()
        let consent = try root.optional("requires_consent")?.nonEmptyString()
        let outcome = try root.optional("outcome")?.nonEmptyString()
        let expires = try root.optional("expires_after").map(loadDuration)
        let expired = try root.optional("expired_say")?.nonEmptyString() ?? DialogScript.defaultExpiredMessage
        let keepsAnswers = try root.optional("record")?.bool() ?? true
        let perPair = try root.optional("per_pair")?.bool() ?? true
        let stepsValue = try root.required("steps")
        let collector = ProblemCollector()
        let steps = try stepsValue.sequence().compactMap { value in collector.attempt { try loadStep(value) } }
        try root.finish()
        try collector.throwIfAny()
        guard let first = steps.first else { throw stepsValue.problem("a dialog needs at least one step") }
        let start = try root.optional("start")?.nonEmptyString() ?? first.id
        return DialogScript(id: id, audience: audience, firstStepID: start, steps: steps, coordinatorSummary: summary,
                            summaryTitle: summaryTitle, summaryWhen: summaryWhen, coordinatorText: coordinatorText,
                            keyword: keyword, requiresConsent: consent, outcome: outcome, expiresAfter: expires,
                            expiredMessage: expired, keepsAnswers: keepsAnswers, perPair: perPair, file: file)
    }

    static func loadStep(_ value: YAMLValue) throws -> DialogStep {
        let map = try value.mapping()
        let id = try map.required("id").nonEmptyString()
        let message = try map.required("say").nonEmptyString()
        let answer = try map.optional("answer").map(loadAnswer)
        let save = try map.optional("save")?.nonEmptyString()
        let next = try map.optional("next").map(loadBranches) ?? []
        let timeout = try map.optional("timeout").map { value -> StepTimeout in
            let fields = try value.mapping()
            let after = try loadDuration(try fields.required("after"))
            let target = try fields.required("goto").nonEmptyString()
            try fields.finish()
            return StepTimeout(after: after, target: target, line: value.line)
        }
        try map.finish()
        return DialogStep(id: id, message: message, answer: answer, saveAs: save, next: next, timeout: timeout, line: value.line)
    }

    /// "30m", "48h", "7d".
    public static let longestDuration: TimeInterval = 3_660 * 86_400

    public static func loadDuration(_ value: YAMLValue) throws -> TimeInterval {
        let text = try value.string().trimmingCharacters(in: .whitespaces)
        let units: [Character: TimeInterval] = ["m": 60, "h": 3_600, "d": 86_400]
        guard let unit = text.last.flatMap({ units[$0] }), let amount = Int(text.dropLast()), amount > 0 else {
            throw value.problem("\"\(text)\" is not a duration: write a whole number with m, h or d, e.g. 48h or 7d")
        }
        // Longer than any wait a programme has; beyond it, dates overflow.
        guard TimeInterval(amount) * unit <= longestDuration else {
            throw value.problem("\"\(text)\" is longer than \(Int(longestDuration / 86_400)) days")
        }
        return TimeInterval(amount) * unit
    }

    static func loadAnswer(_ value: YAMLValue) throws -> AnswerType {
        let map = try value.mapping()
        let typeValue = try map.required("type")
        let type = try typeValue.string()
        func options() throws -> [ChoiceOption] {
            let options = try map.required("options").sequence().map { option -> ChoiceOption in
                let fields = try option.mapping()
                let value = try fields.required("value").nonEmptyString()
                let label = try fields.required("label").nonEmptyString()
                try fields.finish()
                return ChoiceOption(value: value, label: label)
            }
            guard !options.isEmpty else { throw value.problem("a \(type) needs at least one option") }
            guard options.count <= 10 else { throw value.problem("at most 10 options: people answer with 1 to 10 or a reaction") }
            return options
        }
        func range() throws -> DateRange {
            guard let rangeValue = map.optional("range") else { return .any }
            let text = try rangeValue.string()
            guard let range = DateRange(rawValue: text) else {
                throw rangeValue.problem("unknown range \"\(text)\" (use one of: any, future, past)")
            }
            return range
        }
        let answer: AnswerType
        switch type {
        case "choice": answer = .choice(try options())
        case "choices": answer = .choices(try options())
        case "yes_no": answer = .yesNo
        case "scale": answer = .scale
        case "number":
            answer = .number(min: try map.optional("min")?.int() ?? 0, max: try map.optional("max")?.int() ?? 1_000)
        case "text":
            answer = .text(maxLength: try map.optional("max_length")?.int() ?? 200)
        case "date": answer = .date(try range())
        case "time": answer = .time
        case "date_time": answer = .dateTime(try range())
        default:
            throw typeValue.problem("unknown answer type \"\(type)\" (use one of: \(AnswerType.names.joined(separator: ", ")))")
        }
        try map.finish()
        return answer
    }

    /// `{field: value}` or `{field: [value, value]}`, one or more fields: any one matching counts.
    static func loadConditions(_ value: YAMLValue) throws -> [Condition] {
        try value.mapping().allEntries().map { entry in
            Condition(field: entry.key, values: try entry.value.strings().map(TextNormalizer.normalize))
        }
    }

    static func loadBranches(_ value: YAMLValue) throws -> [Branch] {
        if case .scalar = value.node {
            return [Branch(condition: nil, target: try value.nonEmptyString(), line: value.line)]
        }
        return try value.sequence().map { entry in
            let map = try entry.mapping()
            let target = try map.optional("goto")?.nonEmptyString()
            let handOff = try map.optional("start")?.nonEmptyString()
            guard (target == nil) != (handOff == nil) else {
                throw entry.problem("a branch has either \"goto\" (a step or end) or \"start\" (another dialog)")
            }
            var condition: Condition?
            if let when = map.optional("when") {
                let conditions = try loadConditions(when)
                guard conditions.count == 1 else {
                    throw entry.problem("\"when\" takes exactly one field, e.g. when: {difficulties: yes}")
                }
                condition = conditions[0]
            }
            try map.finish()
            return Branch(condition: condition, target: target ?? Branch.end, startDialog: handOff, line: entry.line)
        }
    }

    public static func loadCatalog(yaml: String, file: String) throws -> Catalog {
        let root = try YAMLValue.parse(yaml, file: file).mapping()
        let language = try root.required("language").nonEmptyString()
        let name = try root.required("name").nonEmptyString()
        let directionValue = root.optional("direction")
        let direction = try directionValue.map { value -> Catalog.Direction in
            guard let direction = Catalog.Direction(rawValue: try value.string()) else {
                throw value.problem("direction is ltr or rtl")
            }
            return direction
        } ?? .ltr
        let reviewed = try root.required("reviewed_by_native_speaker").bool()
        var words: [String: [String]] = [:]
        for entry in try root.required("words").mapping().allEntries() {
            words[entry.key] = try entry.value.strings()
        }
        var messages: [String: String] = [:]
        for entry in try root.required("messages").mapping().allEntries() {
            messages[entry.key] = try entry.value.string()
        }
        try root.finish()
        return Catalog(language: language, nativeName: name, direction: direction, reviewedByNativeSpeaker: reviewed,
                       messages: messages, words: words, file: file)
    }
}
