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

/// A stretch of calendar time: whole days or whole months, counted on the local calendar so that
/// "monthly from 15 January" lands on the 15th of each month at the same clock time.
public struct CalendarPeriod: Sendable, Equatable {
    public var months: Int
    public var days: Int

    public init(months: Int, days: Int) {
        self.months = months
        self.days = days
    }

    public static func days(_ count: Int) -> CalendarPeriod { CalendarPeriod(months: 0, days: count) }
    public static func months(_ count: Int) -> CalendarPeriod { CalendarPeriod(months: count, days: 0) }

    /// `start` moved on by this period `times` times, counted from `start` itself (so that the
    /// 31st stays the 31st where a month has one, rather than drifting to the 28th for good).
    public func after(_ start: Date, times: Int = 1, in calendar: Calendar) -> Date {
        let moved = DateComponents(month: months * times, day: days * times)
        return calendar.date(byAdding: moved, to: start) ?? start
    }

    /// Roughly how long, for comparisons only.
    public var approximateSeconds: TimeInterval { TimeInterval(months * 30 + days) * 86_400 }
}

/// The rhythm of a pair (DOMAIN.md: coordinator follow-up and meeting frequency), per programme.
/// A nil period turns that nudge off for programmes that do it another way (by phone, say).
public struct Cadence: Sendable, Equatable {
    /// The mentor's first check-in, counted from the pair's start, then one every `mentorCheckInEvery`.
    public var mentorFirstCheckIn: CalendarPeriod?
    public var mentorCheckInEvery: CalendarPeriod
    /// The mentee's check-ins, the first one this long after the start.
    public var menteeCheckInEvery: CalendarPeriod?
    /// Meetings a month the programme hopes for; coordinators get a monthly list of pairs below it.
    public var meetingsPerMonth: Int
    /// No meeting logged for this long: the pair is invited to plan one...
    public var noMeetingAfter: CalendarPeriod?
    /// ...and if nothing is planned or logged this long after the invitation, the coordinators hear.
    public var tellCoordinatorAfter: CalendarPeriod
    /// After a logged meeting with nothing planned next, the mentee is invited to plan one this
    /// much later (the mentor was asked in the log itself).
    public var bookNextAfter: CalendarPeriod?
    /// A pair without its own `end` ends this long after its start (DOMAIN.md: usually 6 months).
    public var pairLength: CalendarPeriod
    /// Before the end: the coordinators are told, then both members get the closing questions.
    public var tellCoordinatorBeforeEnd: CalendarPeriod
    public var closureBeforeEnd: CalendarPeriod
    /// Local time (minutes after midnight) at which these nudges go out.
    public var timeOfDay: Int

    public init(mentorFirstCheckIn: CalendarPeriod? = .days(14), mentorCheckInEvery: CalendarPeriod = .months(1),
                menteeCheckInEvery: CalendarPeriod? = .months(1), meetingsPerMonth: Int = 2,
                noMeetingAfter: CalendarPeriod? = .days(21), tellCoordinatorAfter: CalendarPeriod = .days(7),
                bookNextAfter: CalendarPeriod? = .days(1), pairLength: CalendarPeriod = .months(6),
                tellCoordinatorBeforeEnd: CalendarPeriod = .days(28), closureBeforeEnd: CalendarPeriod = .days(14),
                timeOfDay: Int = 10 * 60) {
        self.mentorFirstCheckIn = mentorFirstCheckIn
        self.mentorCheckInEvery = mentorCheckInEvery
        self.menteeCheckInEvery = menteeCheckInEvery
        self.meetingsPerMonth = meetingsPerMonth
        self.noMeetingAfter = noMeetingAfter
        self.tellCoordinatorAfter = tellCoordinatorAfter
        self.bookNextAfter = bookNextAfter
        self.pairLength = pairLength
        self.tellCoordinatorBeforeEnd = tellCoordinatorBeforeEnd
        self.closureBeforeEnd = closureBeforeEnd
        self.timeOfDay = timeOfDay
    }
}

/// Something the bot will do at a given time. Jobs live in the journal like everything else, so
/// a restart neither loses nor repeats them.
public struct ScheduledJob: Codable, Sendable, Equatable {
    /// Every kind of job. The switches over it have no `default:`, so a new kind does not compile
    /// until it says what it concerns here and which method runs it (`BotCore.run(_:at:_:)`).
    public enum Kind: Codable, Sendable, Hashable {
        /// "You meet on ... at ...", to one member of the pair.
        case meetingReminder(meetingID: String, matrixID: String)
        /// After the meeting: the mentor is asked to log it.
        case logRequest(meetingID: String, matrixID: String)
        /// The one reminder when the meeting is still not logged.
        case logReminder(meetingID: String, matrixID: String)
        /// A member's regular check-in (the next one is scheduled when this one runs).
        case checkIn(pairID: String, matrixID: String)
        /// No meeting logged for a while: both members are invited to plan one.
        case meetingGap(pairID: String)
        /// Still nothing some days after that invitation: the coordinators are told.
        case meetingGapNotice(pairID: String)
        /// That invitation, to one member.
        case gapInvite(pairID: String, matrixID: String)
        /// After a logged meeting with nothing planned: "would you like to plan the next one?"
        case bookNext(pairID: String, matrixID: String)
        /// The pair's end is near: the coordinators are told.
        case pairEnding(pairID: String)
        /// The closing questions, to one member of an ending pair.
        case closure(pairID: String, matrixID: String)
        /// First of the month: the coordinators get the pairs that met less than the target.
        case monthlyReview
        /// An alert nobody took on: repeat it and tell the backup coordinators.
        case incidentEscalation(reference: String)
        /// An incident taken on but not resolved: remind the coordinators.
        case incidentReminder(reference: String)
        /// A support request still not resolved: remind the coordinators.
        case ticketReminder(reference: String)

        public var meetingID: String? {
            switch self {
            case .meetingReminder(let id, _), .logRequest(let id, _), .logReminder(let id, _): id
            case .checkIn, .meetingGap, .meetingGapNotice, .gapInvite, .bookNext, .pairEnding, .closure, .monthlyReview,
                 .incidentEscalation, .incidentReminder, .ticketReminder: nil
            }
        }

        public var pairID: String? {
            switch self {
            case .checkIn(let id, _), .meetingGap(let id), .meetingGapNotice(let id), .gapInvite(let id, _), .bookNext(let id, _),
                 .pairEnding(let id), .closure(let id, _): id
            case .meetingReminder, .logRequest, .logReminder, .monthlyReview, .incidentEscalation, .incidentReminder, .ticketReminder: nil
            }
        }

        /// The person it reaches out to; nil for what goes to the coordinators' room.
        public var matrixID: String? {
            switch self {
            case .meetingReminder(_, let who), .logRequest(_, let who), .logReminder(_, let who), .checkIn(_, let who),
                 .gapInvite(_, let who), .bookNext(_, let who), .closure(_, let who): who
            case .meetingGap, .meetingGapNotice, .pairEnding, .monthlyReview, .incidentEscalation, .incidentReminder, .ticketReminder: nil
            }
        }

        /// Happens once in a pair's life: once run (or skipped), it is not planned again.
        public var happensOnce: Bool {
            switch self {
            case .pairEnding, .closure: true
            case .meetingReminder, .logRequest, .logReminder, .checkIn, .meetingGap, .meetingGapNotice, .gapInvite, .bookNext,
                 .monthlyReview, .incidentEscalation, .incidentReminder, .ticketReminder: false
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
