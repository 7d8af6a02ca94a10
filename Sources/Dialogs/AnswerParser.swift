import Foundation

/// Turns a reply into a structured answer for one answer type, in the person's language.
/// Choices can be given by number (digits in any script, or the number's word), by their label,
/// or by their stored value; days and times are read relative to `now` in the person's time zone.
public struct AnswerParser: Sendable {
    public let localizer: Localizer
    public let language: String
    public let now: Date
    public let timeZone: TimeZone

    public init(localizer: Localizer, language: String, now: Date, timeZone: TimeZone) {
        self.localizer = localizer
        self.language = language
        self.now = now
        self.timeZone = timeZone
    }

    /// What a reply means for a question.
    public enum Interpretation: Sendable, Equatable {
        case answer(AnswerValue)
        case notUnderstood
        /// A day on the wrong side of today (a meeting planned in the past, or logged in the future).
        case outOfRange(DateRange)
    }

    /// Numbered labels shown for each answer type, so the same numbers work for typing and reacting.
    public static func choiceLabels(for type: AnswerType) -> [String] {
        switch type {
        case .choice(let options), .choices(let options): options.map(\.label)
        case .yesNo: ["answer.yes", "answer.no"]
        case .scale: ["answer.scale_1", "answer.scale_2", "answer.scale_3", "answer.scale_4"]
        case .number, .text, .date, .time, .dateTime: []
        }
    }

    public func parse(_ reply: String, as type: AnswerType) -> AnswerValue? {
        if case .answer(let value) = interpret(reply, as: type) { return value }
        return nil
    }

    public func interpret(_ reply: String, as type: AnswerType) -> Interpretation {
        let text = TextNormalizer.normalize(Self.stripKeycap(reply))
        guard !text.isEmpty else { return .notUnderstood }
        let found: AnswerValue?
        switch type {
        case .choice(let options):
            found = option(text, in: options).map { .choice($0.value) }
        case .choices(let options):
            found = severalOptions(text, in: options).map { .choices($0) }
        case .yesNo:
            if text == "1" || localizer.matches(text, meaning: "yes", in: language) || labelMatches(text, "answer.yes") {
                found = .yesNo(true)
            } else if text == "2" || localizer.matches(text, meaning: "no", in: language) || labelMatches(text, "answer.no") {
                found = .yesNo(false)
            } else {
                found = nil
            }
        case .scale:
            if let value = number(text), (1...4).contains(value) {
                found = .number(value)
            } else {
                found = Self.choiceLabels(for: .scale).firstIndex { labelMatches(text, $0) }.map { .number($0 + 1) }
            }
        case .number(let min, let max):
            found = number(text).flatMap { (min...max).contains($0) ? .number($0) : nil }
        case .text(let maxLength):
            let trimmed = reply.trimmingCharacters(in: .whitespacesAndNewlines)
            found = !trimmed.isEmpty && trimmed.count <= maxLength ? .text(trimmed) : nil
        case .date(let range):
            return interpretation(dateTimeParser.date(text, range: range), range)
        case .time:
            return interpretation(dateTimeParser.time(text), .any)
        case .dateTime(let range):
            return interpretation(dateTimeParser.dateTime(text, range: range), range)
        }
        return found.map(Interpretation.answer) ?? .notUnderstood
    }

    private var dateTimeParser: DateTimeParser {
        DateTimeParser(words: { [localizer, language] in localizer.words($0, in: language) }, now: now, timeZone: timeZone)
    }

    private func interpretation(_ outcome: DateTimeParser.Outcome, _ range: DateRange) -> Interpretation {
        switch outcome {
        case .value(let value): .answer(value)
        case .outOfRange: .outOfRange(range)
        case .notUnderstood: .notUnderstood
        }
    }

    /// "2", "٢", "two", "deux".
    private func number(_ text: String) -> Int? {
        if let value = Int(text) { return value }
        return (1...10).first { localizer.matches(text, meaning: "number.\($0)", in: language) }
    }

    private func option(_ text: String, in options: [ChoiceOption]) -> ChoiceOption? {
        if let index = number(text), options.indices.contains(index - 1) { return options[index - 1] }
        return options.first { labelMatches(text, $0.label) || TextNormalizer.normalize($0.value) == text }
    }

    /// "1 4", "1, 4 and 6", "sport, housing": each piece must name an option; order of the options kept.
    private func severalOptions(_ text: String, in options: [ChoiceOption]) -> [String]? {
        if let single = option(text, in: options) { return [single.value] }
        let and = Set(localizer.words("and", in: language))
        for separators in [",;/+&،؛", ",;/+&،؛ "] {
            let pieces = text.split(whereSeparator: { separators.contains($0) })
                .map { TextNormalizer.normalize(String($0)) }.filter { !$0.isEmpty && !and.contains($0) }
                .flatMap { piece -> [String] in
                    // "sport and housing": drop a joining word inside a piece.
                    let words = piece.split(separator: " ").map(String.init)
                    guard words.contains(where: and.contains) else { return [piece] }
                    return words.split(whereSeparator: and.contains).map { $0.joined(separator: " ") }
                }
            guard !pieces.isEmpty else { continue }
            let chosen = pieces.map { option($0, in: options) }
            if chosen.allSatisfy({ $0 != nil }) {
                let values = Set(chosen.compactMap { $0?.value })
                return options.map(\.value).filter(values.contains)
            }
        }
        return nil
    }

    /// A reaction like 2️⃣ on the question picks the second choice.
    public func parseReaction(_ key: String, as type: AnswerType) -> AnswerValue? {
        guard let number = Self.keycapNumber(key), !Self.choiceLabels(for: type).isEmpty else { return nil }
        return parse(String(number), as: type)
    }

    private func labelMatches(_ normalizedReply: String, _ labelKey: String) -> Bool {
        [language, Localizer.baseLanguage].contains { TextNormalizer.normalize(localizer.text(labelKey, in: $0)) == normalizedReply }
    }

    /// The answer as the person reads it back: "Friday 27 November", "14:30", "Yes", a label.
    public func describe(_ value: AnswerValue, as type: AnswerType) -> String {
        let wording = DateWording(language: language, timeZone: timeZone)
        switch value {
        case .date(let day): return wording.day(day) ?? day
        case .time(let time): return wording.time(time) ?? time
        case .dateTime(let local):
            let parts = local.split(separator: "T").map(String.init)
            guard parts.count == 2, let day = wording.day(parts[0]), let time = wording.time(parts[1]) else { return local }
            return localizer.text("dialog.time_format", in: language, ["date": day, "time": time])
        case .yesNo(let flag): return localizer.text(flag ? "answer.yes" : "answer.no", in: language)
        case .choice(let chosen):
            return type.options.first { $0.value == chosen }.map { localizer.text($0.label, in: language) } ?? chosen
        case .choices(let chosen):
            return type.options.filter { chosen.contains($0.value) }.map { localizer.text($0.label, in: language) }
                .joined(separator: ", ")
        case .number(let number):
            if case .scale = type { return "\(number)/4 (\(localizer.text("answer.scale_\(number)", in: language)))" }
            return String(number)
        case .text(let text): return text
        }
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
