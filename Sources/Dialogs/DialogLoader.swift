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
        let stepsValue = try root.required("steps")
        let collector = ProblemCollector()
        let steps = try stepsValue.sequence().compactMap { value in collector.attempt { try loadStep(value) } }
        try root.finish()
        try collector.throwIfAny()
        guard let first = steps.first else { throw stepsValue.problem("a dialog needs at least one step") }
        let start = try root.optional("start")?.nonEmptyString() ?? first.id
        return DialogScript(id: id, audience: audience, firstStepID: start, steps: steps,
                            coordinatorSummary: summary, summaryTitle: summaryTitle, file: file)
    }

    static func loadStep(_ value: YAMLValue) throws -> DialogStep {
        let map = try value.mapping()
        let id = try map.required("id").nonEmptyString()
        let message = try map.required("say").nonEmptyString()
        let answer = try map.optional("answer").map(loadAnswer)
        let save = try map.optional("save")?.nonEmptyString()
        let next = try map.optional("next").map(loadBranches) ?? []
        try map.finish()
        return DialogStep(id: id, message: message, answer: answer, saveAs: save, next: next, line: value.line)
    }

    static func loadAnswer(_ value: YAMLValue) throws -> AnswerType {
        let map = try value.mapping()
        let typeValue = try map.required("type")
        let type = try typeValue.string()
        let answer: AnswerType
        switch type {
        case "choice":
            let options = try map.required("options").sequence().map { option -> ChoiceOption in
                let fields = try option.mapping()
                let value = try fields.required("value").nonEmptyString()
                let label = try fields.required("label").nonEmptyString()
                try fields.finish()
                return ChoiceOption(value: value, label: label)
            }
            guard !options.isEmpty else { throw value.problem("a choice needs at least one option") }
            answer = .choice(options)
        case "yes_no": answer = .yesNo
        case "scale": answer = .scale
        case "number":
            answer = .number(min: try map.optional("min")?.int() ?? 0, max: try map.optional("max")?.int() ?? 1_000)
        case "text":
            answer = .text(maxLength: try map.optional("max_length")?.int() ?? 200)
        default:
            throw typeValue.problem("unknown answer type \"\(type)\" (use one of: choice, yes_no, scale, number, text)")
        }
        try map.finish()
        return answer
    }

    static func loadBranches(_ value: YAMLValue) throws -> [Branch] {
        if case .scalar = value.node {
            return [Branch(field: nil, values: [], target: try value.nonEmptyString(), line: value.line)]
        }
        return try value.sequence().map { entry in
            let map = try entry.mapping()
            let target = try map.required("goto").nonEmptyString()
            var field: String?
            var values: [String] = []
            if let condition = try map.optional("when")?.mapping() {
                let pairs = condition.allEntries()
                guard pairs.count == 1, let pair = pairs.first else {
                    throw entry.problem("\"when\" takes exactly one field, e.g. when: {difficulties: yes}")
                }
                field = pair.key
                values = try pair.value.strings().map(TextNormalizer.normalize)
            }
            try map.finish()
            return Branch(field: field, values: values, target: target, line: entry.line)
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
