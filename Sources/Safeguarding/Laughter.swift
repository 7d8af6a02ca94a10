/// Whether a message laughs: "haha", "jajaja", "kkkk", "lol", "mdr", "ههههه", "χαχα", "😂".
/// People who laugh while using danger's words are mostly speaking in figures ("the teacher will
/// kill me 😅", "locked myself out lol"), so a phrase match in a message short enough to be one
/// joke, and laughing, is doubted more readily (`SemanticThresholds.laughingPhraseDoubt`): it asks
/// instead of alerting unless the model reads the message as nearer danger than ordinary talk.
/// Laughter never silences anything: a doubted phrase still asks the person and leaves a worry
/// note, and nervous laughter around real danger ("he said he'll kill me lol") reads as danger to
/// the model, which then alerts.
public enum Laughter {
    /// The longest message whose laugh is taken to be about all of it. A longer one can laugh
    /// about one thing and tell of another: on the calibration messages joined three at a time,
    /// a laugh counted anywhere in them, or within eight words of the phrase, cost 27-34 of
    /// their alerts.
    static let longestJoke = 12

    /// Whether a message of at most `longestJoke` words laughs.
    public static func isIn(_ text: String) -> Bool {
        let screened = Screener.bounded(text)
        let words = Screener.words(String(screened))
        guard words.count <= longestJoke else { return false }
        return screened.unicodeScalars.contains(where: emoji.contains) || words.contains(where: isLaughing)
    }

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
