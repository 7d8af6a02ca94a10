import Foundation

/// Arabic, Greek and Persian are often typed in Latin letters (on phones and keyboards abroad),
/// and the model reads them far better in their own script. A message found to be one of them is
/// also read rewritten in that script, and the stronger reading counts (`SemanticScreener`); the
/// examples typed that way are kept in both scripts (`SemanticIndex.loadExamples`), so that a
/// message's rewritten reading finds examples read the same way.
public enum NativeScript: String, Sendable {
    case arabic = "Arabic"
    case greek = "Greek"
    case persian = "Persian"

    /// The language whose phrase list is written in this script.
    public var language: String {
        switch self {
        case .arabic: "ar"
        case .greek: "el"
        case .persian: "fa"
        }
    }

    /// The script a text typed in Latin letters belongs in, and the text rewritten in it; nil when
    /// it is not Arabic, Greek or Persian in Latin letters.
    public static func reading(of text: String) -> (script: NativeScript, text: String)? {
        // Arabizi is found by its digits; Greek and Persian by their everyday words, and a message
        // has too few of both for them to compete; Arabizi without digits last, by its words, as
        // Persian shares some of them.
        if Arabizi.isArabizi(text) { return (.arabic, NativeScript.arabic.rewritten(text)) }
        // Every message passes here: its words are split once for all three languages' markers.
        let words = latinWords(of: text)
        if hasMarkers(Greeklish.markers, weak: Greeklish.weakMarkers, among: words) { return (.greek, NativeScript.greek.rewritten(text)) }
        if hasMarkers(Finglish.markers, weak: Finglish.weakMarkers, among: words) { return (.persian, NativeScript.persian.rewritten(text)) }
        if hasMarkers(Arabizi.markers, among: words) { return (.arabic, NativeScript.arabic.rewritten(text)) }
        return shortReading(of: text, words: words)
    }

    /// A text typed in Latin letters rewritten in this script.
    func rewritten(_ text: String) -> String {
        switch self {
        case .arabic: Arabizi.inArabicScript(text)
        case .greek: Greeklish.inGreekScript(text)
        case .persian: Finglish.inPersianScript(text)
        }
    }

    /// A message of two to four words ("bghit nmout safi", "msakkrin 3alay el bab", "fovamai poly")
    /// has room for one sign at most, and short messages are where the model is weakest in Latin
    /// letters: one Arabizi digit word or one marker word will do. On the example and calibration
    /// messages this found 23 of 23 short Arabic, 24 of 26 Greek and 32 of 36 Persian ones typed
    /// in Latin letters (before: 13, 13, 23), and none of the 929 short ones in the other
    /// languages; on a later writing round, 15 and 14 of 16 Arabic and Persian ones (before: 8, 10).
    static func shortReading(of text: String, words: [String]) -> (script: NativeScript, text: String)? {
        guard words.count >= 2, SemanticScreener.isShort(text) else { return nil }
        if Arabizi.signs(in: text, upTo: 1) >= 1 { return (.arabic, NativeScript.arabic.rewritten(text)) }
        if words.contains(where: Greeklish.markers.contains) { return (.greek, NativeScript.greek.rewritten(text)) }
        if words.contains(where: Finglish.markers.contains) { return (.persian, NativeScript.persian.rewritten(text)) }
        if words.contains(where: Arabizi.markers.contains) { return (.arabic, NativeScript.arabic.rewritten(text)) }
        return nil
    }

    // MARK: - Shared by the rewritings

    /// At least two different marker words, or one and two different weak ones (words the language
    /// shares with others, which only confirm a marker); markers and weak words together making at
    /// least a sixth of the text's words: a name or greeting of one language inside another's
    /// message does not count.
    static func hasMarkers(_ markers: Set<String>, weak: Set<String> = [], among words: [String]) -> Bool {
        guard words.count >= 2 else { return false }
        let found = words.filter { markers.contains($0) }
        let confirming = words.filter { weak.contains($0) && !markers.contains($0) }
        let distinct = Set(found).count
        guard distinct >= 2 || (distinct == 1 && Set(confirming).count >= 2) else { return false }
        return (found.count + confirming.count) * 6 >= words.count
    }

    /// The text's lowercase words made of Latin letters and digits (the marker words are looked
    /// for among them). A word with a letter outside them is another language's ("mañana" is
    /// not "ma" and "ana"), and is left out whole.
    static func latinWords(of text: String) -> [String] {
        text.lowercased().split(whereSeparator: { $0.isWhitespace || ($0.isPunctuation && $0 != "'") || $0.isSymbol })
            .filter { !$0.contains(where: { $0.isLetter && !$0.isASCII }) }
            .flatMap { $0.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) }
            .map(String.init).filter { $0.contains(where: \.isLetter) }
    }

    /// The text with each word (a run of `isWordCharacter`) passed through `rewrite`, and
    /// everything between words kept as it is.
    static func rewritingWords(of text: String, isWordCharacter: (Character) -> Bool = isLatinWordCharacter,
                               with rewrite: (String) -> String) -> String {
        var result = ""
        var word = ""
        for character in text {
            if isWordCharacter(character) {
                word.append(character)
            } else {
                result += rewrite(word) + String(character)
                word = ""
            }
        }
        return result + rewrite(word)
    }

    /// Latin letters, digits, and the apostrophe and hyphen people type inside words
    /// ("3'arib", "kar-e").
    static func isLatinWordCharacter(_ character: Character) -> Bool {
        (character.isASCII && (character.isLetter || character.isNumber)) || character == "'" || character == "-"
    }

    /// Only all-lowercase words with a letter are rewritten: capitalised ones are names, offices
    /// and brands ("IND", "BAföG"), and numbers stay numbers.
    static func isRewritable(_ word: String) -> Bool {
        !word.isEmpty && word.allSatisfy({ !$0.isUppercase }) && word.contains(where: { $0.isLetter })
    }
}
