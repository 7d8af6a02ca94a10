import Foundation

/// Places the semantic layer's thresholds from the tuning examples alone, never from the held-out
/// sets: every chat-style example (`*.chat.txt`, `*.more.txt`: written as people write) is scored
/// against the examples of all the *other* files, as if a new writer had sent it, and the
/// thresholds go where a chosen share of the ordinary examples would alert and be asked about.
/// The explicit sets (`*.explicit.txt`) only ever serve as neighbours: plain statements are easy,
/// and counting them would make the layer look better than it is on chat.
public struct Calibration: Sendable {
    /// One scored example: its label and the semantic match it gets from the other files.
    public struct Scored: Sendable {
        public let example: SemanticIndex.Example
        public let match: SemanticMatch?
    }

    public let scored: [Scored]

    /// The file an example comes from ("fr.chat.txt" of "fr.chat.txt:12").
    static func file(of example: SemanticIndex.Example) -> Substring {
        example.reference.split(separator: ":").first ?? Substring(example.reference)
    }

    static func isHeldAside(_ file: Substring) -> Bool { !file.contains(".explicit.") }

    public init(index: SemanticIndex) {
        let files = index.examples.map(Self.file(of:))
        scored = index.examples.indices.compactMap { position in
            let example = index.examples[position]
            guard Self.isHeldAside(files[position]) else { return nil }
            guard SemanticScreener.isLongEnough(example.text) else { return Scored(example: example, match: nil) }
            let own = files[position]
            let neighbourhood = index.neighbourhood(of: index.vector(ofExample: position), k: SemanticScreener.neighbours,
                                                    skipping: { files[$0] == own })
            return Scored(example: example, match: SemanticScreener.strongestDanger(in: neighbourhood, index: index))
        }
    }

    /// The thresholds at which at most `alertShare` of the ordinary examples alert and at most
    /// `askShare` are asked about or alert, rounded up to four decimals.
    public func pair(alertShare: Double, askShare: Double) -> SemanticThresholds.Pair {
        let ordinary = scored.filter { $0.example.category == nil }.map { $0.match?.score ?? -1 }.sorted(by: >)
        func threshold(_ share: Double) -> Double {
            guard !ordinary.isEmpty else { return 1 }
            let allowed = min(ordinary.count - 1, Int(share * Double(ordinary.count)))
            // Just above the first ordinary score that must not reach it.
            return (ordinary[allowed] * 10_000).rounded(.down) / 10_000 + 0.0001
        }
        let alert = threshold(alertShare)
        return SemanticThresholds.Pair(ask: min(threshold(askShare), alert), alert: alert)
    }

    /// The held-aside examples judged by both layers with these thresholds, as
    /// `mentorbot screen --labelled` would judge them (the phrases in the example's own language).
    public func evaluation(thresholds: SemanticThresholds, phrases: Screener) -> LayeredEvaluation.Counts {
        var counts = LayeredEvaluation.Counts()
        for item in scored {
            let language = String(Self.file(of: item.example).prefix(while: { $0 != "." }))
            let assessment = Assessment(phrase: phrases.screen(item.example.text, language: language), semantic: item.match,
                                        thresholds: thresholds)
            let labelled = LabelledSet.Item(category: item.example.category, sentence: item.example.text, line: 0)
            counts.add(LayeredEvaluation.Judged(item: labelled, assessment: assessment,
                                                semanticLevel: item.match.map(thresholds.level(of:)) ?? .none))
        }
        return counts
    }
}
