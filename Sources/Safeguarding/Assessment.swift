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
/// 10% more (the targets). They are measured on held-out messages (Tests/SafeguardingTests/HeldOut).
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

    /// One pair for every category: the few ordinary examples that come nearest to any one
    /// category are too few to place that category's thresholds reliably.
    public static let calibratedPair = Pair(ask: -0.0179, alert: 0.0246)
    public static let calibratedPhraseDoubt = -0.0229

    /// `byCategory` overrides the calibrated pairs category by category.
    public init(byCategory: [DangerCategory: Pair] = [:], phraseDoubt: Double = Self.calibratedPhraseDoubt) {
        var all: [DangerCategory: Pair] = [:]
        for category in DangerCategory.screened { all[category] = byCategory[category] ?? Self.calibratedPair }
        self.byCategory = all
        self.phraseDoubt = phraseDoubt
    }

    /// The same pair for every category.
    public init(everyCategory pair: Pair, phraseDoubt: Double = Self.calibratedPhraseDoubt) {
        self.init(byCategory: Dictionary(uniqueKeysWithValues: DangerCategory.screened.map { ($0, pair) }), phraseDoubt: phraseDoubt)
    }

    public func level(of match: SemanticMatch) -> ConcernLevel {
        let pair = byCategory[match.category] ?? Self.calibratedPair
        return match.score >= pair.alert ? .alert : match.score >= pair.ask ? .ask : .none
    }
}

/// Both layers' findings on one message, and what follows.
public struct Assessment: Sendable, Equatable {
    public let level: ConcernLevel
    /// The category acted on: the phrase's when a phrase matched, else the semantic layer's.
    public let category: DangerCategory?
    public let phrase: ScreeningResult?
    public let semantic: SemanticMatch?

    public static let clear = Assessment(level: .none, category: nil, phrase: nil, semantic: nil)

    /// A phrase match alerts (staff wrote it to mean danger) unless the model reads the message
    /// clearly as ordinary talk (then it asks); otherwise the semantic score decides between
    /// alerting, asking and nothing.
    public init(phrase: ScreeningResult?, semantic: SemanticMatch?, thresholds: SemanticThresholds) {
        self.phrase = phrase
        self.semantic = semantic
        if let phrase {
            level = (semantic?.score).map { $0 < thresholds.phraseDoubt } == true ? .ask : .alert
            category = phrase.category
        } else if let semantic, case let level = thresholds.level(of: semantic), level != .none {
            self.level = level
            category = semantic.category
        } else {
            level = .none
            category = nil
        }
    }

    init(level: ConcernLevel, category: DangerCategory?, phrase: ScreeningResult?, semantic: SemanticMatch?) {
        self.level = level
        self.category = category
        self.phrase = phrase
        self.semantic = semantic
    }
}
