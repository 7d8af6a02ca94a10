/// Everything the bot says in one language, plus the words it understands in that language.
public struct Catalog: Sendable, Equatable {
    public enum Direction: String, Sendable { case ltr, rtl }

    /// ISO 639-1 code, e.g. "fr".
    public let language: String
    /// The language's own name for itself ("Français"), shown when people pick a language.
    public let nativeName: String
    public let direction: Direction
    /// Honest status: machine- or non-native translations are marked false until a native speaker checks them.
    public let reviewedByNativeSpeaker: Bool
    public let messages: [String: String]
    /// Command and answer words by meaning ("help", "stop", "yes"), already normalised.
    public let words: [String: [String]]
    public let file: String

    public init(language: String, nativeName: String, direction: Direction, reviewedByNativeSpeaker: Bool,
                messages: [String: String], words: [String: [String]], file: String) {
        self.language = language
        self.nativeName = nativeName
        self.direction = direction
        self.reviewedByNativeSpeaker = reviewedByNativeSpeaker
        self.messages = messages
        self.words = words.mapValues { $0.map(TextNormalizer.normalize) }
        self.file = file
    }
}

/// Renders messages for a person, falling back from their language to the programme default to
/// English, so that nobody ever receives a bare key or nothing at all.
public struct Localizer: Sendable {
    public let catalogs: [String: Catalog]
    public let defaultLanguage: String
    public static let baseLanguage = "en"
    /// Marks a choice label that is data, not a message key.
    public static let literalPrefix = "="

    public init(catalogs: [String: Catalog], defaultLanguage: String) {
        self.catalogs = catalogs
        self.defaultLanguage = defaultLanguage
    }

    public var languages: [String] { catalogs.keys.sorted() }

    public func supports(_ language: String) -> Bool { catalogs[language] != nil }

    public func direction(_ language: String) -> Catalog.Direction { catalogs[language]?.direction ?? .ltr }

    /// The text of `key` in `language`, with `{name}` placeholders filled. Values are wrapped in
    /// Unicode first-strong isolates so that a Latin name or a number inside Arabic or Persian
    /// text keeps its own direction and does not scramble the sentence around it.
    public func text(_ key: String, in language: String, _ parameters: [String: String] = [:]) -> String {
        // "=Amal": a label the application made from data (a pair's name), shown as written.
        if key.hasPrefix(Self.literalPrefix) { return String(key.dropFirst(Self.literalPrefix.count)) }
        let template = [language, defaultLanguage, Self.baseLanguage].lazy
            .compactMap { catalogs[$0]?.messages[key] }.first ?? key
        let isolate = direction(language) == .rtl
        var result = template
        for (name, value) in parameters {
            result = result.replacingOccurrences(of: "{\(name)}", with: isolate ? "\u{2068}\(value)\u{2069}" : value)
        }
        return result
    }

    /// Normalised words with meaning `meaning` in `language`, plus the English ones, because
    /// English is the programme's common fallback and people often type it whatever their language.
    public func words(_ meaning: String, in language: String) -> [String] {
        var result = catalogs[language]?.words[meaning] ?? []
        if language != Self.baseLanguage { result += catalogs[Self.baseLanguage]?.words[meaning] ?? [] }
        return result
    }

    /// Does `text` mean `meaning` in any catalog? For the language command: someone stuck in a
    /// language they cannot read must still be able to switch back in their own words.
    public func matchesInAnyLanguage(_ text: String, meaning: String) -> Bool {
        let normalized = TextNormalizer.normalize(text)
        return catalogs.values.contains { $0.words[meaning]?.contains(normalized) == true }
    }

    /// Does the normalised `text` mean `meaning` in this person's language (or English)?
    public func matches(_ text: String, meaning: String, in language: String) -> Bool {
        words(meaning, in: language).contains(TextNormalizer.normalize(text))
    }
}
