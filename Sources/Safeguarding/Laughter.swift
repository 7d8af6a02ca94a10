/// Whether a message laughs: "haha", "jajaja", "kkkk", "lol", "mdr", "ههههه", "χαχα", "😂".
/// People who laugh while using danger's words are mostly speaking in figures ("the teacher will
/// kill me 😅", "locked myself out lol"), so a phrase match in a message short enough to be one
/// joke, and laughing, is doubted more readily (`SemanticThresholds.laughingPhraseDoubt`): it asks
/// instead of alerting unless the model reads the message as nearer danger than ordinary talk.
/// In a longer message only a laugh beside the phrase counts (`isBeside`).
/// Laughter never silences anything: a doubted phrase still asks the person and leaves a worry
/// note, and nervous laughter around real danger ("he said he'll kill me lol") reads as danger to
/// the model, which then alerts.
public enum Laughter {
    /// The longest message whose laugh is taken to be about all of it. A longer one can laugh
    /// about one thing and tell of another: on the calibration messages joined three at a time,
    /// a laugh counted anywhere in them, or within eight words of the phrase across sentences,
    /// cost 27-34 of their alerts (the laugh of one message doubting the danger of the next).
    static let longestJoke = 12

    /// Whether a message of at most `longestJoke` words laughs.
    public static func isIn(_ text: String) -> Bool {
        let screened = Screener.bounded(text)
        let words = Screener.words(String(screened))
        guard words.count <= longestJoke else { return false }
        return screened.unicodeScalars.contains(where: emoji.contains) || words.contains(where: isLaughing)
    }

    /// How near a laugh must stand to a phrase, in words, to be taken as about it in a message
    /// longer than one joke. Chat puts the laugh right beside its joke ("my boss will kill me
    /// kkkk", "jajaja mi jefa me va a matar"), and a longer message's other news is further away.
    static let nearJoke = 20

    /// Whether a message longer than one joke laughs beside a phrase: a laugh stands in the same
    /// sentence as where the phrase occurs (`occurs`, given the words the screener reads), within
    /// `nearJoke` words of it. A laugh in another sentence is about something else. On the
    /// calibration messages (2026-12-05, landed thresholds) this cost none of the joined ones'
    /// alerts and turned four false alerts into questions (152 → 148): most long jokes' laughs
    /// close their sentence, but the model reads many of them above the laughing doubt.
    static func isBeside(in text: String, where occurs: ([String]) -> Bool) -> Bool {
        let screened = Screener.bounded(text)
        guard Screener.words(String(screened)).count > longestJoke else { return false }
        return sentences(of: screened).contains { sentence in
            let words = sentence.filter { !$0.laughs }.map(\.text)
            // Where each laugh stands among the sentence's other words.
            var laughs: [Int] = [], count = 0
            for token in sentence {
                if token.laughs { laughs.append(count) } else { count += 1 }
            }
            return laughs.contains { at in
                let window = Array(words[max(0, at - nearJoke)..<min(words.count, at + nearJoke)])
                return !window.isEmpty && occurs(window)
            }
        }
    }

    /// A text's sentences as the screener's words, each marked when it is laughter (a laughing
    /// word, or a laughing face standing between words).
    private static func sentences(of text: Substring) -> [[(text: String, laughs: Bool)]] {
        text.split(whereSeparator: { sentenceEnds.contains($0) }).map { sentence in
            var tokens: [(text: String, laughs: Bool)] = []
            var segment = String.UnicodeScalarView()
            func flush() {
                tokens += Screener.words(String(segment)).map { ($0, isLaughing($0)) }
                segment.removeAll()
            }
            for scalar in sentence.unicodeScalars {
                if emoji.contains(scalar) {
                    flush()
                    tokens.append(("", true))
                } else {
                    segment.append(scalar)
                }
            }
            flush()
            return tokens
        }
    }

    /// Where a sentence ends in chat: its marks, in the scripts the bot serves, and a new line.
    private static let sentenceEnds: Set<Character> = [".", "!", "?", ";", "\u{037E}", "…", "؟", "\n", "\r\n"]

    /// Laughing faces, and the monkey hiding its eyes that people send after a joke at their own
    /// expense. Not the plain smile: "😊" closes sad messages as often as happy ones.
    private static let emoji: Set<Unicode.Scalar> = ["😂", "🤣", "😅", "😆", "😹", "😜", "😝", "😛", "😁", "😄", "🙈"]

    /// Words that are only laughter, in the languages the bot serves and the chat shorthand they
    /// share.
    private static let laughingWords: Set<String> = ["lol", "lool", "loool", "lmao", "lmfao", "rofl", "xd", "xdd", "xddd",
                                                     "mdr", "ptdr", "mdrr", "rsrs", "rsrsrs", "kek"]

    /// A word made of one laughing syllable said again and again: "haha", "ahah", "jajaja",
    /// "hehe", "hihi", "xaxa", "kkkk", "ههههه", "خخخ", "χαχα".
    private static func isLaughing(_ word: String) -> Bool {
        if laughingWords.contains(word) { return true }
        let letters = Array(word), kinds = Set(letters)
        guard letters.count >= 3 else { return false }
        if kinds.count == 1 { return ["k", "ه", "خ"].contains(letters[0]) }
        // "jaja" alone is also German and Dutch for "yes, yes": Spanish laughs longer.
        let shortest = letters.contains("j") ? 6 : 4
        return letters.count >= shortest && laughingPairs.contains(kinds)
            && kinds.allSatisfy { letter in letters.filter { $0 == letter }.count >= 2 }
    }

    /// The two letters a laughing syllable alternates (in any order, so "haha" and "ahah").
    private static let laughingPairs: Set<Set<Character>> = [
        ["h", "a"], ["j", "a"], ["h", "e"], ["j", "e"], ["h", "i"], ["x", "a"], ["χ", "α"], ["х", "а"],
    ]
}
