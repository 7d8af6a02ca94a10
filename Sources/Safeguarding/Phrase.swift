import Dialogs

/// One danger phrase from a phrase list, such as "took ... passport" or "threaten* me".
///
/// Its words must appear in this order in a message. `word*` matches any word starting with
/// "word", `*word` any word ending with it, `*word*` any word containing it (for languages that
/// attach "and", "the" or "my" to the word); `...` allows up to three other words in between. A
/// slip of one letter (not the first) is forgiven in words of six letters or more and stems of eight
/// or more, and everything is compared
/// after the same folding as the bot's other words (case, accents, Arabic and Persian letters).
public struct Phrase: Sendable, Equatable {
    /// Letters are compared as Unicode scalars of folded text: exact, cheap, and the same on both
    /// sides because phrases and messages are folded alike.
    typealias Letters = [Unicode.Scalar]

    enum Token: Sendable, Equatable {
        case word(Letters)
        case prefix(Letters)
        case suffix(Letters)
        case contains(Letters)
        case gap
        /// Between two words of a phrase, unless it starts with "=": up to `looseWords` other words
        /// may stand there ("i owe them" also catches "i still owe them").
        case looseGap
        /// `{she,he,threat*}`-style alternatives: any one of these, each a single word matched
        /// exactly (no slip forgiven: alternatives are often short and near each other) or a
        /// `word*`, `*word` or `*word*` (as anywhere else). One alone, `{auxilio}`, is that word
        /// exactly: a long word whose one-letter slips are everyday words elsewhere ("ausilio").
        case oneOf([Token])
        /// `!word`: the next word is not this one (or there is none), e.g. "please help me !with",
        /// so that "please help me with my CV" stays an ordinary request.
        case notFollowedBy(Letters)
    }

    public let text: String
    public let category: DangerCategory
    /// Where it is written, for `mentorbot check` and `mentorbot screen`.
    public let file: String
    public let line: Int
    let tokens: [Token]
    /// `!word` before the first word: the word just before the match is not one of these ("!not
    /// scared" leaves "not scared anymore" alone). Only the word just before: "im not ok, scared"
    /// must still be heard.
    let notAfter: [Letters]

    /// Up to this many other words may stand where a phrase has `...`.
    static let gapWords = 3
    /// ...and between any two words of a phrase not marked exact with "=".
    static let looseWords = 2

    /// nil with the reason when the text is not a usable phrase.
    public static func parse(_ text: String, category: DangerCategory, file: String, line: Int) -> Result<Phrase, PhraseError> {
        var tokens: [Token] = [], notAfter: [Letters] = []
        let exact = text.hasPrefix("=")
        let body = exact ? String(text.dropFirst()) : text
        for raw in body.split(whereSeparator: \.isWhitespace).map(String.init) {
            if raw == "..." || raw == "…" {
                tokens.append(.gap)
                continue
            }
            // Words follow each other loosely unless the phrase is exact.
            if !exact, let last = tokens.last, last.isWord, !raw.hasPrefix("!") { tokens.append(.looseGap) }
            if raw.hasPrefix("{") {
                let choices = raw.dropFirst().dropLast().split(separator: ",").map(String.init)
                guard raw.hasSuffix("}"), !choices.isEmpty, !choices.contains(where: { $0.contains(" ") }) else {
                    return .failure(PhraseError(text: text, reason: "\"\(raw)\" should list single words: {she,he,they}, or {word} for that word exactly"))
                }
                var alternatives: [Token] = []
                for choice in choices {
                    switch wordToken(choice) {
                    case .success(let token): alternatives.append(token)
                    case .failure(let reason): return .failure(PhraseError(text: text, reason: "in \"\(raw)\": \(reason)"))
                    }
                }
                tokens.append(.oneOf(alternatives))
                continue
            }
            if raw.hasPrefix("!") {
                let word = Screener.fold(String(raw.dropFirst()))
                // The folding drops a "*" with the other punctuation, so it is looked for in the raw text.
                guard word.count >= 2, !word.contains(" "), !raw.contains("*") else {
                    return .failure(PhraseError(text: text, reason: "\"\(raw)\" must name a word of two letters or more"))
                }
                if tokens.isEmpty {
                    notAfter.append(Array(word.unicodeScalars))
                } else {
                    tokens.append(.notFollowedBy(Array(word.unicodeScalars)))
                }
                continue
            }
            switch wordToken(raw) {
            case .success(let token): tokens.append(token)
            case .failure(let reason): return .failure(PhraseError(text: text, reason: reason.description))
            }
        }
        guard tokens.contains(where: \.isWord) else { return .failure(PhraseError(text: text, reason: "a phrase needs words")) }
        guard tokens.first != .gap, tokens.last != .gap,
              !zip(tokens, tokens.dropFirst()).contains(where: { pair in pair.0 == .gap && { if case .notFollowedBy = pair.1 { true } else { false } }() })
        else {
            return .failure(PhraseError(text: text, reason: "\"...\" goes between words, not at the start or the end"))
        }
        return .success(Phrase(text: text, category: category, file: file, line: line, tokens: tokens, notAfter: notAfter))
    }

    /// One word of a phrase, or of its alternatives: `word`, `word*`, `*word` or `*word*`.
    private static func wordToken(_ raw: String) -> Result<Token, WordProblem> {
        let starts = raw.hasPrefix("*"), ends = raw.hasSuffix("*")
        let core = Screener.fold(String(raw.drop { $0 == "*" }.reversed().drop { $0 == "*" }.reversed()))
        let wildcard = starts || ends
        // The folding drops a "*" with the other punctuation, so a "*" inside is looked for in the raw text.
        guard core.count >= (wildcard ? 2 : 1), !core.contains(" "),
              !raw.drop(while: { $0 == "*" }).reversed().drop(while: { $0 == "*" }).contains("*") else {
            return .failure(WordProblem("\"\(raw)\" is not a word (a wildcard needs at least two letters, and * goes only at a word's ends)"))
        }
        let letters = Array(core.unicodeScalars)
        return .success(starts && ends ? .contains(letters) : starts ? .suffix(letters) : ends ? .prefix(letters) : .word(letters))
    }

    private struct WordProblem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Does the phrase occur in these folded words?
    func occurs(in words: [ScreenedWord]) -> Bool {
        words.indices.contains { occurs(in: words, at: $0) }
    }

    /// Does the phrase occur starting at word `start`?
    func occurs(in words: [ScreenedWord], at start: Int) -> Bool {
        guard start == 0 || notAfter.isEmpty || !notAfter.contains(words[start - 1].letters) else { return false }
        return matches(tokens[0], words[start]) && match(from: 1, at: start + 1, in: words)
    }

    /// The letters every match can start with, when they are known (a slip is never forgiven on
    /// the first letter): lets the screener try only the phrases that can start at a given word.
    /// Nil when the first word may start with anything (`*word`, or such an alternative).
    var firstLetters: Set<Unicode.Scalar>? { tokens[0].firstLetters }

    /// The writing systems the first word can be in: a phrase in Arabic letters cannot start at a
    /// word in Latin ones. Alternatives may mix them ("{ξερω,xerw}"): the phrase is tried on a
    /// word in any of theirs.
    var firstScripts: Set<Script> { tokens[0].scripts }

    /// Tokens from `index` on match the words from `position` on.
    private func match(from index: Int, at position: Int, in words: [ScreenedWord]) -> Bool {
        guard index < tokens.count else { return true }
        if case .notFollowedBy(let word) = tokens[index] {
            guard position >= words.count || words[position].letters != word else { return false }
            return match(from: index + 1, at: position, in: words)
        }
        if tokens[index] == .gap || tokens[index] == .looseGap {
            let next = index + 1
            for skip in 0...(tokens[index] == .gap ? Self.gapWords : Self.looseWords) where position + skip < words.count {
                if matches(tokens[next], words[position + skip]), match(from: next + 1, at: position + skip + 1, in: words) {
                    return true
                }
            }
            return false
        }
        guard position < words.count, matches(tokens[index], words[position]) else { return false }
        return match(from: index + 1, at: position + 1, in: words)
    }

    private func matches(_ token: Token, _ word: ScreenedWord) -> Bool {
        let letters = word.letters
        switch token {
        case .word(let expected):
            return letters == expected || (expected.count >= Self.slipWordLength && Self.oneSlipApart(letters, expected))
        case .prefix(let stem):
            if letters.starts(with: stem) { return true }
            guard stem.count >= Self.slipStemLength, letters.first == stem.first else { return false }
            // The stem may have lost or gained a letter: compare it with the word's start of each length.
            return (stem.count - 1...stem.count + 1).contains { length in
                length <= letters.count && Self.oneSlipApart(Array(letters.prefix(length)), stem)
            }
        case .suffix(let end):
            return letters.count >= end.count && letters.suffix(end.count).elementsEqual(end)
        case .contains(let part):
            guard letters.count >= part.count, let first = part.first else { return false }
            return (0...(letters.count - part.count)).contains { offset in
                letters[offset] == first && letters[offset..<offset + part.count].elementsEqual(part)
            }
        case .oneOf(let choices):
            return choices.contains { choice in
                if case .word(let expected) = choice { letters == expected } else { matches(choice, word) }
            }
        case .gap, .looseGap, .notFollowedBy:
            return true
        }
    }

    /// A slip is forgiven in a word of at least this many letters, and in a `word*` stem of at
    /// least `slipStemLength`: shorter ones are too often another real word ("nackt" / "Nacht",
    /// "menac*" / "ménage", "proxo" / "proxy"), and an alarm on an ordinary sentence costs trust.
    static let slipWordLength = 6
    static let slipStemLength = 8

    /// One letter added, removed, replaced or two swapped, never the first letter (people rarely
    /// mistype it, and other words differ there: "mourir" / "courir"): "pasport", "threatend".
    static func oneSlipApart(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar]) -> Bool {
        guard abs(x.count - y.count) <= 1, x != y, x.first == y.first else { return false }
        if x.count == y.count {
            let differences = x.indices.filter { x[$0] != y[$0] }
            if differences.count == 1 { return true }
            if differences.count == 2, differences[1] == differences[0] + 1 {
                return x[differences[0]] == y[differences[1]] && x[differences[1]] == y[differences[0]]
            }
            return false
        }
        let (longer, shorter) = x.count > y.count ? (x, y) : (y, x)
        var i = 0, j = 0, skipped = false
        while i < longer.count && j < shorter.count {
            if longer[i] == shorter[j] {
                i += 1
                j += 1
            } else {
                guard !skipped else { return false }
                skipped = true
                i += 1
            }
        }
        return true
    }
}

extension Phrase.Token {
    /// The letters the words this token matches start with; nil when they may start with any.
    var firstLetters: Set<Unicode.Scalar>? {
        switch self {
        case .word(let letters), .prefix(let letters): letters.first.map { [$0] }
        case .oneOf(let choices):
            choices.contains { $0.firstLetters == nil } ? nil
                : choices.reduce(into: []) { $0.formUnion($1.firstLetters ?? []) }
        case .suffix, .contains, .gap, .looseGap, .notFollowedBy: nil
        }
    }

    /// The writing systems of the words this token can match. A word is placed by its first
    /// letter, so `*9etl*` (Arabic in Latin letters, where digits stand for letters) can match a
    /// word starting in any script ("y9etlou"), and so can any `*word` or `*word*` starting
    /// with a digit or a sign.
    var scripts: Set<Script> {
        switch self {
        case .suffix(let letters), .contains(let letters):
            let script = Script(of: letters.first)
            return script == .other ? Set(Script.allCases) : [script]
        case .word(let letters), .prefix(let letters): return [Script(of: letters.first)]
        case .oneOf(let choices): return choices.reduce(into: []) { $0.formUnion($1.scripts) }
        case .gap, .looseGap, .notFollowedBy: return []
        }
    }

    /// A token that stands for one word of the message.
    var isWord: Bool {
        switch self {
        case .word, .prefix, .suffix, .contains, .oneOf: true
        case .gap, .looseGap, .notFollowedBy: false
        }
    }
}

public struct PhraseError: Error, Sendable, Equatable {
    public let text: String
    public let reason: String
}

/// A word of a screened message, folded, as letters.
struct ScreenedWord {
    let letters: [Unicode.Scalar]
    let script: Script

    init(_ text: String) {
        letters = Array(text.unicodeScalars)
        script = Script(of: letters.first)
    }
}

/// The writing system a word starts in, coarsely: enough to skip the phrases of other scripts.
enum Script: Hashable, Sendable, CaseIterable {
    case latin, greek, cyrillic, arabic, other

    init(of scalar: Unicode.Scalar?) {
        switch scalar?.value ?? 0 {
        case 0x41...0x24F: self = .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF: self = .greek
        case 0x400...0x52F: self = .cyrillic
        case 0x600...0x6FF, 0x750...0x77F, 0xFB50...0xFDFF, 0xFE70...0xFEFF: self = .arabic
        default: self = .other
        }
    }
}
