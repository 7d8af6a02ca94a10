/// Turns a reply into a structured answer for one answer type, in the person's language.
/// Choices can be given by number, by their label word, or by their stored value.
public struct AnswerParser: Sendable {
    public let localizer: Localizer
    public let language: String

    public init(localizer: Localizer, language: String) {
        self.localizer = localizer
        self.language = language
    }

    /// Numbered labels shown for each answer type, so the same numbers work for typing and reacting.
    public static func choiceLabels(for type: AnswerType) -> [String] {
        switch type {
        case .choice(let options): options.map(\.label)
        case .yesNo: ["answer.yes", "answer.no"]
        case .scale: ["answer.scale_1", "answer.scale_2", "answer.scale_3", "answer.scale_4"]
        case .number, .text: []
        }
    }

    public func parse(_ reply: String, as type: AnswerType) -> AnswerValue? {
        let text = TextNormalizer.normalize(Self.stripKeycap(reply))
        guard !text.isEmpty else { return nil }
        switch type {
        case .choice(let options):
            if let index = Int(text), options.indices.contains(index - 1) { return .choice(options[index - 1].value) }
            if let option = options.first(where: { labelMatches(text, $0.label) || TextNormalizer.normalize($0.value) == text }) {
                return .choice(option.value)
            }
            return nil
        case .yesNo:
            if text == "1" || localizer.matches(text, meaning: "yes", in: language) || labelMatches(text, "answer.yes") {
                return .yesNo(true)
            }
            if text == "2" || localizer.matches(text, meaning: "no", in: language) || labelMatches(text, "answer.no") {
                return .yesNo(false)
            }
            return nil
        case .scale:
            if let value = Int(text), (1...4).contains(value) { return .number(value) }
            for (index, label) in Self.choiceLabels(for: .scale).enumerated() where labelMatches(text, label) {
                return .number(index + 1)
            }
            return nil
        case .number(let min, let max):
            guard let value = Int(text), (min...max).contains(value) else { return nil }
            return .number(value)
        case .text(let maxLength):
            let trimmed = reply.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= maxLength else { return nil }
            return .text(trimmed)
        }
    }

    /// A reaction like 2️⃣ on the question picks the second choice.
    public func parseReaction(_ key: String, as type: AnswerType) -> AnswerValue? {
        guard let number = Self.keycapNumber(key), !Self.choiceLabels(for: type).isEmpty else { return nil }
        return parse(String(number), as: type)
    }

    private func labelMatches(_ normalizedReply: String, _ labelKey: String) -> Bool {
        [language, Localizer.baseLanguage].contains { TextNormalizer.normalize(localizer.text(labelKey, in: $0)) == normalizedReply }
    }

    static let keycaps = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"]

    public static func keycap(_ number: Int) -> String {
        keycaps.indices.contains(number - 1) ? keycaps[number - 1] : "\(number)."
    }

    static func keycapNumber(_ key: String) -> Int? {
        if let index = keycaps.firstIndex(of: key) { return index + 1 }
        return Int(stripKeycap(key))
    }

    /// Removes the emoji variation selector and the combining keycap so "1️⃣" reads as "1".
    static func stripKeycap(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value != 0xFE0F && $0.value != 0x20E3 }))
    }
}
