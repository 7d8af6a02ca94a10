/// How sure screening is that a message tells of danger, and so what the bot does.
public enum ConcernLevel: String, Sendable, Codable, Comparable {
    /// Nothing to act on.
    case none
    /// Maybe: the person is asked, privately and gently, whether everything is all right, and
    /// the coordinators' inbox gets a low-priority worry note (no one is paged).
    case ask
    /// Yes: an incident is raised at once, the coordinators are paged.
    case alert

    private var rank: Int { self == .none ? 0 : self == .ask ? 1 : 2 }
    public static func < (lhs: ConcernLevel, rhs: ConcernLevel) -> Bool { lhs.rank < rhs.rank }
}

/// Where the semantic layer's score turns into asking and into alerting, per category
/// (`programme.safety.semantic` in the configuration). The defaults come from
/// `mentorbot screen --calibrate`, which screens the calibration messages
/// (Dialogs/safety/calibration: written apart from the examples, never used as examples) and puts
/// the thresholds where both layers together alert on 3% of their ordinary messages and ask about
/// 10% more (the targets). They are measured on held-out messages (Tests/SafeguardingTests/TestParts/HeldOut).
public struct SemanticThresholds: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public var ask: Double
        public var alert: Double
        public init(ask: Double, alert: Double) {
            self.ask = ask
            self.alert = alert
        }
    }

    public var byCategory: [DangerCategory: Pair]
    /// A phrase match on a message the model reads as ordinary talk by more than this margin (a
    /// score below it) asks instead of alerting: "this heat is killing me" matches a threat phrase,
    /// and reads like the ordinary examples. Placed by calibration where the most danger alerts
    /// within the shares of ordinary messages allowed to alert and be asked about (a phrase that
    /// alerts on a joke spends an alert the semantic layer could use on real danger); never above
    /// zero. The person is still asked, and the coordinators get a worry note.
    public var phraseDoubt: Double
    /// A piece of a longer message scoring this or more alerts, whatever the whole reads as.
    /// Placed by calibration together with `longerAlert` (`Calibration.longerAndPieceAlert`), on
    /// the longer calibration messages and the others joined three at a time
    /// (`Calibration.longerPool`); never below a category's alert.
    public var pieceAlert: Double
    /// A longer message (one read in pieces) is asked about when a piece scores this or more and
    /// nothing alerts; its whole only alerts, never asks. On the calibration messages joined three
    /// at a time, the whole of a story of several topics read between ordinary talk and danger
    /// alike (asking on it questioned a third of the ordinary ones), while its strongest piece
    /// told them apart: asking on the piece caught more danger with a third of the questions.
    /// Placed by calibration where the longer and joined ordinary calibration messages
    /// (`Calibration.longerPool`) are asked about at most the allowed share; never below a
    /// category's ask.
    public var pieceAsk: Double
    /// A message of at most four words (`SemanticScreener.shortWords`) is asked about and alerts
    /// from these scores, whatever its category. Placed by calibration on the short calibration
    /// messages alone: ordinary short messages that share a word with danger ("thanks for the
    /// help", "not scared anymore") come nearer danger than longer ones, so the longer messages'
    /// pair alerted on too many of them. Their alert is placed at 6% of the short ordinary ones
    /// (`mentorbot screen --short-alert-share`), not 3%: two thirds of those borrow danger's words
    /// on purpose, and at 3% the test parts' short danger lost 77 alerts to questions for 40
    /// fewer false alerts, leaving a language under a target in 30 lines of the parts (19 at 6%).
    public var short: Pair
    /// The whole of a longer message (one read in pieces, `SemanticMatch.isLonger`) alerts from
    /// this score, never below its category's alert. A message of 40-80 words that tells several
    /// pieces of news in danger's words ("paid off the last of the debt", "passport back from
    /// the embassy") comes nearer danger as a whole than a single message of a few lines does:
    /// read by the single messages' pair, such messages were alerted on (a part written later,
    /// Fresh8, 26 of its 28 false alerts). Placed by calibration together with `pieceAlert`, on
    /// the longer calibration messages (`*.long.txt`) and the others joined three at a time.
    public var longerAlert: Double
    /// One pair for every category: the few ordinary examples that come nearest to any one
    /// category are too few to place that category's thresholds reliably.
    public static let calibratedPair = Pair(ask: -0.0382, alert: 0.0218)
    public static let calibratedPhraseDoubt = -0.1062
    public static let calibratedPieceAlert = 0.0817
    public static let calibratedPieceAsk = 0.0496
    /// The phrase doubt in a short message that laughs (`Laughter`): there a phrase match asks
    /// unless the model reads the message as nearer danger than ordinary talk. Of the phrase
    /// matches on ordinary talk in a round of hard messages (2026-12-05), most were jokes told
    /// with a laugh ("the teacher will kill me 😅") at scores the calibrated doubt trusted.
    public static let laughingPhraseDoubt = 0.0
    public static let calibratedShortPair = Pair(ask: -0.0412, alert: 0.0147)
    public static let calibratedLongerAlert = 0.1199

    /// `byCategory` overrides the calibrated pairs category by category.
    public init(byCategory: [DangerCategory: Pair] = [:], phraseDoubt: Double = Self.calibratedPhraseDoubt,
                pieceAlert: Double = Self.calibratedPieceAlert, pieceAsk: Double = Self.calibratedPieceAsk,
                short: Pair = Self.calibratedShortPair, longerAlert: Double = Self.calibratedLongerAlert) {
        var all: [DangerCategory: Pair] = [:]
        for category in DangerCategory.screened { all[category] = byCategory[category] ?? Self.calibratedPair }
        self.byCategory = all
        self.phraseDoubt = phraseDoubt
        self.pieceAlert = pieceAlert
        self.pieceAsk = pieceAsk
        self.short = short
        self.longerAlert = longerAlert
    }

    /// The same pair for every category.
    public init(everyCategory pair: Pair, phraseDoubt: Double = Self.calibratedPhraseDoubt,
                pieceAlert: Double = Self.calibratedPieceAlert, pieceAsk: Double = Self.calibratedPieceAsk,
                short: Pair = Self.calibratedShortPair, longerAlert: Double = Self.calibratedLongerAlert) {
        self.init(byCategory: Dictionary(uniqueKeysWithValues: DangerCategory.screened.map { ($0, pair) }),
                  phraseDoubt: phraseDoubt, pieceAlert: pieceAlert, pieceAsk: pieceAsk, short: short, longerAlert: longerAlert)
    }

    public func level(of match: SemanticMatch) -> ConcernLevel {
        reading(of: match).level
    }

    /// Whether what has been read of a message settles the verdict, so that the rest need not be
    /// read (`SemanticScreener.match(_:excludingExample:decidingWith:beside:)`): the `phrase`
    /// match beside it stands whatever more is read, or, once `everyWholeRead` (every window of
    /// the message, in every reading, has been read), the whole alerts by itself and no phrase
    /// match on it could be doubted (a piece can only raise the score a doubt looks at). The whole
    /// is not enough before every window is read: another reading could find a higher score in
    /// another category, and the category is what the coordinators are told.
    public func settles(_ match: SemanticMatch, beside phrase: ScreeningResult?, everyWholeRead: Bool) -> Bool {
        if let phrase, phraseStands(phrase, scoring: match.strongestScore) { return true }
        return everyWholeRead && wholeDecides(match)
    }

    /// Whether a longer message's whole alerts by itself and above every phrase doubt.
    public func wholeDecides(_ match: SemanticMatch) -> Bool {
        match.score >= wholePair(of: match).alert && match.score >= max(phraseDoubt, Self.laughingPhraseDoubt)
    }

    /// Whether a phrase match alerts once some part of its message scores `score`: it is not a
    /// short call for help (which the model decides), and the score is not under its doubt. More
    /// parts read can only raise the strongest score, so it stands whatever they say.
    public func phraseStands(_ phrase: ScreeningResult, scoring score: Double) -> Bool {
        !phrase.isCall && score >= Self.doubt(of: phrase, phraseDoubt: phraseDoubt)
    }

    /// The score under which the model doubts a phrase match: `phraseDoubt`, and in a short
    /// message that laughs at least `laughingPhraseDoubt`.
    static func doubt(of phrase: ScreeningResult, phraseDoubt: Double) -> Double {
        phrase.laughs ? max(phraseDoubt, laughingPhraseDoubt) : phraseDoubt
    }

    /// The pair a match's whole is read by: the short messages' when it is short, else its
    /// category's, whose alert a longer message's whole must also reach `longerAlert` for.
    private func wholePair(of match: SemanticMatch) -> Pair {
        if match.isShort { return short }
        let pair = categoryPair(match.category)
        return match.isLonger ? Pair(ask: pair.ask, alert: max(pair.alert, longerAlert)) : pair
    }

    private func categoryPair(_ category: DangerCategory) -> Pair {
        byCategory[category] ?? Self.calibratedPair
    }

    /// What the semantic layer makes of a match: the whole's level (by the short messages' pair
    /// when it is short), or a longer message's strongest piece's when that says more, with the
    /// category, score and nearest example of whichever decided.
    public func reading(of match: SemanticMatch) -> SemanticReading {
        let pair = wholePair(of: match)
        let whole = { (level: ConcernLevel) in
            SemanticReading(level: level, category: match.category, score: match.score, nearest: match.nearest)
        }
        if match.score >= pair.alert { return whole(.alert) }
        // Read against thresholds that have changed since (a reload between the reading and
        // this verdict), or beside a phrase match the core does not find (the person changed
        // language meanwhile): what its unread parts said is unknown, so ask rather than let it pass.
        if match.partsUnread { return whole(.ask) }
        guard let piece = match.piece else { return whole(match.score >= pair.ask ? .ask : .none) }
        let level: ConcernLevel = piece.score >= max(pieceAlert, categoryPair(match.category).alert) ? .alert
            : piece.score >= max(pieceAsk, categoryPair(piece.category).ask) ? .ask : .none
        return SemanticReading(level: level, category: piece.category, score: piece.score, nearest: piece.nearest)
    }
}

/// The semantic layer's verdict on one message, from the part that decided it (the whole, or a
/// longer message's strongest piece).
public struct SemanticReading: Sendable, Equatable {
    public let level: ConcernLevel
    public let category: DangerCategory
    public let score: Double
    /// Where the nearest example is written ("fr.txt:12").
    public let nearest: String
}

/// Both layers' findings on one message, and what follows.
public struct Assessment: Sendable, Equatable {
    public let level: ConcernLevel
    /// The category acted on: the phrase's when a phrase matched, else the semantic layer's (its
    /// piece's when a piece of a longer message alerted).
    public let category: DangerCategory?
    public let phrase: ScreeningResult?
    public let semantic: SemanticMatch?
    /// The semantic layer's verdict, from whatever part of the message decided: its nearest
    /// example is shown to staff as the reason for an incident the model raised, and its score
    /// and nearest example are kept with a worry note.
    public let reading: SemanticReading?
    public var nearest: String? { reading?.nearest }

    public static let clear = Assessment(phrase: nil, semantic: nil, thresholds: SemanticThresholds())

    /// A phrase match alerts (staff wrote it to mean danger) unless the model reads the message,
    /// and every piece of it, clearly as ordinary talk (then it asks); a short call for help asks,
    /// or alerts when the model reads it as danger; otherwise the semantic score decides between
    /// alerting, asking and nothing.
    public init(phrase: ScreeningResult?, semantic: SemanticMatch?, thresholds: SemanticThresholds) {
        self.phrase = phrase
        self.semantic = semantic
        let reading = semantic.map(thresholds.reading(of:))
        self.reading = reading
        if let phrase, phrase.isCall {
            let alerted = reading.flatMap { $0.level == .alert ? $0 : nil }
            level = alerted == nil ? .ask : .alert
            category = alerted?.category ?? phrase.category
        } else if let phrase {
            level = Self.doubts(phrase, read: semantic, doubt: thresholds.phraseDoubt) ? .ask : .alert
            category = phrase.category
        } else if let reading, reading.level != .none {
            level = reading.level
            category = reading.category
        } else {
            level = .none
            category = nil
        }
    }
}

extension Assessment {
    /// Whether a phrase match only asks: the model reads the message (and every piece of it) as
    /// ordinary talk by more than the doubt, or, in a short message that laughs, at all.
    static func doubts(_ phrase: ScreeningResult, read match: SemanticMatch?, doubt: Double) -> Bool {
        guard let match else { return false }
        // Parts are left unread only when what was read is above the doubt; and should the
        // thresholds have changed since, what they read is unknown, so the phrase keeps its alert.
        if match.partsUnread { return false }
        return match.strongestScore < SemanticThresholds.doubt(of: phrase, phraseDoubt: doubt)
    }
}

extension Screener {
    /// Both layers on one message, as the bot judges it: the phrase lists read `text` (the
    /// person's `language` first) beside the semantic layer's match for it (nil when the model is
    /// off or the message too short to read).
    public func assess(_ text: String, language: String, semantic: SemanticMatch?, thresholds: SemanticThresholds) -> Assessment {
        Assessment(phrase: screen(text, language: language), semantic: semantic, thresholds: thresholds)
    }
}
