import Foundation

/// Sentences labelled by hand ("threat | They said they will kill me"; "ok | ..." for ordinary
/// ones), to measure a phrase list: how many danger statements it catches, and how many ordinary
/// sentences it would raise an alarm for.
public struct LabelledSet: Sendable {
    public struct Item: Sendable {
        /// A danger category, or nil for an ordinary sentence.
        public let category: DangerCategory?
        public let sentence: String
        public let line: Int
    }

    public struct Problem: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public let items: [Item]

    init(items: [Item]) {
        self.items = items
    }

    /// Longer messages made of these, as people write when they tell several things at once:
    /// each danger message between two ordinary ones (the 2i-th and (2i+1)-th, counting round),
    /// and the ordinary ones three at a time. A fixed pairing, so that figures repeat; each keeps
    /// the line of the message it is about (the danger one, or the first of three). Empty when
    /// there is no ordinary message to join.
    public func joined() -> LabelledSet {
        let ordinary = items.filter { $0.category == nil }
        guard !ordinary.isEmpty else { return LabelledSet(items: []) }
        func join(_ parts: [Item]) -> String { parts.map(\.sentence).joined(separator: " ") }
        let danger = items.filter { $0.category != nil }.enumerated().map { position, item in
            Item(category: item.category, sentence: join([ordinary[(2 * position) % ordinary.count], item, ordinary[(2 * position + 1) % ordinary.count]]),
                 line: item.line)
        }
        let threes = stride(from: 0, to: ordinary.count - 2, by: 3).map { start in
            Item(category: nil, sentence: join(Array(ordinary[start..<start + 3])), line: ordinary[start].line)
        }
        return LabelledSet(items: danger + threes)
    }

    public init(text: String) throws {
        var items: [Item] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            guard let bar = line.firstIndex(of: "|") else {
                throw Problem(line: index + 1, message: "write \"category | sentence\" (or \"ok | sentence\")")
            }
            let label = line[..<bar].trimmingCharacters(in: .whitespaces)
            let sentence = line[line.index(after: bar)...].trimmingCharacters(in: .whitespaces)
            guard label == "ok" || DangerCategory(rawValue: label) != nil else {
                throw Problem(line: index + 1, message: "unknown label \"\(label)\" (ok or one of: \(DangerCategory.screened.map(\.rawValue).joined(separator: ", ")))")
            }
            items.append(Item(category: DangerCategory(rawValue: label), sentence: sentence, line: index + 1))
        }
        self.items = items
    }

    public struct Evaluation: Sendable {
        public let dangerCount: Int
        public let ordinaryCount: Int
        /// Danger sentences nothing caught: each one is a danger a coordinator would not hear of.
        public let missed: [Item]
        /// Caught, but under another category than the label.
        public let otherCategory: [(Item, ScreeningResult)]
        public let falseAlarms: [(Item, ScreeningResult)]

        public var recall: Double { Double(dangerCount - missed.count) / Double(max(dangerCount, 1)) }
        public var falseAlarmRate: Double { Double(falseAlarms.count) / Double(max(ordinaryCount, 1)) }

        public var summary: String {
            String(format: "recall %.1f%% (%d of %d danger sentences; %d under another category), false alarms %.1f%% (%d of %d ordinary sentences)",
                   recall * 100, dangerCount - missed.count, dangerCount, otherCategory.count,
                   falseAlarmRate * 100, falseAlarms.count, ordinaryCount)
        }
    }

    /// The phrase lists' alerts alone (a short call for help only asks, so it is no catch here).
    public func evaluate(with screener: Screener, language: String) -> Evaluation {
        var missed: [Item] = [], other: [(Item, ScreeningResult)] = [], alarms: [(Item, ScreeningResult)] = []
        for item in items {
            let result = screener.screen(item.sentence, language: language).flatMap { $0.isCall ? nil : $0 }
            switch (item.category, result) {
            case (nil, let result?): alarms.append((item, result))
            case (_?, nil): missed.append(item)
            case (let expected?, let result?) where result.category != expected: other.append((item, result))
            default: break
            }
        }
        return Evaluation(dangerCount: items.filter { $0.category != nil }.count, ordinaryCount: items.filter { $0.category == nil }.count,
                          missed: missed, otherCategory: other, falseAlarms: alarms)
    }
}

extension LabelledSet.Problem {
    /// The file at `path` parsed by `parse`; a problem names the file, and the line `parse` gave.
    static func parsing<T>(fileAt path: String, _ parse: (String) throws -> T) throws -> T {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LabelledSet.Problem(line: 0, message: "\(path): cannot be read")
        }
        do {
            return try parse(text)
        } catch let problem as LabelledSet.Problem {
            throw LabelledSet.Problem(line: problem.line, message: "\(path):\(problem.line): \(problem.message)")
        }
    }
}
