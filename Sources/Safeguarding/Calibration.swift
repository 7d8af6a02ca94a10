import Foundation

/// Places the semantic layer's thresholds on the calibration messages (`Dialogs/safety/calibration`):
/// chat-style messages written apart from the examples, by a writer who saw neither the examples
/// nor the phrase lists, and never used as examples. Each is screened as the running bot screens a
/// message (every example is a neighbour, the phrases of the message's language), so the
/// thresholds sit where a new writer's ordinary messages fall, not where the examples' own
/// writers' do. The held-out sets (Tests/SafeguardingTests/TestParts/HeldOut) only ever measure the result.
public struct Calibration: Sendable {
    /// One calibration message: its label and what each layer makes of it.
    public struct Scored: Sendable {
        public let item: LabelledSet.Item
        public let phrase: ScreeningResult?
        public let match: SemanticMatch?
        /// A danger phrase matched (not a short call for help, which asks whatever the doubt).
        var listedPhrase: Bool { phrase.map { !$0.isCall } ?? false }
    }

    public let scored: [Scored]
    /// The same messages joined into longer ones (`LabelledSet.joined()`), where the pieces'
    /// threshold is placed. Only messages not read in pieces themselves are joined: three
    /// longer ones joined would be longer than the pieces read reach.
    public let joined: [Scored]

    /// `sets`: the calibration messages per language; `match`: the semantic layer.
    public init(sets: [(language: String, set: LabelledSet)], phrases: Screener, match: (String) -> SemanticMatch?) {
        func screen(_ set: LabelledSet, _ language: String) -> [Scored] {
            set.items.map { Scored(item: $0, phrase: phrases.screen($0.sentence, language: language), match: match($0.sentence)) }
        }
        scored = sets.flatMap { screen($0.set, $0.language) }
        joined = sets.flatMap { language, set in
            screen(LabelledSet(items: set.items.filter { Length(of: $0.sentence) != .longer }).joined(), language)
        }
    }

    /// The thresholds that catch the most danger while both layers together alert on at most
    /// `alertShare` of the ordinary messages and ask about at most `askShare` more. For each
    /// phrase doubt worth trying (just below the score of a message a phrase catches, never above
    /// zero: a phrase is only doubted on a message the model reads as nearer ordinary talk than any
    /// danger), ordinary messages a phrase alerts on or asks about take their places first and the
    /// semantic thresholds get the rest; of the doubts that then alert on the most danger, the
    /// middle one wins (`middleOfBest`). The pair is placed on the messages of five words up to
    /// those read in pieces, the short messages' pair on the short ones, each at the shares
    /// (`pair(placedOn:doubt:alertShare:askShare:)`; the short ones at `shortAlertShare` when
    /// given). Then the longer messages' (`longerAndPieceAlert(above:alertShare:)`, then
    /// `pieceAsk(above:askShare:)`). Rounded to four decimals.
    public func thresholds(alertShare: Double, askShare: Double, shortAlertShare: Double? = nil) -> SemanticThresholds {
        let short = scored.filter { Length(of: $0.item.sentence) == .short }
        // The pair judges messages of five words up to those read in pieces, whose whole has its
        // own alert (placed with the pieces', below).
        let plain = scored.filter { Length(of: $0.item.sentence) == .plain }
        let doubts = Set(scored.compactMap { !$0.listedPhrase ? nil : $0.match.map { Self.justBelow($0.strongestScore) } })
            .union([0]).filter { $0 <= 0 }.sorted()
        let tried = doubts.compactMap { doubt -> (thresholds: SemanticThresholds, alerts: Int)? in
            guard let pair = Self.pair(placedOn: plain, doubt: doubt, alertShare: alertShare, askShare: askShare) else { return nil }
            // Pieces off while the wholes' thresholds are placed: theirs are placed on top of these.
            let thresholds = SemanticThresholds(everyCategory: pair, phraseDoubt: doubt, pieceAlert: .infinity, pieceAsk: .infinity,
                                                short: Self.pair(placedOn: short, doubt: doubt, alertShare: shortAlertShare ?? alertShare, askShare: askShare) ?? pair,
                                                longerAlert: pair.alert)
            return (thresholds, Self.evaluation(of: short + plain, thresholds: thresholds).alerts)
        }
        guard var thresholds = Self.middleOfBest(tried)?.thresholds else { return SemanticThresholds() }
        (thresholds.longerAlert, thresholds.pieceAlert) = longerAndPieceAlert(above: thresholds, alertShare: alertShare)
        thresholds.pieceAsk = pieceAsk(above: thresholds, askShare: askShare)
        return thresholds
    }

    /// Of the doubts (in rising order) that alert on the most danger, the middle one. Many doubts
    /// in a row catch as much, one message more than their neighbours on either side: a difference
    /// the next messages will not repeat. The ends of that run sit beside doubts that catch less,
    /// so its middle is the one least likely to lose on messages not seen (the lower of two).
    static func middleOfBest<Setting>(_ tried: [(thresholds: Setting, alerts: Int)]) -> (thresholds: Setting, alerts: Int)? {
        guard let most = tried.map(\.alerts).max() else { return nil }
        let best = tried.filter { $0.alerts == most }
        return best[(best.count - 1) / 2]
    }

    /// The ask and alert scores at which both layers together alert on at most `alertShare` of
    /// these ordinary messages and ask about at most `askShare` more: messages a phrase matches
    /// (alerting, or asking where `doubt` doubts it) and short calls for help (asking, unless the
    /// model alerts) take their places first. Nil when there are no ordinary messages, or the
    /// phrases alone alert on more than the share (short messages then keep the longer ones' pair).
    static func pair(placedOn items: [Scored], doubt: Double, alertShare: Double, askShare: Double) -> SemanticThresholds.Pair? {
        let ordinary = items.filter { $0.item.category == nil }
        guard !ordinary.isEmpty else { return nil }
        let alertsAllowed = Int(alertShare * Double(ordinary.count))
        let askedOrAlertedAllowed = alertsAllowed + Int(askShare * Double(ordinary.count))
        var phraseAlerts = 0, fixedAsks = 0
        var alertScores: [Double] = [], askScores: [Double] = []
        for item in ordinary {
            if item.listedPhrase {
                if let phrase = item.phrase, Assessment.doubts(phrase, read: item.match, doubt: doubt) { fixedAsks += 1 } else { phraseAlerts += 1 }
                continue
            }
            let score = item.match?.score ?? -1
            alertScores.append(score)
            // A call is asked about whatever its score: it takes an ask's place, not a score's.
            if item.phrase?.isCall == true { fixedAsks += 1 } else { askScores.append(score) }
        }
        guard phraseAlerts <= alertsAllowed else { return nil }
        let alert = threshold(allowing: alertsAllowed - phraseAlerts, of: alertScores)
        let ask = min(threshold(allowing: askedOrAlertedAllowed - phraseAlerts - fixedAsks, of: askScores), alert)
        return .init(ask: ask, alert: alert)
    }

    /// Just above the score that the first message beyond the `allowed` highest has: that many
    /// reach it.
    private static func threshold(allowing allowed: Int, of scores: [Double]) -> Double {
        guard !scores.isEmpty else { return 1 }
        let sorted = scores.sorted(by: >)
        return justAbove(sorted[min(sorted.count - 1, max(0, allowed))])
    }

    /// Where a piece of a longer message starts to ask: high enough that both layers ask about
    /// at most `askShare` of the longer ordinary messages (`longerPool`; those a doubted phrase
    /// asks about count first); never below the whole's ask, and never above the pieces' alert.
    func pieceAsk(above thresholds: SemanticThresholds, askShare: Double) -> Double {
        let lowestAsk = thresholds.byCategory.values.map(\.ask).min() ?? SemanticThresholds.calibratedPair.ask
        var silent = thresholds
        silent.pieceAsk = .infinity
        let ordinary = longerPool.filter { $0.item.category == nil }
        var fixedAsks = 0
        var pieceScores: [Double] = []
        for item in ordinary {
            let level = Assessment(phrase: item.phrase, semantic: item.match, thresholds: silent).level
            if level == .ask { fixedAsks += 1 }
            if level == .none, let piece = item.match?.piece { pieceScores.append(piece.score) }
        }
        pieceScores.sort(by: >)
        let allowed = max(0, Int(askShare * Double(ordinary.count)) - fixedAsks)
        guard pieceScores.count > allowed else { return lowestAsk }
        return min(thresholds.pieceAlert, max(lowestAsk, Self.justAbove(pieceScores[allowed])))
    }

    /// The longer messages the longer messages' thresholds are placed on: the calibration
    /// messages read in pieces (`*.long.txt`, and the few longer ones of the others) and the
    /// others joined three at a time, in one pool. Each alone would set another standard than
    /// the shorter messages get: most of the long ones borrow danger's words on purpose (on them
    /// alone, 3% held the pieces' alert so high that danger told in passing went unheard), and
    /// the joined ones tell three unrelated things, which rarely read as danger together.
    var longerPool: [Scored] {
        scored.filter { Length(of: $0.item.sentence) == .longer } + joined
    }

    /// Where the whole of a longer message (`longerAlert`) and its pieces (`pieceAlert`) start to
    /// alert, placed together on the longer messages (`longerPool`): of the settings under which
    /// the model alerts on at most `alertShare` of the ordinary ones that no phrase alerts on (a
    /// phrase's false alert is the lists' to mend), the one that alerts on the most danger, both
    /// layers together; of those, the lowest (the most sensitive the share allows), the whole's
    /// first. Neither is ever below a category's alert; when no setting keeps within the share,
    /// the highest tried.
    func longerAndPieceAlert(above thresholds: SemanticThresholds, alertShare: Double) -> (longer: Double, piece: Double) {
        let floor = thresholds.byCategory.values.map(\.alert).max() ?? SemanticThresholds.calibratedPair.alert
        let pool = longerPool
        let ordinary = pool.filter { $0.item.category == nil }
        func candidates(_ scores: [Double]) -> [Double] {
            Set([floor] + scores.filter { $0 >= floor }.map(Self.justAbove)).sorted()
        }
        let wholes = candidates(ordinary.compactMap { $0.match?.score })
        let pieces = candidates(ordinary.compactMap { $0.match?.piece?.score })
        let allowed = Int(alertShare * Double(ordinary.count))
        func trial(_ whole: Double, _ piece: Double) -> SemanticThresholds {
            var trial = thresholds
            (trial.longerAlert, trial.pieceAlert, trial.pieceAsk) = (whole, piece, .infinity)
            return trial
        }
        func withinShare(_ trial: SemanticThresholds) -> Bool {
            ordinary.filter { item in !item.listedPhrase && item.match.map { trial.level(of: $0) == .alert } == true }.count <= allowed
        }
        var best: (alerts: Int, longer: Double, piece: Double)?
        for whole in wholes {
            // Raising either alert only takes alerts away, so for each whole the lowest piece
            // alert within the share catches the most: found by halving, once any can.
            guard withinShare(trial(whole, pieces[pieces.count - 1])) else { continue }
            var low = 0, high = pieces.count - 1
            while low < high {
                let middle = (low + high) / 2
                if withinShare(trial(whole, pieces[middle])) { high = middle } else { low = middle + 1 }
            }
            let alerts = Self.evaluation(of: pool, thresholds: trial(whole, pieces[low])).alerts
            // Rising order: only strictly more danger replaces the lower setting found first.
            if best == nil || alerts > best!.alerts { best = (alerts, whole, pieces[low]) }
        }
        return best.map { ($0.longer, $0.piece) } ?? (wholes[wholes.count - 1], pieces[pieces.count - 1])
    }

    /// A score rounded down to four decimals, plus one: a threshold just above it.
    static func justAbove(_ score: Double) -> Double {
        (score * 10_000).rounded(.down) / 10_000 + 0.0001
    }

    /// A score rounded down to four decimals, less one: a threshold just below it.
    static func justBelow(_ score: Double) -> Double {
        (score * 10_000).rounded(.down) / 10_000 - 0.0001
    }

    /// The calibration messages (or, with `joined`, the joined ones) judged by both layers with
    /// these thresholds, as `mentorbot screen --labelled` would judge them.
    public func evaluation(thresholds: SemanticThresholds, joined: Bool = false) -> LayeredEvaluation.Counts {
        Self.evaluation(of: joined ? self.joined : scored, thresholds: thresholds)
    }

    /// The lengths of message each judged by thresholds of their own.
    public enum Length: String, Sendable, CaseIterable {
        /// At most `SemanticScreener.shortWords` words: the short pair.
        case short
        /// Up to a piece and a half: a category's pair.
        case plain
        /// Read in pieces as well as whole: `longerAlert`, `pieceAlert` and `pieceAsk`.
        case longer

        public init(of text: String) {
            self = SemanticScreener.isShort(text) ? .short : SemanticScreener.isLonger(text) ? .longer : .plain
        }
    }

    /// The messages of one length only.
    public func evaluation(thresholds: SemanticThresholds, length: Length) -> LayeredEvaluation.Counts {
        Self.evaluation(of: scored.filter { Length(of: $0.item.sentence) == length }, thresholds: thresholds)
    }

    private static func evaluation(of items: [Scored], thresholds: SemanticThresholds) -> LayeredEvaluation.Counts {
        var counts = LayeredEvaluation.Counts()
        for item in items {
            let assessment = Assessment(phrase: item.phrase, semantic: item.match, thresholds: thresholds)
            counts.add(LayeredEvaluation.Judged(item: item.item, assessment: assessment,
                                                semanticLevel: item.match.map(thresholds.level(of:)) ?? .none))
        }
        return counts
    }
}
