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

    public static let defaultPair = Pair(ask: -0.003, alert: 0.006)

    public init(byCategory: [DangerCategory: Pair] = [:]) {
        var all: [DangerCategory: Pair] = [:]
        for category in DangerCategory.screened { all[category] = byCategory[category] ?? Self.defaultPair }
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
