/// A labelled set measured with both layers: for danger messages, how many each layer catches
/// (alert, or alert-or-ask); for ordinary ones, how many it alerts on and asks about. This is what
/// `mentorbot screen --labelled` prints and what the held-out test checks against the targets.
public struct LayeredEvaluation: Sendable {
    public struct Judged: Sendable {
        public let item: LabelledSet.Item
        public let assessment: Assessment
        /// What the semantic layer alone would have done.
        public let semanticLevel: ConcernLevel
    }

    /// Counts for one slice (a language, a category, or everything).
    public struct Counts: Sendable {
        public init() {}
        public var danger = 0, ordinary = 0
        public var phraseAlerts = 0, semanticAlerts = 0, semanticAsksOrAlerts = 0, alerts = 0, asksOrAlerts = 0
        public var phraseFalseAlerts = 0, semanticFalseAlerts = 0, semanticFalseAsks = 0, falseAlerts = 0, falseAsks = 0

        public mutating func add(_ judged: Judged) {
            let phrase = judged.assessment.phrase.map { !$0.isCall } ?? false
            let level = judged.assessment.level, semantic = judged.semanticLevel
            if judged.item.category != nil {
                danger += 1
                if phrase { phraseAlerts += 1 }
                if semantic == .alert { semanticAlerts += 1 }
                if semantic >= .ask { semanticAsksOrAlerts += 1 }
                if level == .alert { alerts += 1 }
                if level >= .ask { asksOrAlerts += 1 }
            } else {
                ordinary += 1
                if phrase { phraseFalseAlerts += 1 }
                if semantic == .alert { semanticFalseAlerts += 1 }
                if semantic == .ask { semanticFalseAsks += 1 }
                if level == .alert { falseAlerts += 1 }
                if level == .ask { falseAsks += 1 }
            }
        }

        public var alertRecall: Double { ratio(alerts, danger) }
        public var alertOrAskRecall: Double { ratio(asksOrAlerts, danger) }
        public var falseAlertRate: Double { ratio(falseAlerts, ordinary) }
        public var falseAskRate: Double { ratio(falseAsks, ordinary) }

        private func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

        /// One line: each layer and the two combined.
        public var summary: String {
            func percent(_ part: Int, _ whole: Int) -> String {
                whole == 0 ? "-" : "\(part)/\(whole) (\(String(format: "%.0f", Double(part) * 100 / Double(whole)))%)"
            }
            var parts = ["danger \(danger): phrases alert \(percent(phraseAlerts, danger)), semantic alert \(percent(semanticAlerts, danger))"
                + " alert-or-ask \(percent(semanticAsksOrAlerts, danger)); combined alert \(percent(alerts, danger)), alert-or-ask \(percent(asksOrAlerts, danger))"]
            if ordinary > 0 {
                parts.append("ordinary \(ordinary): phrases false alert \(percent(phraseFalseAlerts, ordinary)), semantic alert \(percent(semanticFalseAlerts, ordinary))"
                    + " ask \(percent(semanticFalseAsks, ordinary)); combined false alert \(percent(falseAlerts, ordinary)), ask \(percent(falseAsks, ordinary))")
            }
            return parts.joined(separator: " | ")
        }
    }

    public let judged: [Judged]

    /// `semantic` is the semantic layer's match for a sentence (nil when it has none or is off).
    public init(set: LabelledSet, phrases: Screener, language: String, thresholds: SemanticThresholds,
                semantic: (String) -> SemanticMatch?) {
        judged = set.items.map { item in
            let match = semantic(item.sentence)
            let assessment = phrases.assess(item.sentence, language: language, semantic: match, thresholds: thresholds)
            return Judged(item: item, assessment: assessment, semanticLevel: match.map(thresholds.level(of:)) ?? .none)
        }
    }

    public var total: Counts { judged.reduce(into: Counts()) { $0.add($1) } }

    /// Danger messages by their labelled category (ordinary ones are not in any).
    public var byCategory: [(DangerCategory, Counts)] {
        DangerCategory.screened.compactMap { category in
            let counts = judged.filter { $0.item.category == category }.reduce(into: Counts()) { $0.add($1) }
            return counts.danger == 0 ? nil : (category, counts)
        }
    }
}
