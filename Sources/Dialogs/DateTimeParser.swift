import Foundation

/// Understands the days and times people commonly type, in their own language: "tomorrow",
/// "vendredi", "27/11", "27.11.2026", "27 nov", "14:30", "14h30", "2pm", "kl 14", "friday 14:30".
/// Words come from the person's catalog (plus English); numbers in any script are already folded
/// to ASCII by `TextNormalizer`. Everything is relative to `now` in the person's time zone.
struct DateTimeParser {
    let words: (String) -> [String]
    let now: Date
    let calendar: Calendar

    init(words: @escaping (String) -> [String], now: Date, timeZone: TimeZone) {
        self.words = words
        self.now = now
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    enum Outcome: Equatable {
        case value(AnswerValue)
        case outOfRange
        case notUnderstood
    }

    // MARK: - Days

    func date(_ text: String, range: DateRange) -> Outcome {
        guard let day = day(tokens(text), range: range) else { return .notUnderstood }
        guard fits(day, range) else { return .outOfRange }
        return .value(.date(Self.isoDay(day)))
    }

    func time(_ text: String) -> Outcome {
        guard let (hour, minute) = clock(tokens(text)) else { return .notUnderstood }
        return .value(.time(String(format: "%02d:%02d", hour, minute)))
    }

    /// A day and a time in either order: "friday 14:30", "14:30 friday", "27/11 at 10".
    func dateTime(_ text: String, range: DateRange) -> Outcome {
        let all = tokens(text).filter { !isWord($0, "at") }
        guard all.count >= 2 else { return .notUnderstood }
        var outOfRange = false
        for split in 1..<all.count {
            for (dayPart, timePart) in [(all[..<split], all[split...]), (all[split...], all[..<split])] {
                guard let day = day(Array(dayPart), range: range), let (hour, minute) = clock(Array(timePart)) else { continue }
                var local = day
                local.hour = hour
                local.minute = minute
                guard let instant = calendar.date(from: local) else { continue }
                if range == .future && instant < now || range == .past && instant > now {
                    outOfRange = true
                    continue
                }
                return .value(.dateTime(Self.isoDay(day) + String(format: "T%02d:%02d", hour, minute)))
            }
        }
        return outOfRange ? .outOfRange : .notUnderstood
    }

    private func tokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "،" }).map(String.init)
    }

    private func isWord(_ text: String, _ meaning: String) -> Bool { words(meaning).contains(text) }

    /// The index (1-based) of the first meaning in `prefix.1...prefix.count` that lists `text`.
    private func numbered(_ prefix: String, _ count: Int, _ text: String) -> Int? {
        (1...count).first { isWord(text, "\(prefix).\($0)") }
    }

    private var today: DateComponents { calendar.dateComponents([.year, .month, .day], from: now) }

    private func day(_ tokens: [String], range: DateRange) -> DateComponents? {
        guard !tokens.isEmpty else { return nil }
        let phrase = tokens.joined(separator: " ")
        for (meaning, offset) in [("today", 0), ("tomorrow", 1), ("yesterday", -1)] where isWord(phrase, meaning) {
            return shifted(by: offset)
        }
        if let weekday = numbered("weekday", 7, phrase) { return next(weekday: weekday, range: range) }
        // "friday 27/11": the weekday is only a help for the reader; the date decides.
        var rest = tokens
        if rest.count > 1, numbered("weekday", 7, rest[0]) != nil { rest.removeFirst() }
        if rest.count == 1, let numeric = numericDay(rest[0], range: range) { return numeric }
        if let named = namedMonthDay(rest, range: range) { return named }
        // "27 de noviembre", "il 27/11", "le 3": short linking words carry no date of their own.
        let linked = rest.filter { !isLinkingWord($0) }
        return linked.count < rest.count && !linked.isEmpty ? day(linked, range: range) : nil
    }

    /// A word of one to three letters that is not a month, a weekday or a number ("de", "il", "the").
    private func isLinkingWord(_ token: String) -> Bool {
        (1...3).contains(token.count) && token.allSatisfy(\.isLetter) && numbered("month", 12, token) == nil
            && numbered("weekday", 7, token) == nil && numbered("number", 10, token) == nil
    }

    private func shifted(by days: Int) -> DateComponents? {
        guard let start = calendar.date(from: today), let day = calendar.date(byAdding: .day, value: days, to: start)
        else { return nil }
        return calendar.dateComponents([.year, .month, .day], from: day)
    }

    /// "friday": the coming one when planning (a week ahead if it is today), the last one when logging.
    private func next(weekday: Int, range: DateRange) -> DateComponents? {
        // Calendar weekdays count from Sunday = 1; the catalogs count from Monday = 1 (ISO).
        let target = weekday % 7 + 1
        let current = calendar.component(.weekday, from: now)
        let ahead = (target - current + 7) % 7
        switch range {
        case .future: return shifted(by: ahead == 0 ? 7 : ahead)
        case .any: return shifted(by: ahead)
        case .past: return shifted(by: -((current - target + 7) % 7))
        }
    }

    /// 27/11, 27.11., 27-11-2026, 27/11/26, 2026-11-27.
    private func numericDay(_ token: String, range: DateRange) -> DateComponents? {
        let parts = token.split(whereSeparator: { "/.-".contains($0) }).map(String.init)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
              let numbers = Optional(parts.compactMap { Int($0) }), numbers.count == parts.count else { return nil }
        if parts[0].count == 4 {
            guard numbers.count == 3 else { return nil }
            return valid(year: numbers[0], month: numbers[1], day: numbers[2])
        }
        guard parts[0].count <= 2, parts[1].count <= 2 else { return nil }
        if numbers.count == 3 {
            let year = parts[2].count == 2 ? 2000 + numbers[2] : numbers[2]
            return valid(year: year, month: numbers[1], day: numbers[0])
        }
        return inferYear(month: numbers[1], day: numbers[0], range: range)
    }

    /// "27 november", "27th nov 2026", "november 27", "1er décembre".
    private func namedMonthDay(_ tokens: [String], range: DateRange) -> DateComponents? {
        guard (2...3).contains(tokens.count) else { return nil }
        func dayNumber(_ token: String) -> Int? {
            let digits = token.prefix { $0.isASCII && $0.isNumber }
            guard (1...2).contains(digits.count), token.dropFirst(digits.count).count <= 3 else { return nil }
            return Int(digits)
        }
        let year = tokens.count == 3 ? Int(tokens[2]).flatMap { $0 < 100 ? 2000 + $0 : $0 } : nil
        if tokens.count == 3 && year == nil { return nil }
        if let day = dayNumber(tokens[0]), let month = numbered("month", 12, tokens[1]) {
            return year.map { valid(year: $0, month: month, day: day) } ?? inferYear(month: month, day: day, range: range)
        }
        if let month = numbered("month", 12, tokens[0]), let day = dayNumber(tokens[1]) {
            return year.map { valid(year: $0, month: month, day: day) } ?? inferYear(month: month, day: day, range: range)
        }
        return nil
    }

    /// Without a year, the nearest such day on the right side of today.
    private func inferYear(month: Int, day: Int, range: DateRange) -> DateComponents? {
        let year = today.year ?? 2000
        guard let thisYear = valid(year: year, month: month, day: day) else {
            return valid(year: year + 1, month: month, day: day)  // 29 February
        }
        switch range {
        case .future where !fits(thisYear, .future): return valid(year: year + 1, month: month, day: day)
        case .past where !fits(thisYear, .past): return valid(year: year - 1, month: month, day: day)
        default: return thisYear
        }
    }

    private func valid(year: Int, month: Int, day: Int) -> DateComponents? {
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        return back.year == year && back.month == month && back.day == day ? components : nil
    }

    private func fits(_ day: DateComponents, _ range: DateRange) -> Bool {
        guard let date = calendar.date(from: day), let start = calendar.date(from: today) else { return false }
        switch range {
        case .any: return true
        case .future: return date >= start
        case .past: return date <= start
        }
    }

    static func isoDay(_ day: DateComponents) -> String {
        String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
    }

    // MARK: - Times

    /// "14:30", "14.30", "14h30", "14h", "14 uhr", "kl 14", "2pm", "2:30 pm", "9".
    private func clock(_ tokens: [String]) -> (Int, Int)? {
        var phrase = tokens.filter { !isWord($0, "hour") && !isWord($0, "at") }.joined(separator: " ")
        var half: String?
        // Longest words first, so that "after noon" is not read as "noon" with "after" left over.
        let halves = ["am", "pm"].flatMap { meaning in words(meaning).map { (meaning, $0) } }.sorted { $0.1.count > $1.1.count }
        for (meaning, word) in halves where !word.isEmpty {
            if phrase.hasSuffix(" " + word) || (!word.contains(" ") && phrase.hasSuffix(word) && phrase.count > word.count
                && phrase.dropLast(word.count).last?.isNumber == true) {
                phrase = String(phrase.dropLast(word.count)).trimmingCharacters(in: .whitespaces)
                half = meaning
                break
            }
        }
        // A trailing hour word written onto the number: "14h", "14uhr".
        for word in words("hour") where !word.contains(" ") && phrase.hasSuffix(word) && phrase.count > word.count {
            let stem = phrase.dropLast(word.count)
            if stem.last?.isNumber == true { phrase = String(stem) }
        }
        let pieces = phrase.split(whereSeparator: { ":.h".contains($0) }).map(String.init)
        guard (1...2).contains(pieces.count), pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              pieces[0].count <= 2, pieces.count == 1 || pieces[1].count == 2,
              var hour = Int(pieces[0]), let minute = pieces.count == 2 ? Int(pieces[1]) : 0,
              phrase.allSatisfy({ $0.isASCII && ($0.isNumber || ":.h".contains($0)) }) else { return nil }
        if let half {
            guard (1...12).contains(hour) else { return nil }
            if half == "pm" && hour < 12 { hour += 12 }
            if half == "am" && hour == 12 { hour = 0 }
        }
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        return (hour, minute)
    }
}

/// Writes days and times back to a person in their language and time zone, e.g. "Friday 27
/// November" or "vendredi 27 novembre", always on the Gregorian calendar the programme uses.
public struct DateWording: Sendable {
    public let language: String
    public let timeZone: TimeZone

    public init(language: String, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
    }

    /// European conventions where a language is spoken in several places (24-hour clock, day first).
    static let locales = ["en": "en_GB", "pt": "pt_PT", "es": "es_ES", "fr": "fr_FR", "nl": "nl_BE", "de": "de_DE",
                          "it": "it_IT", "sv": "sv_SE", "el": "el_GR", "sq": "sq_AL", "ar": "ar", "fa": "fa_IR"]

    private func format(_ date: Date, _ template: String) -> String {
        Self.formatters.string(from: date, template: template, language: language, timeZone: timeZone)
    }

    /// Building a formatter runs ICU's pattern generator, far costlier than formatting: one per
    /// language, time zone and template is kept. Formatting happens under the lock as well, so
    /// the shared formatters are safe from any thread.
    private static let formatters = FormatterCache()

    private final class FormatterCache: @unchecked Sendable {
        private let lock = NSLock()
        private var formatters: [String: DateFormatter] = [:]

        func string(from date: Date, template: String, language: String, timeZone: TimeZone) -> String {
            lock.lock()
            defer { lock.unlock() }
            let key = "\(language)|\(timeZone.identifier)|\(template)"
            if let formatter = formatters[key] { return formatter.string(from: date) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: DateWording.locales[language] ?? language)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            formatter.calendar = calendar
            formatter.timeZone = timeZone
            formatter.setLocalizedDateFormatFromTemplate(template)
            formatters[key] = formatter
            return formatter.string(from: date)
        }
    }

    private var gregorian: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// "Friday 27 November" from "2026-11-27".
    public func day(_ iso: String) -> String? {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = gregorian.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))
        else { return nil }
        return format(date, "EEEEdMMMM")
    }

    /// "14:30" from "14:30", with the language's digits.
    public func time(_ hhmm: String) -> String? {
        let parts = hhmm.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, let date = gregorian.date(from: DateComponents(year: 2026, month: 1, day: 1, hour: parts[0], minute: parts[1]))
        else { return nil }
        return format(date, "HHmm")
    }

    /// "January 2027": the month an instant falls in, in this time zone.
    public func month(of instant: Date) -> String { format(instant, "LLLLy") }

    /// The month's short name alone ("Nov"), for the axis of a chart.
    public func shortMonth(of instant: Date) -> String { format(instant, "LLL") }

    /// The day and the time of an instant, in this time zone.
    public func dayAndTime(of instant: Date) -> (day: String, time: String) {
        (format(instant, "EEEEdMMMM"), format(instant, "HHmm"))
    }
}
