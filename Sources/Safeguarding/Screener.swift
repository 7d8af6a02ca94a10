import Dialogs
import Foundation
import StrictYAML

/// The danger phrases of one language, as written in `Dialogs/safety/<language>.yaml`.
public struct PhraseList: Sendable {
    public let language: String
    public let reviewedByNativeSpeaker: Bool
    public let phrases: [Phrase]
    public let file: String

    public init(language: String, reviewedByNativeSpeaker: Bool, phrases: [Phrase], file: String) {
        self.language = language
        self.reviewedByNativeSpeaker = reviewedByNativeSpeaker
        self.phrases = phrases
        self.file = file
    }

    /// Reads a phrase list, reporting every problem with its file, line and category.
    public static func load(yaml: String, file: String) throws -> PhraseList {
        let root = try YAMLValue.parse(yaml, file: file).mapping()
        let problems = ProblemCollector()
        let language = problems.attempt { try root.required("language").nonEmptyString() }
        let reviewed = problems.attempt { try root.optional("reviewed_by_native_speaker")?.bool() ?? false } ?? false
        var phrases: [Phrase] = []
        if let categories = problems.attempt({ try root.required("categories").mapping() }) {
            var seen: [String: Int] = [:]
            for entry in categories.allEntries() {
                guard let category = DangerCategory(rawValue: entry.key), category != .safetyWord else {
                    let known = DangerCategory.screened.map(\.rawValue).joined(separator: ", ")
                    problems.add(entry.value.problem("unknown category \"\(entry.key)\" (known: \(known))"))
                    continue
                }
                guard let list = problems.attempt({ try entry.value.sequence() }) else { continue }
                if list.isEmpty { problems.add(entry.value.problem("a category needs at least one phrase")) }
                for item in list {
                    guard let text = problems.attempt({ try item.nonEmptyString() }) else { continue }
                    switch Phrase.parse(text, category: category, file: file, line: item.line) {
                    case .success(let phrase):
                        let key = Screener.fold(text)
                        if let earlier = seen[key] {
                            problems.add(item.problem("\"\(text)\" is already listed on line \(earlier)"))
                        }
                        seen[key] = item.line
                        phrases.append(phrase)
                    case .failure(let error):
                        problems.add(item.problem("\"\(text)\": \(error.reason)"))
                    }
                }
            }
            for category in DangerCategory.screened where !categories.keys.contains(category.rawValue) {
                problems.add(categories.owner.problem("missing category \"\(category.rawValue)\": every danger must be caught in every language"))
            }
        }
        _ = problems.attempt { try root.finish() }
        try problems.throwIfAny()
        return PhraseList(language: language ?? "", reviewedByNativeSpeaker: reviewed, phrases: phrases, file: file)
    }

    /// Every `<language>.yaml` in a folder, keyed by language; problems from all files together.
    public static func loadAll(directory: URL) throws -> [String: PhraseList] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".yaml") }.sorted() ?? []
        let problems = ProblemCollector()
        var lists: [String: PhraseList] = [:]
        for name in files {
            let path = directory.appendingPathComponent(name).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                problems.add(YAMLProblem(file: path, line: 0, keyPath: "", message: "cannot be read"))
                continue
            }
            if let list = problems.attempt({ try load(yaml: text, file: path) }) {
                let expected = String(name.dropLast(5))
                if list.language != expected {
                    problems.add(YAMLProblem(file: path, line: 1, keyPath: "language",
                                             message: "says \"\(list.language)\" but the file is named for \"\(expected)\""))
                }
                lists[list.language] = list
            }
        }
        try problems.throwIfAny()
        return lists
    }
}

/// What screening found in a message.
public struct ScreeningResult: Sendable, Equatable {
    public let category: DangerCategory
    /// The phrase that matched, as written in its list (never the person's own words).
    public let phrase: String
    public let language: String
    public let line: Int
}

/// Screens every inbound text for danger and distress. Pure and fast: it runs before anything
/// else, in any state, mid-dialog included.
public struct Screener: Sendable {
    public let lists: [String: PhraseList]
    /// Per language, the phrases by the letter they must start with, and those that can start
    /// with any (`*word`): a message word is tried only against phrases that can start there.
    private let byFirstLetter: [String: [Unicode.Scalar: [Phrase]]]
    private let anyFirstLetter: [String: [Script: [Phrase]]]

    public init(lists: [String: PhraseList]) {
        self.lists = lists
        var byFirstLetter: [String: [Unicode.Scalar: [Phrase]]] = [:], anyFirstLetter: [String: [Script: [Phrase]]] = [:]
        for (language, list) in lists {
            for phrase in list.phrases {
                if let letter = phrase.firstLetter {
                    byFirstLetter[language, default: [:]][letter, default: []].append(phrase)
                } else {
                    anyFirstLetter[language, default: [:]][phrase.firstScript, default: []].append(phrase)
                }
            }
        }
        self.byFirstLetter = byFirstLetter
        self.anyFirstLetter = anyFirstLetter
    }

    /// The phrase lists in a folder (normally `Dialogs/safety`).
    public static func load(directory: URL) throws -> Screener {
        Screener(lists: try PhraseList.loadAll(directory: directory))
    }

    /// The most severe match, looking first in the person's language, then in every other list:
    /// people write in the language they are most at ease with when it matters, whatever their
    /// setting says. Among equally severe matches, the earliest in the list order wins.
    public func screen(_ text: String, language: String) -> ScreeningResult? {
        let words = Self.words(text).map(ScreenedWord.init)
        guard !words.isEmpty else { return nil }
        let order = [language] + lists.keys.sorted().filter { $0 != language }
        var best: (result: ScreeningResult, rank: Int)?
        for (position, code) in order.enumerated() where lists[code] != nil {
            for start in words.indices {
                let word = words[start]
                let candidates = (word.letters.first.flatMap { byFirstLetter[code]?[$0] } ?? []) + (anyFirstLetter[code]?[word.script] ?? [])
                for phrase in candidates where phrase.occurs(in: words, at: start) {
                    let rank = position * 1_000_000 + phrase.line
                    let better = best.map { phrase.category.severity > $0.result.category.severity
                        || (phrase.category.severity == $0.result.category.severity && rank < $0.rank) } ?? true
                    if better {
                        best = (ScreeningResult(category: phrase.category, phrase: phrase.text, language: code, line: phrase.line), rank)
                    }
                }
            }
            if best?.result.category.severity == .urgent { return best?.result }
        }
        return best?.result
    }

    /// Folded words: the bot's usual folding, with punctuation inside the text as spaces.
    static func words(_ text: String) -> [String] {
        let spaced = String(text.unicodeScalars.map { scalar -> Character in
            CharacterSet.punctuationCharacters.union(.symbols).contains(scalar) && scalar != "'" && scalar != "’"
                ? " " : Character(scalar)
        })
        return fold(spaced).split(separator: " ").map { String($0).replacingOccurrences(of: "’", with: "'") }
    }

    static func fold(_ text: String) -> String {
        // Tatweel (Arabic letter lengthening) carries no meaning.
        TextNormalizer.normalize(text).replacingOccurrences(of: "\u{0640}", with: "")
    }
}
