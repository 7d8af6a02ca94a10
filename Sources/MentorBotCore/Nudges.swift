import BotModel
import Dialogs
import Foundation

/// What the bot does on its own: reminders before meetings and the request to log them, kept as
/// durable jobs, sent in people's own language and time zone, never in their quiet hours, never
/// more than a few a day, and never to someone who said stop or did not agree to reminders.
extension BotCore {
    var schedule: Schedule { configuration.programme.schedule }

    /// Records a meeting's new state and brings its jobs in line with it: reminders and the log
    /// request while it is planned; nothing once it is cancelled, declined or logged.
    func save(_ meeting: Meeting, at now: Date, _ decision: inout Decision) {
        let before = decision.state.meeting(meeting.id)
        decision.record(.meetingSaved(meeting))
        if let before, before.startsAt != meeting.startsAt || !meeting.isUpcoming {
            withdrawConfirmations(of: meeting, at: now, &decision)
        }
        let existing = decision.state.jobs.filter { $0.kind.meetingID == meeting.id }
        let wanted = meeting.isUpcoming ? jobs(for: meeting, after: now) : []
        let same = existing.count == wanted.count
            && wanted.allSatisfy { kind, dueAt in existing.contains { $0.kind == kind && $0.dueAt == dueAt } }
        guard !same else { return }
        let reason = switch meeting.status {
        case .cancelled: "the meeting was cancelled"
        case .declined: "the meeting was declined"
        case .logged: "the meeting was logged"
        case .proposed, .confirmed: "the meeting was moved"
        }
        for job in existing { decision.record(.jobFinished(jobID: job.id, outcome: .skipped(reason: reason), at: now)) }
        for (kind, dueAt) in wanted {
            decision.record(.jobScheduled(ScheduledJob(id: decision.nextID("job-"), kind: kind, dueAt: dueAt)))
        }
    }

    /// A "does that suit you?" still open about a meeting that has since moved or been cancelled
    /// ends quietly: the person is told about the change itself instead.
    private func withdrawConfirmations(of meeting: Meeting, at now: Date, _ decision: inout Decision) {
        for person in roster.people {
            guard let dialog = decision.state.person(person.matrixID).dialog, dialog.dialogID == "meeting_confirm",
                  dialog.parameters["meeting"] == meeting.id else { continue }
            decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: dialog.dialogID, reason: .withdrawn))
            startQueued(for: person, at: now, &decision)
        }
    }

    /// Reminders to both members at each configured time before the meeting, then the log request.
    private func jobs(for meeting: Meeting, after now: Date) -> [(ScheduledJob.Kind, Date)] {
        guard let pair = roster.pair(id: meeting.pairID) else { return [] }
        var result: [(ScheduledJob.Kind, Date)] = []
        for offset in schedule.meetingReminders.sorted(by: >) {
            for personID in [pair.mentorID, pair.menteeID] {
                guard let person = roster.person(id: personID) else { continue }
                let dueAt = before(meeting.startsAt, by: offset, in: timeZone(of: person))
                if dueAt > now { result.append((.meetingReminder(meetingID: meeting.id, matrixID: person.matrixID), dueAt)) }
            }
        }
        if let mentor = roster.person(id: pair.mentorID) {
            let dueAt = meeting.startsAt.addingTimeInterval(schedule.meetingLength + schedule.logRequestAfterEnd)
            result.append((.logRequest(meetingID: meeting.id, matrixID: mentor.matrixID), dueAt))
        }
        return result
    }

    /// `offset` before `instant`; whole days are counted on the local calendar, so "the day before
    /// at 10:00" stays at 10:00 across a daylight-saving change.
    func before(_ instant: Date, by offset: TimeInterval, in zone: TimeZone) -> Date {
        let days = Int(offset / 86_400)
        guard offset > 0, offset == TimeInterval(days) * 86_400 else { return instant.addingTimeInterval(-offset) }
        return calendar(in: zone).date(byAdding: .day, value: -days, to: instant) ?? instant.addingTimeInterval(-offset)
    }

    /// Every job due by `now`, soonest first. After downtime this catches up: what still makes
    /// sense is sent, what no longer does is skipped with its reason.
    func runDueJobs(at now: Date, _ decision: inout Decision) {
        while let job = decision.state.nextJob, job.dueAt <= now {
            run(job, at: now, &decision)
        }
    }

    /// Every kind of job has one place that runs it, named here (no `default:`: a new kind must be
    /// placed): meetings below, safety follow-ups in `Incidents.swift`, the pair's rhythm in
    /// `Cadences.swift`.
    private func run(_ job: ScheduledJob, at now: Date, _ decision: inout Decision) {
        switch job.kind {
        case .incidentEscalation(let reference): return escalate(job, reference: reference, at: now, &decision)
        case .incidentReminder(let reference): return remindUnresolved(job, reference: reference, at: now, &decision)
        case .ticketReminder(let reference): return remindOpenTicket(job, reference: reference, at: now, &decision)
        case .checkIn, .meetingGap, .meetingGapNotice, .gapInvite, .bookNext, .pairEnding, .closure, .monthlyReview:
            return runRoutine(job, at: now, &decision)
        case .meetingReminder, .logRequest, .logReminder: break
        }
        func finish(_ outcome: JobOutcome) { decision.record(.jobFinished(jobID: job.id, outcome: outcome, at: now)) }
        guard let meeting = decision.state.meeting(job.kind.meetingID),
              let person = job.kind.matrixID.flatMap(roster.person(matrixID:)) else {
            return finish(.skipped(reason: "the meeting or the person is no longer in the programme"))
        }
        switch job.kind {
        case .meetingReminder:
            guard meeting.isUpcoming else { return finish(.skipped(reason: "the meeting is no longer planned")) }
            guard now < meeting.startsAt else { return finish(.skipped(reason: "the meeting had already begun")) }
        default:
            guard meeting.status != .logged else { return finish(.skipped(reason: "the meeting was logged")) }
            guard meeting.isUpcoming else { return finish(.skipped(reason: "the meeting did not take place as planned")) }
        }
        if let refusal = routineRefusal(for: person, pairID: meeting.pairID, purpose: "meetings", in: decision.state) {
            return finish(.skipped(reason: refusal.reason))
        }
        if let later = heldUntil(for: person, at: now, in: decision.state) {
            return decision.record(.jobDeferred(jobID: job.id, until: later))
        }
        let when = when(meeting.startsAt, for: person, in: decision.state)
        switch job.kind {
        case .meetingReminder:
            let language = language(of: person, in: decision.state)
            let parameters = partnerName(meeting.pairID, for: person).merging([
                "when": when, "place": meeting.place, "form": localizer.text("option.form.\(meeting.form)", in: language),
            ]) { own, _ in own }
            say(Prompt(key: "bot.nudge.meeting", parameters: parameters), to: person, &decision)
        default:
            say(Prompt(key: "bot.nudge.log", parameters: ["when": when]), to: person, &decision)
            begin("log_meeting", for: person, at: now, parameters: ["pair": meeting.pairID, "meeting": meeting.id], &decision)
            if case .logRequest = job.kind {
                decision.record(.jobScheduled(ScheduledJob(
                    id: decision.nextID("job-"), kind: .logReminder(meetingID: meeting.id, matrixID: person.matrixID),
                    dueAt: now.addingTimeInterval(schedule.logReminderAfter))))
            }
        }
        finish(.done)
    }

    /// The one gate for every job that writes to a person on its own: nothing while their pair is
    /// paused or they have an open safety incident (the job's rhythm is kept), nothing after their
    /// "stop" or without their consent to this purpose. Quiet hours and the daily limit only move
    /// a message later (`heldUntil`).
    func routineRefusal(for person: Person, pairID: String, purpose: String, in state: BotState) -> RoutineRefusal? {
        if state.pausedPairs.contains(pairID) { return .paused }
        if let reason = routineHold(for: person.matrixID, in: state) { return .held(reason) }
        let known = state.person(person.matrixID)
        if known.stopped { return .stopped }
        if known.consents?[purpose] != true { return .noConsent(purpose) }
        return nil
    }

    /// When a routine message to this person may go out, if not now: the end of their quiet
    /// hours, or the next morning once today's limit is reached. Safety messages never ask.
    func heldUntil(for person: Person, at now: Date, in state: BotState) -> Date? {
        let calendar = calendar(in: timeZone(of: person))
        let local = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (local.hour ?? 0) * 60 + (local.minute ?? 0)
        let (start, end) = (schedule.quietStart, schedule.quietEnd)
        let quiet = start > end ? (minute >= start || minute < end) : (minute >= start && minute < end)
        func morning(daysAhead: Int) -> Date? {
            guard let day = calendar.date(byAdding: .day, value: daysAhead, to: calendar.startOfDay(for: now)) else { return nil }
            return calendar.date(bySettingHour: end / 60, minute: end % 60, second: 0, of: day)
        }
        if quiet { return morning(daysAhead: minute >= end ? 1 : 0) }
        let today = state.person(person.matrixID).reachedOutAt.filter { calendar.isDate($0, inSameDayAs: now) }
        return today.count >= schedule.dailyLimit ? morning(daysAhead: 1) : nil
    }
}

/// Why a routine message may not reach a person (see `BotCore.routineRefusal`).
enum RoutineRefusal: Equatable {
    case paused
    /// An open safety incident, or whatever else holds routine messages back for now.
    case held(String)
    case stopped
    case noConsent(String)

    var reason: String {
        switch self {
        case .paused: "the pair is paused"
        case .held(let reason): reason
        case .stopped: "they said stop"
        case .noConsent(let purpose): purpose == "checkins" ? "no consent to check-ins" : "no consent to meeting reminders"
        }
    }

    /// Whether the job keeps its rhythm (tried again later) rather than ending for good.
    var keepsRhythm: Bool {
        switch self {
        case .paused, .held: true
        case .stopped, .noConsent: false
        }
    }
}
