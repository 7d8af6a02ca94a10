/// The semantic layer measured as a new writer meets it: each writing round of the examples held
/// out in turn and its messages scored against an index of all the other rounds' examples.
///
/// A round is the files that share a name after their language ("chat13" of `ar.chat13.txt` and
/// `fa.chat13.txt`), written together by writers who saw none of the others. Leaving out one
/// example at a time (as `mentorbot screen --labelled` does on an example file) keeps the same
/// writer's other lines as neighbours, which flatters any change; leaving out the whole round does
/// not. This is the yardstick for a change of method (a scoring rule, a reading, a number of
/// neighbours) before the test parts are looked at: it needs no new messages and tunes nothing.
///
/// Only the semantic layer is measured, on each message as typed and in its own script (the rows
/// an example has in the index), with one threshold for all languages placed where a given share
/// of the held-out ordinary messages score above it.
public struct RoundHoldout: Sendable {
    /// One held-out message: the best score of its rows.
    public struct Scored: Sendable, Equatable {
        public let language: String
        public let round: String
        public let isDanger: Bool
        public let score: Double
        /// Of at most `SemanticScreener.shortWords` words as written: judged by the short ones' threshold.
        public let isShort: Bool
        /// Typed in Latin letters and also kept in its own script (Arabizi, Greeklish, Finglish).
        public var isTypedInLatin = false
    }

    /// Danger messages caught and ordinary messages above the threshold, for one slice.
    public struct Counts: Sendable, Equatable {
        public var caught = 0, danger = 0, falseAlerts = 0, ordinary = 0
    }

    public struct Report: Sendable {
        /// The score that at most the share of ordinary messages exceed.
        public let threshold: Double
        public let all: Counts
        /// Per language, and per language for its messages typed in Latin letters alone
        /// ("ar typed in Latin letters"), where the rewriting into its own script is what is measured.
        public let byLanguage: [String: Counts]
        public let byRound: [String: Counts]
    }

    public let scored: [Scored]
    public let rounds: [String]

    /// `vectors`: the examples' embeddings as the model gives them, row by row.
    public init(examples: [SemanticIndex.Example], vectors: [Float], dimension: Int,
                languageShare: Float = SemanticIndex.languageShare, boundaryWeight: Float = SemanticIndex.boundaryWeight,
                characterWeight: Float = SemanticIndex.characterWeight) {
        precondition(vectors.count == examples.count * dimension, "one vector per example")
        let roundOfExample = examples.map { Self.round(ofReference: $0.reference) }
        rounds = Array(Set(roundOfExample)).sorted()
        var scored: [Scored] = []
        for round in rounds {
            let kept = examples.indices.filter { roundOfExample[$0] != round }
            let held = examples.indices.filter { roundOfExample[$0] == round }
            func row(_ position: Int) -> ArraySlice<Float> {
                vectors[(position * dimension)..<((position + 1) * dimension)]
            }
            let index = SemanticIndex(examples: kept.map { examples[$0] }, vectors: kept.flatMap(row), dimension: dimension,
                                      languageShare: languageShare, boundaryWeight: boundaryWeight, characterWeight: characterWeight)
            // Short messages and longer ones are judged by as many neighbours as the bot judges them by.
            var neighbourhoods = [SemanticIndex.Neighbourhood](repeating: .init(), count: held.count)
            let kOfHeld = held.map { SemanticScreener.neighbours(forWords: SemanticScreener.wordCount(examples[$0].source)) }
            for k in Set(kOfHeld) {
                let positions = held.indices.filter { kOfHeld[$0] == k }
                for (position, found) in zip(positions, index.neighbourhoods(of: positions.map { (Array(row(held[$0])), nil) }, k: k)) {
                    neighbourhoods[position] = found
                }
            }
            // A message and its copy in its own script share their file and source: one message,
            // scored by its stronger reading, as the bot reads it.
            var messages: [String: Scored] = [:], order: [String] = [], typedInLatin: Set<String> = []
            for (position, neighbourhood) in zip(held, neighbourhoods) {
                let example = examples[position]
                let file = String(example.reference.prefix(while: { $0 != ":" }))
                let key = file + "\u{0}" + example.source
                let score = SemanticScreener.strongestDanger(in: neighbourhood, of: example.text, index: index)?.score ?? -.infinity
                // A copy in its own script ("... in Arabic script") means the message was typed in Latin letters.
                if example.reference.hasSuffix(" script") { typedInLatin.insert(key) }
                if let known = messages[key], known.score >= score { continue }
                if messages[key] == nil { order.append(key) }
                messages[key] = Scored(language: SemanticIndex.language(ofReference: example.reference), round: round,
                                       isDanger: example.category != nil, score: score,
                                       isShort: SemanticScreener.isShort(example.source))
            }
            scored += order.map { key in
                var message = messages[key]!
                message.isTypedInLatin = typedInLatin.contains(key)
                return message
            }
        }
        self.scored = scored
    }

    /// "chat13" of "ar.chat13.txt:12" (and of "ar.chat13.txt:12 in Arabic script").
    static func round(ofReference reference: String) -> String {
        let file = reference.prefix(while: { $0 != ":" })
        let name = file.hasSuffix(".txt") ? file.dropLast(4) : file[...]
        guard let dot = name.firstIndex(of: ".") else { return String(name) }
        return String(name[name.index(after: dot)...])
    }

    /// What a threshold catches when it lets at most `ordinaryShare` of the ordinary messages
    /// score above it: of all messages, or with `short` of the short ones or the longer ones
    /// alone, each at a threshold of its own as the bot places them.
    public func report(ordinaryShare: Double, short: Bool? = nil) -> Report {
        let scored = short.map { short in self.scored.filter { $0.isShort == short } } ?? self.scored
        let ordinary = scored.filter { !$0.isDanger }.map(\.score).sorted(by: >)
        let allowed = Int(ordinaryShare * Double(ordinary.count))
        let threshold = allowed < ordinary.count ? ordinary[allowed] : -.infinity
        var all = Counts(), byLanguage: [String: Counts] = [:], byRound: [String: Counts] = [:]
        for message in scored {
            let above = message.score > threshold
            Self.add(message, above, to: &all)
            Self.add(message, above, to: &byLanguage[message.language, default: Counts()])
            if message.isTypedInLatin {
                Self.add(message, above, to: &byLanguage[message.language + " typed in Latin letters", default: Counts()])
            }
            Self.add(message, above, to: &byRound[message.round, default: Counts()])
        }
        return Report(threshold: threshold, all: all, byLanguage: byLanguage, byRound: byRound)
    }

    private static func add(_ message: Scored, _ above: Bool, to counts: inout Counts) {
        if message.isDanger {
            counts.danger += 1
            if above { counts.caught += 1 }
        } else {
            counts.ordinary += 1
            if above { counts.falseAlerts += 1 }
        }
    }
}
