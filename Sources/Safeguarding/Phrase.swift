import Dialogs

/// One danger phrase from a phrase list, such as "took ... passport" or "threaten* me".
///
/// Its words must appear in this order in a message. `word*` matches any word starting with
/// "word", `*word` any word ending with it, `*word*` any word containing it (for languages that
/// attach "and", "the" or "my" to the word); `...` allows up to three other words in between. A
/// slip of one letter is forgiven in words of five letters or more, and everything is compared
/// after the same folding as the bot's other words (case, accents, Arabic and Persian letters).
public struct Phrase: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case word(String)
        case prefix(String)
        case suffix(String)
        case contains(String)
        case gap
        /// `!word`: the next word is not this one (or there is none), e.g. "please help me !with",
        /// so that "please help me with my CV" stays an ordinary request.
        case notFollowedBy(String)
    }

    public let text: String
    public let category: DangerCategory
    /// Where it is written, for `mentorbot check` and `mentorbot screen`.
    public let file: String
    public let line: Int
    let tokens: [Token]

    /// Up to this many other words may stand where a phrase has `...`.
    static let gapWords = 3

    /// nil with the reason when the text is not a usable phrase.
    public static func parse(_ text: String, category: DangerCategory, file: String, line: Int) -> Result<Phrase, PhraseError> {
        var tokens: [Token] = []
        for raw in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            if raw == "..." || raw == "…" {
                tokens.append(.gap)
                continue
            }
            if raw.hasPrefix("!") {
                let word = Screener.fold(String(raw.dropFirst()))
                guard word.count >= 2, !tokens.isEmpty else {
                    return .failure(PhraseError(text: text, reason: "\"\(raw)\" must follow a word and name a word of two letters or more"))
                }
                tokens.append(.notFollowedBy(word))
                continue
            }
            let starts = raw.hasPrefix("*"), ends = raw.hasSuffix("*")
            let core = Screener.fold(String(raw.drop { $0 == "*" }.reversed().drop { $0 == "*" }.reversed()))
            let wildcard = starts || ends
            guard core.count >= (wildcard ? 2 : 1), !core.contains(" "), !core.contains("*") else {
                return .failure(PhraseError(text: text, reason: "\"\(raw)\" is not a word (a wildcard needs at least two letters, and * goes only at a word's ends)"))
            }
            tokens.append(starts && ends ? .contains(core) : starts ? .suffix(core) : ends ? .prefix(core) : .word(core))
        }
        guard tokens.contains(where: { if case .word = $0 { true } else if case .prefix = $0 { true } else if case .suffix = $0 { true } else if case .contains = $0 { true } else { false } }) else { return .failure(PhraseError(text: text, reason: "a phrase needs words")) }
        guard tokens.first != .gap, tokens.last != .gap,
              !zip(tokens, tokens.dropFirst()).contains(where: { pair in pair.0 == .gap && { if case .notFollowedBy = pair.1 { true } else { false } }() })
        else {
            return .failure(PhraseError(text: text, reason: "\"...\" goes between words, not at the start or the end"))
        }
        return .success(Phrase(text: text, category: category, file: file, line: line, tokens: tokens))
    }

    /// Does the phrase occur in these folded words?
    func occurs(in words: [String]) -> Bool {
        guard !words.isEmpty else { return false }
        for start in words.indices where matches(tokens[0], words[start]) {
            if match(from: 1, at: start + 1, in: words) { return true }
        }
        return false
    }

    /// Tokens from `index` on match the words from `position` on.
    private func match(from index: Int, at position: Int, in words: [String]) -> Bool {
        guard index < tokens.count else { return true }
        if case .notFollowedBy(let word) = tokens[index] {
            guard position >= words.count || words[position] != word else { return false }
            return match(from: index + 1, at: position, in: words)
        }
        if tokens[index] == .gap {
            let next = index + 1
            for skip in 0...Self.gapWords where position + skip < words.count {
                if matches(tokens[next], words[position + skip]), match(from: next + 1, at: position + skip + 1, in: words) {
                    return true
                }
            }
            return false
        }
        guard position < words.count, matches(tokens[index], words[position]) else { return false }
        return match(from: index + 1, at: position + 1, in: words)
    }

    private func matches(_ token: Token, _ word: String) -> Bool {
        switch token {
        case .word(let expected): word == expected || Self.oneSlipApart(word, expected)
        case .prefix(let start): word.hasPrefix(start) || (start.count >= 5 && Self.oneSlipApart(String(word.prefix(start.count)), start))
        case .suffix(let end): word.hasSuffix(end)
        case .contains(let part): word.contains(part)
        case .gap, .notFollowedBy: true
        }
    }

    /// One letter added, removed, replaced or two swapped, in words of five letters or more:
    /// "pasport", "threatend". Shorter words must match exactly ("hit" is not "hot").
    static func oneSlipApart(_ a: String, _ b: String) -> Bool {
        guard a.count >= 5, b.count >= 5, abs(a.count - b.count) <= 1, a != b else { return false }
        let x = Array(a), y = Array(b)
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

public struct PhraseError: Error, Sendable, Equatable {
    public let text: String
    public let reason: String
}
