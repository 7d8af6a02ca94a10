import BotModel
import Dialogs
import Foundation

/// The monitoring and evaluation figures of one month (DOMAIN.md, "What programmes measure"),
/// computed from the bot's state alone. Only people who agreed to count in anonymous figures
/// (consent "evaluation") are counted, and answers kept anonymously after an erasure; a pair
/// counts when both its members agreed. Pure: the same state and month give the same figures.
public struct ProgrammeFigures: Sendable, Equatable, Codable {
    public struct PairFigures: Sendable, Equatable, Codable {
        public var pairID: String
        public var meetings: Int
        public var target: Int
        /// Logged meeting time, from each log's start and end.
        public var hours: Double
        /// From the last logged meeting to the end of the month (or of the pair); nil: none yet.
        public var daysSinceLastMeeting: Int?
        /// From the start to the end of the month, or to the pair's end if it came first.
        public var matchLengthDays: Int
        /// Ended this month, and before its planned end (a coordinator closed it).
        public var endedEarly: Bool
        public var endedThisMonth: Bool

        public var metTarget: Bool { meetings >= target }
    }

    public struct SideFigures: Sendable, Equatable, Codable {
        /// mentor or mentee.
        public var role: String
        public var checkInsSent = 0
        public var checkInsAnswered = 0
        /// 1 (not that much) to 4 (very much): mentors' satisfaction, mentees' "was it useful".
        public var satisfactionTotal = 0
        public var satisfactionAnswers = 0
        /// yes, a_little, not_yet: progress as each side reports it.
        public var progress: [String: Int] = [:]
        /// "I would like a different match" in a check-in.
        public var changeMatchRequests = 0

        public var satisfactionMean: Double? { satisfactionAnswers == 0 ? nil : Double(satisfactionTotal) / Double(satisfactionAnswers) }
        /// Share of check-ins sent this month that were answered this month, 0 to 1.
        public var answeredShare: Double? { checkInsSent == 0 ? nil : min(1, Double(checkInsAnswered) / Double(checkInsSent)) }
    }

    public struct SupportArea: Sendable, Equatable, Codable {
        public var area: String
        public var requests = 0
        /// Requests a coordinator took on, referred or resolved.
        public var answered = 0
        /// Hours from the request to the coordinators' first step, one per answered request.
        public var hoursToAnswer: [Double] = []

        public var medianHoursToAnswer: Double? { median(hoursToAnswer) }
    }

    public struct IncidentFigures: Sendable, Equatable, Codable {
        public var raised = 0
        public var byCategory: [String: Int] = [:]
        /// Minutes from the alert to a coordinator taking it on, one per acknowledged incident,
        /// in the order they were raised.
        public var minutesToAcknowledge: [Double] = []

        public var acknowledged: Int { minutesToAcknowledge.count }
        public var medianMinutesToAcknowledge: Double? { median(minutesToAcknowledge) }
        public var longestMinutesToAcknowledge: Double? { minutesToAcknowledge.max() }
    }

    /// One month of the satisfaction chart.
    public struct MonthSatisfaction: Sendable, Equatable, Codable {
        public var month: ReportMonth
        public var mentors: Double?
        public var mentees: Double?
    }

    public var month: ReportMonth
    public var target: Int
    /// People in the month's pairs counted, and not counted (no consent to anonymous figures).
    public var peopleCounted = 0
    public var peopleNotCounted = 0
    public var pairs: [PairFigures] = []
    public var mentors: SideFigures
    public var mentees: SideFigures
    public var support: [SupportArea] = []
    public var incidents = IncidentFigures()
    /// This month and the five before it.
    public var satisfactionOverTime: [MonthSatisfaction] = []

    public var meetings: Int { pairs.map(\.meetings).reduce(0, +) }
    public var hours: Double { pairs.map(\.hours).reduce(0, +) }
    public var pairsAtTarget: Int { pairs.filter(\.metTarget).count }
    public var prematureEndings: Int { pairs.filter(\.endedEarly).count }
    public var medianMatchLengthDays: Double? { median(pairs.map { Double($0.matchLengthDays) }) }
}

/// What the figures are computed from.
public struct ReportSource: Sendable {
    public var state: BotState
    public var roster: Roster
    /// Meetings a month the programme hopes for.
    public var meetingsPerMonth: Int
    public var timeZone: TimeZone
    /// Each pair's first day over, closings included (the core knows the programme's rules).
    public var pairEnds: [String: Date]
    /// When the figures are taken: a month still running is measured up to now.
    public var asOf: Date

    public init(state: BotState, roster: Roster, meetingsPerMonth: Int, timeZone: TimeZone, pairEnds: [String: Date],
                asOf: Date = .distantFuture) {
        self.state = state
        self.roster = roster
        self.meetingsPerMonth = meetingsPerMonth
        self.timeZone = timeZone
        self.pairEnds = pairEnds
        self.asOf = asOf
    }
}

extension ProgrammeFigures {
    static let meetingLog = "log_meeting"
    static let checkIns = ["mentor_checkin": "mentor", "mentee_checkin": "mentee"]
    /// The scale question each side answers about how it is going.
    static let satisfactionAnswer = ["mentor": "satisfaction", "mentee": "useful"]

    public init(month: ReportMonth, from source: ReportSource) {
        self.month = month
        target = source.meetingsPerMonth
        mentors = SideFigures(role: "mentor")
        mentees = SideFigures(role: "mentee")
        let counting = Counting(source)
        let zone = source.timeZone
        let (start, end) = (month.start(in: zone), month.end(in: zone))

        // Pairs running at some point in the month.
        var logs: [String: [AnswerRecord]] = [:]
        for record in source.state.records where record.dialogID == Self.meetingLog {
            for pairID in record.pairIDs { logs[pairID, default: []].append(record) }
        }
        var people = Set<String>()
        for pair in source.roster.pairs {
            let pairEnd = source.pairEnds[pair.id] ?? .distantFuture
            guard let pairStart = Self.instant(ofDay: pair.startDate, in: zone), pairStart < end, pairStart <= source.asOf,
                  pairEnd > start else { continue }
            for member in [pair.mentorID, pair.menteeID] { people.insert(member) }
            guard counting.counts(personID: pair.mentorID), counting.counts(personID: pair.menteeID) else { continue }
            let until = max(min(pairEnd, end, source.asOf), pairStart)
            let lastDay = ReportMonth.isoDay(until.addingTimeInterval(-1), in: zone)
            var figures = PairFigures(pairID: pair.id, meetings: 0, target: source.meetingsPerMonth, hours: 0,
                                      daysSinceLastMeeting: nil, matchLengthDays: Self.days(from: pairStart, to: until, in: zone),
                                      endedEarly: false, endedThisMonth: pairEnd <= end)
            var lastMet: String?
            for log in logs[pair.id] ?? [] {
                guard case .date(let day)? = log.answers["date"], day <= lastDay else { continue }
                if lastMet == nil || day > lastMet! { lastMet = day }
                guard month.contains(day: day) else { continue }
                figures.meetings += 1
                figures.hours += Self.hours(from: log.answers["start_time"], to: log.answers["end_time"])
            }
            figures.daysSinceLastMeeting = lastMet.flatMap { Self.instant(ofDay: $0, in: zone) }.flatMap { met in
                Self.instant(ofDay: lastDay, in: zone).map { Self.days(from: met, to: $0, in: zone) }
            }
            if let closed = source.state.closedPairs[pair.id], closed >= start, closed < end { figures.endedEarly = true }
            pairs.append(figures)
        }
        pairs.sort { $0.pairID < $1.pairID }
        peopleCounted = people.filter(counting.counts(personID:)).count
        peopleNotCounted = people.count - peopleCounted

        // Each side's check-ins: sent, answered, and what the answers say.
        for sent in source.state.checkInsSent where month.contains(sent.at, in: zone) {
            guard let role = counting.role(ofSent: sent) else { continue }
            self[side: role].checkInsSent += 1
        }
        for record in source.state.records where month.contains(record.completedAt, in: zone) {
            guard let role = Self.checkIns[record.dialogID], counting.counts(record: record) else { continue }
            var side = self[side: role]
            side.checkInsAnswered += 1
            if case .number(let value)? = record.answers[Self.satisfactionAnswer[role]!] {
                side.satisfactionTotal += value
                side.satisfactionAnswers += 1
            }
            if case .choice(let progress)? = record.answers["progress"] { side.progress[progress, default: 0] += 1 }
            if case .yesNo(true)? = record.answers["change_match"] { side.changeMatchRequests += 1 }
            self[side: role] = side
        }

        // Support requests by area, and how long until a coordinator's first step.
        var areas: [String: SupportArea] = [:]
        for ticket in source.state.tickets where month.contains(ticket.openedAt, in: zone) && counting.counts(personID: ticket.personID) {
            var area = areas[ticket.area] ?? SupportArea(area: ticket.area)
            area.requests += 1
            let firstStep = source.state.audit.first { $0.subject == ticket.reference && $0.action.hasPrefix("ticket ") && $0.at >= ticket.openedAt }
            if let at = firstStep?.at ?? (ticket.status == .open ? nil : ticket.updatedAt) {
                area.answered += 1
                area.hoursToAnswer.append(at.timeIntervalSince(ticket.openedAt) / 3600)
            }
            areas[ticket.area] = area
        }
        support = areas.values.sorted { $0.area < $1.area }

        // Safeguarding incidents and the time to acknowledge them.
        for incident in source.state.incidents.sorted(by: { $0.raisedAt < $1.raisedAt })
        where month.contains(incident.raisedAt, in: zone) && counting.counts(personID: incident.personID) {
            incidents.raised += 1
            incidents.byCategory[incident.category.rawValue, default: 0] += 1
            if let acknowledged = incident.acknowledgedAt {
                incidents.minutesToAcknowledge.append(acknowledged.timeIntervalSince(incident.raisedAt) / 60)
            }
        }

        // Satisfaction, month by month, for the chart.
        for back in (0..<6).reversed() {
            let shown = month.previous(back)
            var sums: [String: (Int, Int)] = [:]
            for record in source.state.records where shown.contains(record.completedAt, in: zone) {
                guard let role = Self.checkIns[record.dialogID], counting.counts(record: record),
                      case .number(let value)? = record.answers[Self.satisfactionAnswer[role]!] else { continue }
                sums[role, default: (0, 0)].0 += value
                sums[role, default: (0, 0)].1 += 1
            }
            func mean(_ role: String) -> Double? { sums[role].map { Double($0.0) / Double($0.1) } }
            satisfactionOverTime.append(MonthSatisfaction(month: shown, mentors: mean("mentor"), mentees: mean("mentee")))
        }
    }

    subscript(side role: String) -> SideFigures {
        get { role == "mentor" ? mentors : mentees }
        set { if role == "mentor" { mentors = newValue } else { mentees = newValue } }
    }

    /// Who counts: roster people who agreed to anonymous figures, and records already anonymous.
    struct Counting {
        let source: ReportSource

        init(_ source: ReportSource) { self.source = source }

        func counts(personID: String) -> Bool {
            guard let person = source.roster.person(id: personID) else { return false }
            return counts(matrixID: person.matrixID)
        }

        func counts(matrixID: String) -> Bool { source.state.people[matrixID]?.consents?["evaluation"] == true }

        /// Anonymous records (kept after an erasure with consent) have no person and count.
        func counts(record: AnswerRecord) -> Bool { record.personID.isEmpty || counts(personID: record.personID) }

        func role(ofSent sent: CheckInSent) -> String? {
            if sent.matrixID.isEmpty { return sent.role }
            guard counts(matrixID: sent.matrixID), let person = source.roster.person(matrixID: sent.matrixID) else { return nil }
            return person.role.rawValue
        }
    }

    static func instant(ofDay iso: String, in zone: TimeZone) -> Date? {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return ReportMonth.calendar(zone).date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// Whole calendar days between two instants, in `zone` (daylight saving changes no count).
    static func days(from start: Date, to end: Date, in zone: TimeZone) -> Int {
        let calendar = ReportMonth.calendar(zone)
        return max(0, calendar.dateComponents([.day], from: calendar.startOfDay(for: start), to: calendar.startOfDay(for: end)).day ?? 0)
    }

    /// A meeting's length from its "HH:MM" start and end; one that ends "before" it starts ran past midnight.
    static func hours(from start: AnswerValue?, to end: AnswerValue?) -> Double {
        guard case .time(let from)? = start, case .time(let to)? = end,
              let a = minutes(from), let b = minutes(to) else { return 0 }
        let length = b >= a ? b - a : b + 24 * 60 - a
        return Double(length) / 60
    }

    private static func minutes(_ hhmm: String) -> Int? {
        let parts = hhmm.split(separator: ":").compactMap { Int($0) }
        return parts.count == 2 ? parts[0] * 60 + parts[1] : nil
    }
}

extension ReportMonth {
    static func isoDay(_ instant: Date, in zone: TimeZone) -> String {
        let parts = calendar(zone).dateComponents([.year, .month, .day], from: instant)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
