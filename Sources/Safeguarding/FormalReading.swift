import Foundation

/// Colloquial Persian as people chat it ("میخوام برم خونه", "نمیدونم") rewritten word by word in
/// formal written Persian ("می‌خواهم بروم خانه", "نمی‌دانم") before the model reads it: the model
/// learnt Persian from written text and reads the spoken forms far less well. Examples and
/// messages are read the same way, so a message still finds the examples that say what it says.
///
/// With each writing round of the examples held out in turn (`RoundHoldout`), at 3% of ordinary
/// messages above one threshold, the semantic layer caught 70.6% of Persian danger instead of
/// 66.2% (the other languages as before), and 88.7% instead of 86.6% at Persian's own 13%.
/// The same done for Arabic dialects (into Modern Standard Arabic) gained nothing and was not kept.
///
/// The words are in `Dialogs/safety/formal/fa.txt` ("colloquial | formal"), for staff to read
/// and correct. Only a text with a letter that Persian has and Arabic has not (پ چ ژ گ ی ک) is
/// rewritten: the same letters in an Arabic message are other words.
public struct FormalReading: Sendable {
    /// Colloquial word (as `key(_:)` spells it) → its formal words.
    let words: [String: String]

    /// Reads nothing differently.
    public static let none = FormalReading(words: [:])

    /// How many colloquial words it knows.
    public var count: Int { words.count }

    init(words: [String: String]) {
        self.words = words
    }

    /// "colloquial | formal" lines; `#` starts a comment. A problem names its line.
    public init(text: String) throws {
        var words: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let sides = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty else {
                throw LabelledSet.Problem(line: index + 1, message: "write \"colloquial | formal\"")
            }
            guard !sides[0].contains(where: \.isWhitespace) else {
                throw LabelledSet.Problem(line: index + 1, message: "\"\(sides[0])\": one word on the left")
            }
            let key = Self.key(sides[0][...])
            guard words[key] == nil else {
                throw LabelledSet.Problem(line: index + 1, message: "\"\(sides[0])\" is already listed")
            }
            words[key] = sides[1]
        }
        self.words = words
    }

    /// `fa.txt` in `folder` (`Dialogs/safety/formal`), or `none` when there is none; a problem
    /// names the file and line.
    public static func load(folder: URL) throws -> FormalReading {
        let path = folder.appendingPathComponent("fa.txt").path
        guard FileManager.default.fileExists(atPath: path) else { return .none }
        return try LabelledSet.Problem.parsing(fileAt: path) { try FormalReading(text: $0) }
    }

    /// The text with each listed word in its formal form and Arabic ي ك written ی ک (punctuation
    /// around a word kept), or nil when it has no Persian letter or nothing changes.
    public func reading(of text: String) -> String? {
        guard !words.isEmpty, text.unicodeScalars.contains(where: { Self.persianLetters.contains($0) }) else { return nil }
        let rewritten = text.split(whereSeparator: { $0.isWhitespace }).map { word -> String in
            let core = word.drop(while: { Self.punctuation.contains($0) })
            let trimmed = core.reversed().drop(while: { Self.punctuation.contains($0) })
            let body = core.prefix(trimmed.count)
            guard !body.isEmpty, let formal = words[Self.key(body)] else { return Self.persianSpelling(word) }
            return String(word.prefix(word.count - core.count)) + formal + String(core.suffix(core.count - body.count))
        }.joined(separator: " ")
        return rewritten == text ? nil : rewritten
    }

    /// Letters of Persian that Arabic does not use.
    static let persianLetters: Set<Unicode.Scalar> = ["\u{067E}", "\u{0686}", "\u{0698}", "\u{06AF}", "\u{06CC}", "\u{06A9}"]
    static let punctuation: Set<Character> = [".", ",", "!", "?", "؟", "،", "؛", ":", ";", "\"", "'", "(", ")", "«", "»", "…", "-"]

    /// How a word is looked up: Arabic ي ك as Persian ی ک, without half-spaces, short vowels or tatweel.
    static func key(_ word: Substring) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in persianSpelling(word).unicodeScalars {
            switch scalar.value {
            case 0x200C, 0x0640, 0x064B...0x0652, 0x0670: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Arabic yeh and kaf, which an Arabic keyboard types, as the Persian letters.
    static func persianSpelling(_ word: Substring) -> String {
        String(word).replacingOccurrences(of: "\u{064A}", with: "\u{06CC}").replacingOccurrences(of: "\u{0643}", with: "\u{06A9}")
    }
}
