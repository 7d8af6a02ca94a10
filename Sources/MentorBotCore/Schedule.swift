import Foundation

/// When the bot reaches out on its own, per programme (DOMAIN.md timings as defaults).
public struct Schedule: Sendable, Equatable {
    /// Reminders before each planned meeting, to both people. Whole days count in local calendar
    /// days (a "1 day before" reminder keeps its clock time across a daylight-saving change).
    public var meetingReminders: [TimeInterval]
    /// How long a meeting is assumed to last when planned (DOMAIN.md: 2-3 hours).
    public var meetingLength: TimeInterval
    /// After the planned end, the mentor is asked to log the meeting.
    public var logRequestAfterEnd: TimeInterval
    /// One reminder if it is still not logged this long after the request.
    public var logReminderAfter: TimeInterval
    /// Quiet hours in minutes after local midnight: routine messages wait until `quietEnd`.
    public var quietStart: Int
    public var quietEnd: Int
    /// At most this many messages the bot starts on its own, per person and local day.
    public var dailyLimit: Int

    public init(meetingReminders: [TimeInterval] = [86_400, 7_200], meetingLength: TimeInterval = 7_200,
                logRequestAfterEnd: TimeInterval = 7_200, logReminderAfter: TimeInterval = 86_400,
                quietStart: Int = 21 * 60, quietEnd: Int = 8 * 60, dailyLimit: Int = 3) {
        self.meetingReminders = meetingReminders
        self.meetingLength = meetingLength
        self.logRequestAfterEnd = logRequestAfterEnd
        self.logReminderAfter = logReminderAfter
        self.quietStart = quietStart
        self.quietEnd = quietEnd
        self.dailyLimit = dailyLimit
    }
}

/// Something the bot will do at a given time. Jobs live in the journal like everything else, so
/// a restart neither loses nor repeats them.
public struct ScheduledJob: Codable, Sendable, Equatable {
    public enum Kind: Codable, Sendable, Equatable {
        /// "You meet on ... at ...", to one member of the pair.
        case meetingReminder(meetingID: String, matrixID: String)
        /// After the meeting: the mentor is asked to log it.
        case logRequest(meetingID: String, matrixID: String)
        /// The one reminder when the meeting is still not logged.
        case logReminder(meetingID: String, matrixID: String)

        var meetingID: String {
            switch self {
            case .meetingReminder(let id, _), .logRequest(let id, _), .logReminder(let id, _): id
            }
        }

        var matrixID: String {
            switch self {
            case .meetingReminder(_, let who), .logRequest(_, let who), .logReminder(_, let who): who
            }
        }
    }

    public var id: String
    public var kind: Kind
    public var dueAt: Date

    public init(id: String, kind: Kind, dueAt: Date) {
        self.id = id
        self.kind = kind
        self.dueAt = dueAt
    }
}

/// How a job ended, kept in the journal with its reason so that a coordinator can see why a
/// reminder was not sent (the meeting had begun by the time the bot was back, say).
public enum JobOutcome: Codable, Sendable, Equatable {
    case done
    case skipped(reason: String)
}
