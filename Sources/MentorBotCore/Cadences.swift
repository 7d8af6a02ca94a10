import BotModel
import Dialogs
import Foundation

/// The rhythm that keeps pairs meeting (DOMAIN.md): regular check-ins for each member, an
/// invitation when a pair goes quiet and a word to the coordinators if that changes nothing, an
/// invitation to book the next meeting after each one, the closing questions as the pair's end
/// nears, and a monthly list of pairs below the meeting target. All of it as durable jobs, so
/// the same rules for people's hours, stop and consent apply as for meeting reminders.
extension BotCore {
    var cadence: Cadence { configuration.programme.cadence }

    public var programmeZone: TimeZone { TimeZone(identifier: configuration.programme.timeZone) ?? .gmt }

    func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// `iso` ("2027-01-15") at the programme's nudge time, in `zone`.
    func nudgeTime(on iso: String, in zone: TimeZone) -> Date? {
        instant(String(format: "%@T%02d:%02d", iso, cadence.timeOfDay / 60, cadence.timeOfDay % 60), in: zone)
    }

    /// The first moment the pair is over: the start of its end day, in the programme's zone.
    func end(of pair: Pair, in state: BotState) -> Date {
        min(end(of: pair), state.closedPairs[pair.id] ?? .distantFuture)
    }

    /// The planned end, from the configuration.
    func end(of pair: Pair) -> Date {
        let calendar = calendar(in: programmeZone)
        if let end = pair.endDate, let instant = nudgeTime(on: end, in: programmeZone) {
            return calendar.startOfDay(for: instant)
        }
        let start = nudgeTime(on: pair.startDate, in: programmeZone).map(calendar.startOfDay(for:)) ?? .distantPast
        return cadence.pairLength.after(start, in: calendar)
    }

    func hasEnded(_ pair: Pair, at now: Date, in state: BotState) -> Bool { now >= end(of: pair, in: state) }

    /// From a week before the closing questions, routine nudges about meeting again or checking
    /// in would only crowd them out (or ask the same things twice).
    func routineStops(for pair: Pair, in zone: TimeZone) -> Date {
        before(end(of: pair), by: cadence.closureBeforeEnd, in: zone).addingTimeInterval(-7 * 86_400)
    }

    // MARK: - Planning

    /// Gives every running pair its routine jobs, at each start, so that pairs added to the roster
    /// are picked up and a changed end date moves what depends on it. Jobs already pending stay
    /// as they are; one-off jobs that already ran are not repeated.
    func planRoutine(at now: Date, _ decision: inout Decision) {
        var pending: [ScheduledJob.Kind: ScheduledJob] = [:]
        for job in decision.state.jobs { pending[job.kind] = job }
        let lastMet = lastMeetingDays(in: decision.state)
        for pair in roster.pairs where !hasEnded(pair, at: now, in: decision.state) {
            for person in [roster.person(id: pair.mentorID), roster.person(id: pair.menteeID)].compactMap({ $0 }) {
                let kind = ScheduledJob.Kind.checkIn(pairID: pair.id, matrixID: person.matrixID)
                if pending[kind] == nil, let due = nextCheckIn(of: person, in: pair, after: now) {
                    schedule(kind, at: due, &decision)
                }
            }
            if pending[.meetingGap(pairID: pair.id)] == nil && pending[.meetingGapNotice(pairID: pair.id)] == nil,
               let due = gapCheck(for: pair, lastMet: lastMet[pair.id], in: decision.state) {
                schedule(.meetingGap(pairID: pair.id), at: max(due, now), &decision)
            }
            let end = end(of: pair)
            var oneOffs: [(ScheduledJob.Kind, Date)] = [
                (.pairEnding(pairID: pair.id), before(end, by: cadence.tellCoordinatorBeforeEnd, in: programmeZone)),
            ]
            for person in [roster.person(id: pair.mentorID), roster.person(id: pair.menteeID)].compactMap({ $0 }) {
                oneOffs.append((.closure(pairID: pair.id, matrixID: person.matrixID),
                                before(end, by: cadence.closureBeforeEnd, in: timeZone(of: person))))
            }
            for (kind, due) in oneOffs where !decision.state.finishedOnce.contains(kind) {
                let due = max(due, now)
                if let job = pending[kind] {
                    guard job.dueAt != due, job.dueAt > now else { continue }
                    decision.record(.jobFinished(jobID: job.id, outcome: .skipped(reason: "the pair's end date changed"), at: now))
                }
                schedule(kind, at: due, &decision)
            }
        }
        if cadence.meetingsPerMonth > 0 && pending[.monthlyReview] == nil && !roster.pairs.isEmpty {
            schedule(.monthlyReview, at: firstOfNextMonth(after: now), &decision)
        }
    }

    /// `period` before `instant`, on the local calendar, at the programme's nudge time.
    private func before(_ instant: Date, by period: CalendarPeriod, in zone: TimeZone) -> Date {
        let calendar = calendar(in: zone)
        let day = calendar.date(byAdding: DateComponents(month: -period.months, day: -period.days), to: instant) ?? instant
        return calendar.date(bySettingHour: cadence.timeOfDay / 60, minute: cadence.timeOfDay % 60, second: 0, of: day) ?? day
    }

    func schedule(_ kind: ScheduledJob.Kind, at dueAt: Date, _ decision: inout Decision) {
        decision.record(.jobScheduled(ScheduledJob(id: decision.nextID("job-"), kind: kind, dueAt: dueAt)))
    }

    /// The next check-in after `now`: counted from the pair's start (so that a late run does not
    /// shift every later one), and none once the closing questions are near.
    func nextCheckIn(of person: Person, in pair: Pair, after now: Date) -> Date? {
        let zone = timeZone(of: person)
        guard let start = nudgeTime(on: pair.startDate, in: zone) else { return nil }
        let calendar = calendar(in: zone)
        let first: Date, every: CalendarPeriod
        switch person.role {
        case .mentor:
            guard let period = cadence.mentorFirstCheckIn else { return nil }
            (first, every) = (period.after(start, in: calendar), cadence.mentorCheckInEvery)
        case .mentee:
            guard let period = cadence.menteeCheckInEvery else { return nil }
            (first, every) = (period.after(start, in: calendar), period)
        case .coordinator:
            return nil
        }
        let lastUseful = routineStops(for: pair, in: zone)
        var times = 0
        var due = first
        while due <= now {
            times += 1
            due = every.after(first, times: times, in: calendar)
        }
        return due < lastUseful ? due : nil
    }

    /// The day of each pair's latest logged meeting, from the logs themselves (a meeting can be
    /// logged without having been planned through the bot).
    func lastMeetingDays(in state: BotState) -> [String: String] {
        var days: [String: String] = [:]
        for record in state.records where record.dialogID == "log_meeting" {
            guard case .date(let day)? = record.answers["date"] else { continue }
            for pairID in record.pairIDs where days[pairID].map({ $0 < day }) ?? true { days[pairID] = day }
        }
        return days
    }

    /// When to look whether a pair has gone quiet: the set time after its latest meeting, its
    /// start, or the day the bot began to follow it, whichever is latest.
    private func gapCheck(for pair: Pair, lastMet: String?, in state: BotState) -> Date? {
        guard let period = cadence.noMeetingAfter else { return nil }
        let watchedSince = state.firstStartedAt.map { isoDay($0, in: programmeZone) } ?? pair.startDate
        let since = [pair.startDate, lastMet ?? "", watchedSince].max() ?? pair.startDate
        return nudgeTime(on: since, in: programmeZone).map { period.after($0, in: calendar(in: programmeZone)) }
    }

    private func firstOfNextMonth(after now: Date) -> Date {
        let calendar = calendar(in: programmeZone)
        let month = calendar.dateComponents([.year, .month], from: now)
        let first = calendar.date(from: DateComponents(year: month.year, month: (month.month ?? 1) + 1, day: 1,
                                                       hour: cadence.timeOfDay / 60, minute: cadence.timeOfDay % 60))
        return first ?? now.addingTimeInterval(30 * 86_400)
    }

    /// A meeting was logged: the quiet-pair check counts from it, and the mentee is invited to
    /// book the next one (the mentor was asked in the log itself).
    func meetingLogged(in pair: Pair, at now: Date, _ decision: inout Decision) {
        for job in decision.state.jobs {
            switch job.kind {
            case .meetingGap(pair.id), .meetingGapNotice(pair.id):
                decision.record(.jobFinished(jobID: job.id, outcome: .skipped(reason: "a meeting was logged"), at: now))
            default: continue
            }
        }
        guard !hasEnded(pair, at: now, in: decision.state) else { return }
        // Logging counts as a sign of life even for a meeting some weeks back.
        let today = isoDay(now, in: programmeZone)
        let lastMet = max(lastMeetingDays(in: decision.state)[pair.id] ?? today, today)
        if let due = gapCheck(for: pair, lastMet: lastMet, in: decision.state) {
            schedule(.meetingGap(pairID: pair.id), at: due, &decision)
        }
        if let period = cadence.bookNextAfter, let mentee = roster.person(id: pair.menteeID) {
            let zone = timeZone(of: mentee)
            let due = nudgeTime(on: isoDay(period.after(now, in: calendar(in: zone)), in: zone), in: zone) ?? now
            schedule(.bookNext(pairID: pair.id, matrixID: mentee.matrixID), at: due, &decision)
        }
    }

    // MARK: - Running

    /// Runs a cadence job: a message or dialog for one person, or a notice for the coordinators.
    func runRoutine(_ job: ScheduledJob, at now: Date, _ decision: inout Decision) {
        func finish(_ outcome: JobOutcome) { decision.record(.jobFinished(jobID: job.id, outcome: outcome, at: now)) }
        if job.kind == .monthlyReview {
            reviewMonth(before: now, &decision)
            postMonthlyReport(before: now, &decision)
            schedule(.monthlyReview, at: firstOfNextMonth(after: now), &decision)
            return finish(.done)
        }
        guard let pairID = job.kind.pairID, let pair = roster.pair(id: pairID) else {
            return finish(.skipped(reason: "the pair is no longer in the programme"))
        }
        guard !hasEnded(pair, at: now, in: decision.state) else { return finish(.skipped(reason: "the pair has ended")) }
        let person = job.kind.matrixID.flatMap(roster.person(matrixID:))
        /// Skipped now, with the rhythm kept: the next check-in or quiet-pair check is planned, and
        /// closing questions held back by a pause or an open incident wait a day and look again.
        func skip(_ reason: String, holding: Bool) {
            switch job.kind {
            case .closure where holding:
                let tomorrow = calendar(in: programmeZone).date(byAdding: .day, value: 1, to: now) ?? now.addingTimeInterval(86_400)
                return decision.record(.jobDeferred(jobID: job.id, until: tomorrow))
            case .checkIn:
                if let person, let due = nextCheckIn(of: person, in: pair, after: max(now, job.dueAt)) { schedule(job.kind, at: due, &decision) }
            case .meetingGap:
                if let period = cadence.noMeetingAfter {
                    schedule(job.kind, at: period.after(now, in: calendar(in: programmeZone)), &decision)
                }
            default:
                break
            }
            finish(.skipped(reason: reason))
        }
        if decision.state.pausedPairs.contains(pair.id) && job.kind != .pairEnding(pairID: pair.id) {
            return skip("the pair is paused", holding: true)
        }
        switch job.kind {
        case .meetingGap, .meetingGapNotice, .gapInvite, .bookNext:
            if now >= routineStops(for: pair, in: programmeZone) { return finish(.skipped(reason: "the pair is about to close")) }
        default:
            break
        }
        switch job.kind {
        case .meetingGap:
            if let upcoming = nextMeeting(of: pair, after: now, in: decision.state),
               let due = gapCheck(for: pair, lastMet: isoDay(upcoming.startsAt, in: programmeZone), in: decision.state) {
                schedule(.meetingGap(pairID: pair.id), at: due, &decision)
                return finish(.skipped(reason: "a meeting is planned"))
            }
            for member in [pair.mentorID, pair.menteeID].compactMap(roster.person(id:)) {
                schedule(.gapInvite(pairID: pair.id, matrixID: member.matrixID), at: now, &decision)
            }
            schedule(.meetingGapNotice(pairID: pair.id),
                     at: cadence.tellCoordinatorAfter.after(now, in: calendar(in: programmeZone)), &decision)
            return finish(.done)
        case .meetingGapNotice:
            if let upcoming = nextMeeting(of: pair, after: now, in: decision.state) {
                if let due = gapCheck(for: pair, lastMet: isoDay(upcoming.startsAt, in: programmeZone), in: decision.state) {
                    schedule(.meetingGap(pairID: pair.id), at: due, &decision)
                }
                return finish(.skipped(reason: "a meeting was planned after the invitation"))
            }
            let calendar = calendar(in: programmeZone)
            let since = nudgeTime(on: lastMeetingDays(in: decision.state)[pair.id] ?? pair.startDate, in: programmeZone)
            let days = since.flatMap { calendar.dateComponents([.day], from: calendar.startOfDay(for: $0), to: now).day } ?? 0
            tellCoordinators(key: "summary.no_meeting", parameters: ["pair": pair.id, "days": String(days)], &decision)
            // Still quiet: the same invitation and notice again after another stretch.
            if let period = cadence.noMeetingAfter {
                schedule(.meetingGap(pairID: pair.id), at: period.after(now, in: calendar), &decision)
            }
            return finish(.done)
        case .pairEnding:
            let language = configuration.programme.defaultLanguage
            let wording = DateWording(language: language, timeZone: programmeZone)
            let end = end(of: pair)
            let closure = before(end, by: cadence.closureBeforeEnd, in: programmeZone)
            tellCoordinators(key: "summary.pair_ending", parameters: [
                "pair": pair.id, "end": wording.dayAndTime(of: end).day, "closure": wording.dayAndTime(of: max(closure, now)).day,
            ], &decision)
            return finish(.done)
        default:
            break
        }
        // What is left reaches one person: an open incident, their stop, consent and hours apply.
        guard let person else { return finish(.skipped(reason: "the person is no longer in the programme")) }
        let purpose = switch job.kind {
        case .checkIn, .closure: "checkins"
        default: "meetings"
        }
        if let refusal = routineRefusal(for: person, pairID: pair.id, purpose: purpose, in: decision.state) {
            return skip(refusal.reason, holding: refusal.keepsRhythm)
        }
        if case .bookNext = job.kind, nextMeeting(of: pair, after: now, in: decision.state) != nil {
            return finish(.skipped(reason: "the next meeting is already planned"))
        }
        if let later = heldUntil(for: person, at: now, in: decision.state) {
            return decision.record(.jobDeferred(jobID: job.id, until: later))
        }
        switch job.kind {
        case .checkIn:
            let dialog = person.role == .mentor ? "mentor_checkin" : "mentee_checkin"
            begin(dialog, for: person, at: now, parameters: ["pair": pair.id], &decision)
            if let due = nextCheckIn(of: person, in: pair, after: max(now, job.dueAt)) { schedule(job.kind, at: due, &decision) }
        case .closure:
            begin("closure", for: person, at: now, parameters: ["pair": pair.id], &decision)
        case .gapInvite:
            say(Prompt(key: "bot.nudge.no_meeting", parameters: partnerName(pair.id, for: person)), to: person, &decision)
        case .bookNext:
            say(Prompt(key: "bot.nudge.book_next", parameters: partnerName(pair.id, for: person)), to: person, &decision)
        default:
            break
        }
        finish(.done)
    }

    /// The pairs that logged fewer meetings than the target in the month before `now`.
    private func reviewMonth(before now: Date, _ decision: inout Decision) {
        let calendar = calendar(in: programmeZone)
        guard let monthStart = calendar.date(byAdding: .month, value: -1, to: calendar.startOfDay(for: now)) else { return }
        let (first, last) = (isoDay(monthStart, in: programmeZone), isoDay(now.addingTimeInterval(-86_400), in: programmeZone))
        var met: [String: Int] = [:]
        for record in decision.state.records where record.dialogID == "log_meeting" {
            guard case .date(let day)? = record.answers["date"], day >= first, day <= last else { continue }
            for pairID in record.pairIDs { met[pairID, default: 0] += 1 }
        }
        // Only pairs that ran the whole month: a pair matched on the 20th is not behind.
        let below = roster.pairs.filter { pair in
            pair.startDate <= first && end(of: pair) > now && met[pair.id, default: 0] < cadence.meetingsPerMonth
        }
        guard !below.isEmpty else { return }
        let language = configuration.programme.defaultLanguage
        tellCoordinators(key: "summary.below_target", parameters: [
            "month": DateWording(language: language, timeZone: programmeZone).month(of: monthStart),
            "target": String(cadence.meetingsPerMonth),
            "pairs": below.map { "\($0.id) (\(met[$0.id, default: 0]))" }.joined(separator: ", "),
        ], &decision)
    }

    /// A notice for the coordinators' room about a pair, by its pseudonymous reference only.
    func tellCoordinators(key: String, parameters: [String: String], priority: OutboxMessage.Priority = .routine,
                          _ decision: inout Decision) {
        tellCoordinators(lines: [(key, parameters)], in: configuration.programme.defaultLanguage, priority: priority, &decision)
    }

    /// A notice of several catalog lines in the coordinators' room, in `language`.
    func tellCoordinators(lines: [(String, [String: String])], in language: String,
                          priority: OutboxMessage.Priority = .routine, _ decision: inout Decision) {
        let (body, html) = composer.compose(lines: lines.map { localizer.text($0.0, in: language, $0.1) }, in: language)
        decision.record(.messageQueued(OutboxMessage(
            transactionID: decision.nextID("mb-"), target: .coordinatorsRoom, kind: .notice, priority: priority, body: body,
            html: html)))
    }
}
