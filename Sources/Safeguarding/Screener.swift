import Dialogs
import Foundation
import StrictYAML

/// The danger phrases of one language, as written in `Dialogs/safety/<language>.yaml`.
public struct PhraseList: Sendable {
    public let language: String
    public let reviewedByNativeSpeaker: Bool
    public let phrases: [Phrase]
    /// Per category, phrases that cancel its matches when they occur in the same message
    /// ("paid", "finished paying" for debts; "killing it" for threats).
    public let unless: [DangerCategory: [Phrase]]
    /// Short calls for help ("help me", "i'm scared"): a message of at most `Screener.callWords`
    /// words holding one, and no danger phrase, is asked about gently (crisis), never alerted on
    /// by the call alone. Alone, such words say too little to page anyone, and too much to answer
    /// "I didn't understand".
    public let calls: [Phrase]
    public let file: String

    public init(language: String, reviewedByNativeSpeaker: Bool, phrases: [Phrase], unless: [DangerCategory: [Phrase]] = [:],
                calls: [Phrase] = [], file: String) {
        self.language = language
        self.reviewedByNativeSpeaker = reviewedByNativeSpeaker
        self.phrases = phrases
        self.unless = unless
        self.calls = calls
        self.file = file
    }

    /// Reads a phrase list, reporting every problem with its file, line and category.
    public static func load(yaml: String, file: String) throws -> PhraseList {
        let root = try YAMLValue.parse(yaml, file: file).mapping()
        let problems = ProblemCollector()
        let language = problems.attempt { try root.required("language").nonEmptyString() }
        let reviewed = problems.attempt { try root.optional("reviewed_by_native_speaker")?.bool() ?? false } ?? false
        var phrases: [Phrase] = []
        var unless: [DangerCategory: [Phrase]] = [:]
        var calls: [Phrase] = []
        if let node = problems.attempt({ try root.required("calls") }), let listed = problems.attempt({ try node.sequence() }) {
            if listed.isEmpty { problems.add(node.problem("at least one call for help (\"help me\")")) }
            for item in listed {
                guard let text = problems.attempt({ try item.nonEmptyString() }) else { continue }
                switch Phrase.parse(text, category: .crisis, file: file, line: item.line) {
                case .success(let phrase): calls.append(phrase)
                case .failure(let error): problems.add(item.problem("\"\(text)\": \(error.reason)"))
                }
            }
        }
        if let categories = problems.attempt({ try root.required("categories").mapping() }) {
            var seen: [String: Int] = [:]
            for entry in categories.allEntries() {
                guard let category = DangerCategory(rawValue: entry.key), category != .safetyWord else {
                    let known = DangerCategory.screened.map(\.rawValue).joined(separator: ", ")
                    problems.add(entry.value.problem("unknown category \"\(entry.key)\" (known: \(known))"))
                    continue
                }
                // A category is a list of phrases, or {phrases: [...], unless: [...]}.
                var phraseNodes = entry.value
                if case .mapping = entry.value.node {
                    guard let map = problems.attempt({ try entry.value.mapping() }),
                          let listed = problems.attempt({ try map.required("phrases") }) else { continue }
                    phraseNodes = listed
                    if let cancelling = map.optional("unless"), let items = problems.attempt({ try cancelling.sequence() }) {
                        for item in items {
                            guard let text = problems.attempt({ try item.nonEmptyString() }) else { continue }
                            switch Phrase.parse(text, category: category, file: file, line: item.line) {
                            case .success(let phrase): unless[category, default: []].append(phrase)
                            case .failure(let error): problems.add(item.problem("\"\(text)\": \(error.reason)"))
                            }
                        }
                    }
                    _ = problems.attempt { try map.finish() }
                }
                guard let list = problems.attempt({ try phraseNodes.sequence() }) else { continue }
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
        return PhraseList(language: language ?? "", reviewedByNativeSpeaker: reviewed, phrases: phrases, unless: unless, calls: calls, file: file)
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
    /// A short call for help (`PhraseList.calls`): asked about, not alerted on, by itself.
    public var isCall = false
    /// The script the message was rewritten in when the phrase matched that reading of it, not
    /// the message as typed (see `Screener.screen`).
    public var reading: NativeScript?
    /// The message is short and laughs, or a longer one laughs beside the phrase (`Laughter`):
    /// the phrase is likelier a figure of speech.
    public var laughs = false
}

/// Screens every inbound text for danger and distress. Pure and fast: it runs before anything
/// else, in any state, mid-dialog included.
public struct Screener: Sendable {
    public let lists: [String: PhraseList]
    /// Per language, the phrases by the letters they can start with, and those that can start
    /// with any (`*word`) by script: a message word is tried only against phrases that can start
    /// there.
    private let byFirstLetter: [String: [Unicode.Scalar: [Phrase]]]
    private let anyFirstLetter: [String: [Script: [Phrase]]]
    /// The languages in a fixed order, for looking beyond the person's own.
    private let languages: [String]

    public init(lists: [String: PhraseList]) {
        self.lists = lists
        var byFirstLetter: [String: [Unicode.Scalar: [Phrase]]] = [:], anyFirstLetter: [String: [Script: [Phrase]]] = [:]
        for (language, list) in lists {
            for phrase in list.phrases {
                if let letters = phrase.firstLetters {
                    for letter in letters { byFirstLetter[language, default: [:]][letter, default: []].append(phrase) }
                } else {
                    for script in phrase.firstScripts { anyFirstLetter[language, default: [:]][script, default: []].append(phrase) }
                }
            }
        }
        self.byFirstLetter = byFirstLetter
        self.anyFirstLetter = anyFirstLetter
        languages = lists.keys.sorted()
    }

    /// The phrase lists in a folder (normally `Dialogs/safety`).
    public static func load(directory: URL) throws -> Screener {
        Screener(lists: try PhraseList.loadAll(directory: directory))
    }

    /// The most severe match, looking first in the person's language, then in every other list:
    /// people write in the language they are most at ease with when it matters, whatever their
    /// setting says. Among equally severe matches, the earliest in the list order wins.
    ///
    /// Arabic, Greek or Persian typed in Latin letters that no phrase catches as typed is also
    /// screened rewritten in its own script (`NativeScript`), by that language's list alone: most
    /// of its phrases are written in that script ("*هدد*" catches "hadadou 3ayelti").
    /// The result also says whether the message laughs (`ScreeningResult.laughs`).
    public func screen(_ text: String, language: String) -> ScreeningResult? {
        guard var result = match(text, language: language) else { return nil }
        result.laughs = !result.isCall && (Laughter.isIn(text) || laughs(beside: result, in: text))
        return result
    }

    /// Whether a longer message laughs beside the phrase that matched it (`Laughter.isBeside`),
    /// read as it matched: as typed, or rewritten in its own script.
    private func laughs(beside result: ScreeningResult, in text: String) -> Bool {
        guard let phrase = lists[result.language]?.phrases.first(where: { $0.line == result.line }) else { return false }
        return Laughter.isBeside(in: text) { words in
            guard let script = result.reading else { return phrase.occurs(in: words.map(ScreenedWord.init)) }
            let read = script.rewritten(words.joined(separator: " "))
            return phrase.occurs(in: Self.words(read).map(ScreenedWord.init))
        }
    }

    private func match(_ text: String, language: String) -> ScreeningResult? {
        let typedWords = Self.words(text).map(ScreenedWord.init)
        let typed = screen(typedWords, language: language, order: [language] + languages.filter { $0 != language })
        if let typed, !typed.isCall { return typed }
        // The reading is the same message: what cancels a match as typed ("bedehimo saf kardam",
        // I settled my debt) cancels it in the reading too, whose spelling of it is only rough.
        guard let native = NativeScript.reading(of: text), lists[native.script.language] != nil,
              var read = screen(Self.words(native.text).map(ScreenedWord.init), language: native.script.language,
                                order: [native.script.language]),
              !read.isCall || typed == nil,
              !cancelled(read.category, in: native.script.language, typedWords)
        else { return typed }
        read.reading = native.script
        return read
    }

    private func screen(_ words: [ScreenedWord], language: String, order: [String]) -> ScreeningResult? {
        guard !words.isEmpty else { return nil }
        var best: (result: ScreeningResult, rank: Int)?
        for (position, code) in order.enumerated() where lists[code] != nil {
            let byLetter = byFirstLetter[code] ?? [:], anyLetter = anyFirstLetter[code] ?? [:]
            func consider(_ phrase: Phrase, at start: Int) {
                // The person's own list knows the ordinary uses of words in their language, also
                // when another language's phrase matches them by a slip ("trafikantesh" in news).
                guard phrase.occurs(in: words, at: start), !cancelled(phrase.category, in: code, words),
                      code == language || !cancelled(phrase.category, in: language, words) else { return }
                let rank = position * 1_000_000 + phrase.line
                let better = best.map { phrase.category.severity > $0.result.category.severity
                    || (phrase.category.severity == $0.result.category.severity && rank < $0.rank) } ?? true
                if better {
                    best = (ScreeningResult(category: phrase.category, phrase: phrase.text, language: code, line: phrase.line), rank)
                }
            }
            for start in words.indices {
                let word = words[start]
                if let letter = word.letters.first, let phrases = byLetter[letter] {
                    for phrase in phrases { consider(phrase, at: start) }
                }
                for phrase in anyLetter[word.script] ?? [] { consider(phrase, at: start) }
            }
            if best?.result.category.severity == .urgent { return best?.result }
        }
        return best?.result ?? call(in: words, order: order)
    }

    /// Calls for help are only heard in a message this short: "help me" alone asks for someone,
    /// "can you help me with the form on friday" asks for a mentor.
    static let callWords = 4

    private func call(in words: [ScreenedWord], order: [String]) -> ScreeningResult? {
        guard words.count <= Self.callWords else { return nil }
        for code in order {
            if let call = lists[code]?.calls.first(where: { $0.occurs(in: words) }) {
                return ScreeningResult(category: call.category, phrase: call.text, language: code, line: call.line, isCall: true)
            }
        }
        return nil
    }

    /// A category's match is cancelled by one of its `unless` phrases anywhere in the message.
    private func cancelled(_ category: DangerCategory, in language: String, _ words: [ScreenedWord]) -> Bool {
        lists[language]?.unless[category]?.contains { $0.occurs(in: words) } ?? false
    }

    /// Folded words: the bot's usual folding, with punctuation inside the text as spaces.
    static func words(_ text: String) -> [String] {
        var spaced = String.UnicodeScalarView()
        for scalar in bounded(text).unicodeScalars {
            spaced.append(separators.contains(scalar) ? " " : scalar)
        }
        return fold(String(spaced)).split(separator: " ").map { String($0).replacingOccurrences(of: "’", with: "'") }
    }

    private static let separators = CharacterSet.punctuationCharacters.union(.symbols).subtracting(CharacterSet(charactersIn: "'’"))

    /// What is screened of a very long text: its beginning and its end. A chat message longer than
    /// this is a pasted document; people say what matters at the start or at the end, and the
    /// screening must take bounded time whatever arrives, so nobody waits behind someone's paste.
    static let screenedHead = 2_000, screenedTail = 1_000

    static func bounded(_ text: String) -> Substring {
        let utf8 = text.utf8
        guard utf8.count > screenedHead + screenedTail else { return Substring(text) }
        // Cut on character boundaries, counted in bytes so that the cost stays bounded too.
        let headEnd = text.index(text.startIndex, offsetBy: screenedHead, limitedBy: text.endIndex) ?? text.endIndex
        let tailStart = text.index(text.endIndex, offsetBy: -screenedTail, limitedBy: headEnd) ?? headEnd
        return Substring(String(text[..<headEnd]) + " " + String(text[tailStart...]))
    }

    static func fold(_ text: String) -> String {
        // Tatweel (Arabic letter lengthening) carries no meaning.
        TextNormalizer.normalize(text).replacingOccurrences(of: "\u{0640}", with: "")
    }
}
