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

    public init(homeserver: String, bot: BotAccount, dataDirectory: String, dialogsDirectory: String, coordinatorsRoom: String,
                programme: Programme, roster: Roster) {
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

    public init(userID: String, credential: Credential, deviceID: String) {
        self.userID = userID
        self.credential = credential
        self.deviceID = deviceID
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

    public init(defaultLanguage: String, timeZone: String, emergencyNumber: String = "112", schedule: Schedule = Schedule(),
                cadence: Cadence = Cadence()) {
        self.defaultLanguage = defaultLanguage
        self.timeZone = timeZone
        self.emergencyNumber = emergencyNumber
        self.schedule = schedule
        self.cadence = cadence
    }
}
