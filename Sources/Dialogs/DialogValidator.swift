import Foundation
import StrictYAML

/// Checks that scripts and catalogs fit together before the daemon ever talks to anyone:
/// every branch goes somewhere, every step can be reached, every message exists in every
/// language with the same placeholders, and summaries never carry free text.
public struct DialogValidator {
    public let library: DialogLibrary
    /// Keys the application itself says (greetings, help), beyond those the scripts name.
    public let applicationKeys: [String]

    /// Outcomes the application knows how to carry out (`outcome:` in a script).
    public let outcomes: Set<String>
    /// Consent purposes asked in onboarding (`requires_consent:` in a script).
    public let consentPurposes: Set<String>

    public init(library: DialogLibrary, applicationKeys: [String], outcomes: Set<String> = [], consentPurposes: Set<String> = []) {
        self.library = library
        self.applicationKeys = applicationKeys
        self.outcomes = outcomes
        self.consentPurposes = consentPurposes
    }

    public func problems() -> [YAMLProblem] {
        var problems: [YAMLProblem] = []
        let scripts = library.scripts.values.sorted(by: { $0.file < $1.file })
        for script in scripts {
            problems += structureProblems(script)
        }
        problems += keywordProblems(scripts)
        problems += catalogProblems()
        return problems
    }

    /// Two dialogs for the same people must not share a keyword: the word would be ambiguous.
    func keywordProblems(_ scripts: [DialogScript]) -> [YAMLProblem] {
        var problems: [YAMLProblem] = []
        let base = library.catalogs[Localizer.baseLanguage]
        for (index, script) in scripts.enumerated() {
            guard let keyword = script.keyword else { continue }
            if let base, base.words[keyword] == nil {
                problems.append(YAMLProblem(file: script.file, line: 1, keyPath: "keyword",
                                            message: "\"\(keyword)\" is not a word meaning in en.yaml (add it under words)"))
            }
            for other in scripts[..<index] where other.keyword == keyword {
                let roles = ["mentor", "mentee", "coordinator"]
                if roles.contains(where: { script.isFor(role: $0) && other.isFor(role: $0) }) {
                    problems.append(YAMLProblem(file: script.file, line: 1, keyPath: "keyword",
                                                message: "\"\(keyword)\" already starts \(other.file) for the same people"))
                }
            }
        }
        return problems
    }

    func structureProblems(_ script: DialogScript) -> [YAMLProblem] {
        var problems: [YAMLProblem] = []
        func report(_ line: Int, _ key: String, _ message: String) {
            problems.append(YAMLProblem(file: script.file, line: line, keyPath: key, message: message))
        }
        let ids = script.steps.map(\.id)
        var seen: Set<String> = []
        for step in script.steps where !seen.insert(step.id).inserted {
            report(step.line, "steps.\(step.id)", "step id \"\(step.id)\" is used twice")
        }
        if !ids.contains(script.firstStepID) {
            report(1, "start", "start step \"\(script.firstStepID)\" does not exist")
        }
        let saved = Dictionary(script.steps.compactMap { step in step.saveAs.map { ($0, step) } }, uniquingKeysWith: { a, _ in a })
        let known = Set(saved.keys).union(DialogScript.providedFields)
        for step in script.steps {
            if step.saveAs != nil && step.answer == nil {
                report(step.line, "steps.\(step.id).save", "saves an answer but asks no question (add an answer type)")
            }
            for branch in step.next {
                if branch.target != Branch.end && !ids.contains(branch.target) {
                    report(branch.line, "steps.\(step.id).next", "goes to \"\(branch.target)\", which is not a step (or \"end\")")
                }
                if let field = branch.field, !known.contains(field) {
                    report(branch.line, "steps.\(step.id).next.when", "tests \"\(field)\", which no step saves")
                }
                if let other = branch.startDialog {
                    if let target = library.scripts[other] {
                        if !["mentor", "mentee", "coordinator"].contains(where: { script.isFor(role: $0) && target.isFor(role: $0) }) {
                            report(branch.line, "steps.\(step.id).next.start", "starts \"\(other)\", which is for other people")
                        }
                    } else {
                        report(branch.line, "steps.\(step.id).next.start", "starts \"\(other)\", which is not a dialog (or its file has a problem)")
                    }
                }
            }
            if let timeout = step.timeout {
                if step.answer == nil {
                    report(timeout.line, "steps.\(step.id).timeout", "only a step that asks a question can time out")
                }
                if timeout.target != Branch.end && !ids.contains(timeout.target) {
                    report(timeout.line, "steps.\(step.id).timeout.goto", "goes to \"\(timeout.target)\", which is not a step (or \"end\")")
                }
            }
        }
        for condition in script.summaryWhen where saved[condition.field] == nil {
            report(1, "summary_when", "tests \"\(condition.field)\", which no step saves")
        }
        for field in script.coordinatorText {
            guard case .text? = saved[field]?.answer else {
                report(1, "coordinator_text", "\"\(field)\" is not a text answer of this dialog")
                continue
            }
        }
        if let outcome = script.outcome, !outcomes.isEmpty, !outcomes.contains(outcome) {
            report(1, "outcome", "unknown outcome \"\(outcome)\" (use one of: \(outcomes.sorted().joined(separator: ", ")))")
        }
        if let purpose = script.requiresConsent, !consentPurposes.isEmpty, !consentPurposes.contains(purpose) {
            report(1, "requires_consent", "unknown purpose \"\(purpose)\" (use one of: \(consentPurposes.sorted().joined(separator: ", ")))")
        }
        let runner = DialogRunner(script: script)
        var reachable: Set<String> = []
        var queue = [script.firstStepID]
        while let id = queue.popLast() {
            guard reachable.insert(id).inserted, let step = script.step(id) else { continue }
            queue += step.next.isEmpty ? [runner.nextStepID(after: step, answers: [:])] : step.next.map(\.target)
            if let timeout = step.timeout { queue.append(timeout.target) }
        }
        for step in script.steps where !reachable.contains(step.id) {
            report(step.line, "steps.\(step.id)", "can never be reached from the start step")
        }
        for field in script.coordinatorSummary {
            guard let step = saved[field] else {
                report(1, "coordinator_summary", "names \"\(field)\", which no step saves")
                continue
            }
            if case .text = step.answer {
                report(step.line, "coordinator_summary", "\"\(field)\" is free text: summaries carry structured answers only")
            }
        }
        if !script.coordinatorSummary.isEmpty && script.summaryTitle == nil {
            report(1, "summary_title", "a dialog with a coordinator_summary needs a summary_title message key")
        }
        return problems
    }

    /// Every key the scripts and the application use, with where it is used.
    func usedKeys() -> [String: String] {
        var keys: [String: String] = [:]
        for key in applicationKeys + DialogRunner.runnerKeys + AnswerParser.choiceLabels(for: .yesNo)
            + AnswerParser.choiceLabels(for: .scale) { keys[key] = "the application" }
        for script in library.scripts.values {
            for step in script.steps {
                keys[step.message] = script.file
                for option in step.answer?.options ?? [] { keys[option.label] = script.file }
            }
            if let title = script.summaryTitle { keys[title] = script.file }
            keys[script.expiredMessage] = script.file
            for field in script.coordinatorSummary { keys["summary.field.\(field)"] = script.file }
            if !script.coordinatorText.isEmpty { keys["summary.their_words"] = script.file }
        }
        return keys
    }

    func catalogProblems() -> [YAMLProblem] {
        var problems: [YAMLProblem] = []
        let used = usedKeys()
        guard let base = library.catalogs[Localizer.baseLanguage] else { return problems }
        for catalog in library.catalogs.values.sorted(by: { $0.language < $1.language }) {
            for (key, user) in used.sorted(by: { $0.key < $1.key }) where catalog.messages[key] == nil {
                problems.append(YAMLProblem(file: catalog.file, line: 0, keyPath: "messages.\(key)",
                                            message: "missing (used by \(user))"))
            }
            for key in catalog.messages.keys.sorted() where base.messages[key] == nil {
                problems.append(YAMLProblem(file: catalog.file, line: library.line(of: key, in: catalog.language),
                                            keyPath: "messages.\(key)", message: "extra key: en.yaml has no such message"))
            }
            guard catalog.language != base.language else { continue }
            for (key, text) in catalog.messages.sorted(by: { $0.key < $1.key }) {
                guard let english = base.messages[key] else { continue }
                let expected = Self.placeholders(in: english), found = Self.placeholders(in: text)
                if expected != found {
                    problems.append(YAMLProblem(
                        file: catalog.file, line: library.line(of: key, in: catalog.language), keyPath: "messages.\(key)",
                        message: "placeholders \(found.sorted()) differ from English \(expected.sorted())"))
                }
            }
            for meaning in base.words.keys.sorted() where (catalog.words[meaning] ?? []).isEmpty {
                problems.append(YAMLProblem(file: catalog.file, line: 0, keyPath: "words.\(meaning)",
                                            message: "missing: people must be able to say this in \(catalog.nativeName)"))
            }
        }
        return problems
    }

    static func placeholders(in text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
