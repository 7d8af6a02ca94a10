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
/// (`programme.safety.semantic` in the configuration). The defaults were calibrated on the
/// tuning examples (Dialogs/safety/examples) to keep alerts on ordinary messages near 3% and
/// questions near 10%, and measured on held-out messages (Tests/SafeguardingTests/HeldOut).
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

    /// For a category that has no calibrated pair of its own.
    public static let defaultPair = Pair(ask: -0.003, alert: 0.006)

    /// Calibrated per category on the tuning examples (leave-one-out; each category's thresholds
    /// chosen to catch the most danger for the fewest ordinary messages attributed to it). Harm to
    /// self alerts a little earlier than its calibration said: a missed alert costs most there.
    public static let calibrated: [DangerCategory: Pair] = [
        .threat: Pair(ask: -0.005, alert: 0.002),
        .traffickerSeen: Pair(ask: -0.007, alert: 0.003),
        .documentsTaken: Pair(ask: 0.0, alert: 0.008),
        .debtOrWorkPressure: Pair(ask: 0.002, alert: 0.005),
        .violenceAtHome: Pair(ask: -0.001, alert: 0.004),
        .selfHarm: Pair(ask: -0.001, alert: 0.006),
        .crisis: Pair(ask: -0.003, alert: 0.004),
        .mentorMisconduct: Pair(ask: -0.002, alert: 0.008),
    ]

    /// `byCategory` overrides the calibrated pairs category by category.
    public init(byCategory: [DangerCategory: Pair] = [:]) {
        var all: [DangerCategory: Pair] = [:]
        for category in DangerCategory.screened { all[category] = byCategory[category] ?? Self.calibrated[category] ?? Self.defaultPair }
        self.byCategory = all
    }

    public func level(of match: SemanticMatch) -> ConcernLevel {
        let pair = byCategory[match.category] ?? Self.defaultPair
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

    /// A phrase match alerts (staff wrote it to mean danger); otherwise the semantic score decides
    /// between alerting, asking and nothing.
    public init(phrase: ScreeningResult?, semantic: SemanticMatch?, thresholds: SemanticThresholds) {
        self.phrase = phrase
        self.semantic = semantic
        if let phrase {
            level = .alert
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
