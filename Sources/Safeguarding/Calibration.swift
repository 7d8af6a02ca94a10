import Foundation

/// Places the semantic layer's thresholds on the calibration messages (`Dialogs/safety/calibration`):
/// chat-style messages written apart from the examples, by a writer who saw neither the examples
/// nor the phrase lists, and never used as examples. Each is screened as the running bot screens a
/// message (every example is a neighbour), so the thresholds sit where a new writer's ordinary
/// messages fall, not where the examples' own writers' do. The held-out sets
/// (Tests/SafeguardingTests/HeldOut) only ever measure the result.
public struct Calibration: Sendable {
    /// One calibration message: its label, its language and what the semantic layer makes of it.
    public struct Scored: Sendable {
        public let item: LabelledSet.Item
        public let language: String
        public let match: SemanticMatch?
    }

    public let scored: [Scored]

    /// `sets`: the calibration messages per language; `match`: the semantic layer.
    public init(sets: [(language: String, set: LabelledSet)], match: (String) -> SemanticMatch?) {
        scored = sets.flatMap { language, set in
            set.items.map { Scored(item: $0, language: language, match: match($0.sentence)) }
        }
    }

    /// Thresholds with which both layers together alert on at most `alertShare` of the ordinary
    /// messages and ask about or alert on at most `askShare`: ordinary messages a phrase already
    /// alerts on (or asks about) take their places first, the semantic thresholds get the rest.
    /// Rounded to four decimals.
    public func thresholds(alertShare: Double, askShare: Double, phrases: Screener) -> SemanticThresholds {
        let doubt = phraseDoubt(phrases: phrases) ?? SemanticThresholds.calibratedPhraseDoubt
        var phraseAlerts = 0, phraseAsks = 0
        var semanticOnly: [Double] = []
        for item in scored where item.item.category == nil {
            let score = item.match?.score ?? -1
            if phrases.screen(item.item.sentence, language: item.language) != nil {
                if item.match.map({ $0.score < doubt }) == true { phraseAsks += 1 } else { phraseAlerts += 1 }
            } else {
                semanticOnly.append(score)
            }
        }
        semanticOnly.sort(by: >)
        let ordinary = semanticOnly.count + phraseAlerts + phraseAsks
        func threshold(allowing allowed: Int) -> Double {
            guard !semanticOnly.isEmpty else { return 1 }
            let position = min(semanticOnly.count - 1, max(0, allowed))
            // Just above the first score that must not reach it.
            return (semanticOnly[position] * 10_000).rounded(.down) / 10_000 + 0.0001
        }
        let alert = threshold(allowing: Int(alertShare * Double(ordinary)) - phraseAlerts)
        let ask = min(threshold(allowing: Int(askShare * Double(ordinary)) - phraseAlerts - phraseAsks), alert)
        return SemanticThresholds(everyCategory: .init(ask: ask, alert: alert), phraseDoubt: doubt)
    }

    /// Just below the lowest score of any danger message the phrase lists catch: a phrase match
    /// that reads less like danger than that is not how danger reads, and is asked about instead
    /// ("this heat is killing me"); no danger message of the calibration set is held back.
    func phraseDoubt(phrases: Screener) -> Double? {
        let scores = scored.compactMap { item -> Double? in
            guard item.item.category != nil, phrases.screen(item.item.sentence, language: item.language) != nil else { return nil }
            return item.match?.score
        }
        return scores.min().map { ($0 * 10_000).rounded(.down) / 10_000 - 0.0001 }
    }

    /// The calibration messages judged by both layers with these thresholds, as
    /// `mentorbot screen --labelled` would judge them (the phrases in the message's own language).
    public func evaluation(thresholds: SemanticThresholds, phrases: Screener) -> LayeredEvaluation.Counts {
        var counts = LayeredEvaluation.Counts()
        for item in scored {
            let assessment = Assessment(phrase: phrases.screen(item.item.sentence, language: item.language), semantic: item.match,
                                        thresholds: thresholds)
            counts.add(LayeredEvaluation.Judged(item: item.item, assessment: assessment,
                                                semanticLevel: item.match.map(thresholds.level(of:)) ?? .none))
        }
        return counts
    }
}
