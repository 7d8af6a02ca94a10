import BotModel
import Dialogs
import Foundation

/// What a completed dialog's answers can become (`outcome:` in a script). The validator accepts
/// exactly these names and `carryOut` must handle each (no `default:`): a new outcome is a case
/// here and its branch below.
enum DialogOutcome: String, CaseIterable {
    case consent
    /// Built in: the answer to "which of your pairs?" starts the dialog that asked it.
    case pairChosen = "pair_chosen"
    case meetingPlanned = "meeting_planned"
    case meetingConfirmed = "meeting_confirmed"
    case meetingChanged = "meeting_changed"
    case meetingLogged = "meeting_logged"
    case safetyChecked = "safety_checked"
    case concernReported = "concern_reported"
    case supportRequested = "support_requested"
}

/// What the core does when a dialog with an `outcome:` completes: the answers become meetings,
/// consents and tickets, and the other person in the pair is told what concerns them (only that).
extension BotCore {
    func carryOut(_ outcome: DialogOutcome, _ progress: DialogProgress, for person: Person, at now: Date,
                  headingExtra: inout [String: String], _ decision: inout Decision) {
        let answers = progress.answers
        switch outcome {
        case .consent:
            var consents: [String: Bool] = [:]
            for purpose in Self.consentPurposes.sorted() {
                if case .yesNo(let given)? = answers["consent_\(purpose)"] { consents[purpose] = given }
            }
            decision.record(.consentRecorded(matrixID: person.matrixID, consents: consents, at: now))
        case .pairChosen:
            guard let next = progress.parameters["then"], case .choice(let pairID)? = answers["pair"] else { return }
            var parameters = progress.parameters
            parameters["then"] = nil
            parameters["pair"] = pairID
            begin(next, for: person, at: now, parameters: parameters, &decision)
        case .meetingPlanned:
            guard let pair = pair(progress.parameters), case .date(let day)? = answers["date"], case .time(let time)? = answers["time"],
                  let startsAt = instant("\(day)T\(time)", in: timeZone(of: person)) else { return }
            let meeting = Meeting(id: decision.nextID("meeting-"), pairID: pair.id, plannedBy: person.id, startsAt: startsAt,
                                  timeZone: person.timeZone, place: answers["place"]?.canonical ?? "",
                                  form: answers["form"]?.canonical ?? "other", status: .proposed)
            save(meeting, at: now, &decision)
            askToConfirm(meeting, plannedBy: person, at: now, &decision)
        case .meetingConfirmed:
            guard var meeting = decision.state.meeting(progress.parameters["meeting"]),
                  case .yesNo(let confirmed)? = answers["confirmed"] else { return }
            meeting.status = confirmed ? .confirmed : .declined
            save(meeting, at: now, &decision)
            if let planner = roster.person(id: meeting.plannedBy) {
                tell(planner, confirmed ? "bot.meeting.confirmed" : "bot.meeting.declined", about: meeting, &decision)
            }
        case .meetingChanged:
            guard var meeting = decision.state.meeting(progress.parameters["meeting"]) else { return }
            if case .dateTime(let local)? = answers["new_time"], let startsAt = instant(local, in: timeZone(of: person)) {
                meeting.startsAt = startsAt
                meeting.timeZone = person.timeZone
                meeting.plannedBy = person.id
                meeting.status = .proposed
                save(meeting, at: now, &decision)
                if let partner = partner(of: person, in: meeting.pairID) {
                    say(Prompt(key: "bot.meeting.moved", parameters: partnerName(meeting.pairID, for: partner)), to: partner, &decision)
                }
                askToConfirm(meeting, plannedBy: person, at: now, &decision)
            } else if answers["cancel_confirmed"] == .yesNo(true) {
                meeting.status = .cancelled
                save(meeting, at: now, &decision)
                if let partner = partner(of: person, in: meeting.pairID) { tell(partner, "bot.meeting.cancelled", about: meeting, &decision) }
            }
        case .meetingLogged:
            // The meeting the log was asked for, or else the one planned for that day, if any, is
            // now logged rather than pending.
            guard let pair = pair(progress.parameters), case .date(let day)? = answers["date"] else { return }
            let zone = timeZone(of: person)
            let asked = decision.state.meeting(progress.parameters["meeting"]).flatMap { $0.status == .logged ? nil : $0 }
            if var meeting = asked ?? decision.state.meetings.first(where: {
                $0.pairID == pair.id && $0.status != .cancelled && $0.status != .logged && isoDay($0.startsAt, in: zone) == day
            }) {
                meeting.status = .logged
                save(meeting, at: now, &decision)
            }
            meetingLogged(in: pair, at: now, &decision)
        case .safetyChecked:
            safetyChecked(answers, for: person, at: now, &decision)
        case .concernReported:
            concernReported(answers, for: person, at: now, &decision)
        case .supportRequested:
            let reference = decision.state.nextReference(.ticket)
            decision.record(.ticketOpened(SupportTicket(
                reference: reference, personID: person.id, pairIDs: pairIDs(of: person, progress.parameters),
                area: answers["area"]?.canonical ?? "other", urgency: answers["urgency"]?.canonical ?? "no_rush",
                forWhom: answers["for_whom"]?.canonical ?? "me", description: answers["description"]?.canonical ?? "",
                status: .open, openedAt: now)))
            say(Prompt(key: "bot.support.received", parameters: ["reference": reference]), to: person, &decision)
            schedule(.ticketReminder(reference: reference), at: now.addingTimeInterval(safety.remindOpenSupportAfter), &decision)
            headingExtra["reference"] = reference
        }
    }

    /// Asks the other person in the pair whether the meeting suits them, in their language and time zone.
    private func askToConfirm(_ meeting: Meeting, plannedBy person: Person, at now: Date, _ decision: inout Decision) {
        guard let partner = partner(of: person, in: meeting.pairID) else { return }
        let language = language(of: partner, in: decision.state)
        begin("meeting_confirm", for: partner, at: now, parameters: [
            "pair": meeting.pairID, "meeting": meeting.id, "when": when(meeting.startsAt, for: partner, in: decision.state),
            "place": meeting.place, "form": localizer.text("option.form.\(meeting.form)", in: language),
        ], &decision)
    }

    private func tell(_ person: Person, _ key: String, about meeting: Meeting, _ decision: inout Decision) {
        let parameters = partnerName(meeting.pairID, for: person)
            .merging(["when": when(meeting.startsAt, for: person, in: decision.state)]) { own, _ in own }
        say(Prompt(key: key, parameters: parameters), to: person, &decision)
    }

    // MARK: - Pairs and meetings

    /// The pair a dialog is about: chosen (or the only one) when it started.
    func pair(_ parameters: [String: String]) -> Pair? {
        parameters["pair"].flatMap(roster.pair(id:))
    }

    /// The pairs an answer record belongs to: the one it was about, or all of the person's.
    func pairIDs(of person: Person, _ parameters: [String: String]) -> [String] {
        // The dialog's own pair even when the roster no longer has it (the closing questions
        // of a pair removed at a reload belong to that pair).
        parameters["pair"].map { [$0] } ?? roster.pairs(of: person).map(\.id)
    }

    func partner(of person: Person, in pairID: String) -> Person? {
        guard let pair = roster.pair(id: pairID) else { return nil }
        return roster.person(id: pair.partnerID(of: person.id))
    }

    /// For someone with several pairs, "{partner}" is the pair's name rather than "your mentee".
    func partnerName(_ pairID: String, for person: Person) -> [String: String] {
        guard roster.pairs(of: person).count > 1, let name = roster.pair(id: pairID)?.knownAs else { return [:] }
        return ["partner": name]
    }

    func nextMeeting(of pair: Pair, after now: Date, in state: BotState) -> Meeting? {
        state.meetings.filter { $0.pairID == pair.id && $0.isUpcoming && $0.startsAt > now }.min { $0.startsAt < $1.startsAt }
    }

    func meetingsLogged(by pair: Pair, in state: BotState) -> Int {
        state.records.filter { $0.dialogID == "log_meeting" && $0.pairIDs.contains(pair.id) }.count
    }

    /// "Friday 27 November at 14:30", in the person's language and time zone.
    func when(_ instant: Date, for person: Person, in state: BotState) -> String {
        let language = language(of: person, in: state)
        let (day, time) = DateWording(language: language, timeZone: timeZone(of: person)).dayAndTime(of: instant)
        return localizer.text("dialog.time_format", in: language, ["date": day, "time": time])
    }

    /// The instant of a local "YYYY-MM-DDTHH:MM" in a time zone. Across a daylight-saving gap the
    /// calendar moves the time forward, as a wall clock would.
    func instant(_ local: String, in zone: TimeZone) -> Date? {
        let parts = local.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count == 5 else { return nil }
        return calendar(in: zone).date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))
    }

    func isoDay(_ instant: Date, in zone: TimeZone) -> String {
        let c = calendar(in: zone).dateComponents([.year, .month, .day], from: instant)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
