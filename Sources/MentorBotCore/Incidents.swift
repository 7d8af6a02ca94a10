import BotModel
import Dialogs
import Foundation
import Safeguarding

/// Safety incidents, from the first alert to the outcome note (DOMAIN.md, "Safeguarding"). The
/// person hears at once what to do if in danger and when someone will be in touch; the
/// coordinators' room gets an alert that mentions who is on duty; nobody taking it on within
/// minutes brings a repeat and a direct message to the backup coordinators; a taken-on incident
/// not resolved in time brings a reminder. Nothing here waits for quiet hours or daily limits.
extension BotCore {
    var safety: SafetySettings { configuration.programme.safety }

    static let safetyCheck = "safety_check"

    /// Raises an incident for what `person` wrote or reported, or adds to the one already open.
    func raiseIncident(for person: Person, category: DangerCategory, phrase: String?, detail: String? = nil,
                       askIfSafe: Bool, at now: Date, _ decision: inout Decision) {
        if let open = decision.state.openIncident(of: person.matrixID) {
            return addToIncident(open, category: category, for: person, at: now, &decision)
        }
        let reference = decision.state.nextReference(.incident)
        decision.record(.incidentRaised(Incident(
            reference: reference, personID: person.id, matrixID: person.matrixID, role: person.role.rawValue,
            pairIDs: roster.pairs(of: person).map(\.id), category: category, phrase: phrase, detail: detail, raisedAt: now)))
        tellPersonWhatToDo(person, at: now, &decision)
        alertCoordinators(reference, key: "summary.incident", mention: roster.onDuty, at: now, &decision)
        schedule(.incidentEscalation(reference: reference), at: now.addingTimeInterval(safety.acknowledgeWithin), &decision)
        if askIfSafe { askWhetherSafe(person, at: now, &decision) }
    }

    /// More from someone whose incident is still open: the coordinators hear of it (everyone,
    /// if it is now more urgent), and the person gets the emergency contacts again.
    private func addToIncident(_ incident: Incident, category: DangerCategory, for person: Person, at now: Date,
                               _ decision: inout Decision) {
        if category.severity > incident.severity {
            decision.record(.incidentEscalated(reference: incident.reference, severity: category.severity, at: now))
        }
        let everyone = category.severity > incident.severity || incident.status == .open
        alertCoordinators(incident.reference, key: "summary.incident_more", extra: ["category": categoryName(category)],
                          mention: everyone ? roster.onDuty : [], at: now, &decision)
        if let dialog = decision.state.person(person.matrixID).dialog, dialog.dialogID == Self.safetyCheck {
            decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: dialog.dialogID, reason: .withdrawn))
        }
        say(Prompt(key: "bot.safety.reply", parameters: ["emergency": configuration.programme.emergencyNumber]), to: person, priority: .safety, &decision)
    }

    /// The emergency number, the programme's numbers, and who will be in touch by when.
    private func tellPersonWhatToDo(_ person: Person, at now: Date, _ decision: inout Decision) {
        say(Prompt(key: "bot.safety.reply", parameters: ["emergency": configuration.programme.emergencyNumber]), to: person, priority: .safety, &decision)
        if let phone = safety.programmePhone {
            say(Prompt(key: "bot.safety.programme_phone", parameters: ["number": phone]), to: person, priority: .safety, &decision)
        }
        if let helpline = safety.helpline {
            say(Prompt(key: "bot.safety.helpline", parameters: ["number": helpline]), to: person, priority: .safety, &decision)
        }
        let by = DateWording(language: language(of: person, in: decision.state), timeZone: timeZone(of: person))
            .dayAndTime(of: now.addingTimeInterval(safety.contactWithin)).time
        say(Prompt(key: "bot.safety.contact", parameters: ["time": by]), to: person, priority: .safety, &decision)
    }

    /// "Are you safe right now?": whatever the person was doing waits (they can say "continue").
    private func askWhetherSafe(_ person: Person, at now: Date, _ decision: inout Decision) {
        guard let script = library.scripts[Self.safetyCheck] else { return }
        if let dialog = decision.state.person(person.matrixID).dialog {
            decision.record(.dialogPaused(matrixID: person.matrixID, progress: dialog))
        }
        let runner = DialogRunner(script: script)
        let turn = runner.start(at: now, parameters: ["emergency": configuration.programme.emergencyNumber])
        apply(turn, of: runner, for: person, at: now, &decision)
    }

    /// The answer to "are you safe?": a "no" makes the incident urgent and alerts everyone.
    func safetyChecked(_ answers: [String: AnswerValue], for person: Person, at now: Date, _ decision: inout Decision) {
        guard answers["safe"]?.canonical == "no", let incident = decision.state.openIncident(of: person.matrixID) else { return }
        decision.record(.incidentEscalated(reference: incident.reference, severity: .urgent, at: now))
        alertCoordinators(incident.reference, key: "summary.incident_unsafe", mention: roster.coordinators, at: now, &decision)
    }

    /// A mentee's private report about their mentor: an incident the mentor never hears of.
    func concernReported(_ answers: [String: AnswerValue], for person: Person, at now: Date, _ decision: inout Decision) {
        let unsafe = answers["safe_now"]?.canonical == "no"
        if let open = decision.state.openIncident(of: person.matrixID) {
            return addToIncident(open, category: unsafe ? .threat : .mentorMisconduct, for: person, at: now, &decision)
        }
        let reference = decision.state.nextReference(.incident)
        decision.record(.incidentRaised(Incident(
            reference: reference, personID: person.id, matrixID: person.matrixID, role: person.role.rawValue,
            pairIDs: roster.pairs(of: person).map(\.id), category: .mentorMisconduct, phrase: nil,
            detail: answers["what"]?.canonical, raisedAt: now)))
        if unsafe {
            decision.record(.incidentEscalated(reference: reference, severity: .urgent, at: now))
            tellPersonWhatToDo(person, at: now, &decision)
        }
        alertCoordinators(reference, key: "summary.incident", mention: unsafe ? roster.coordinators : roster.onDuty, at: now, &decision)
        schedule(.incidentEscalation(reference: reference), at: now.addingTimeInterval(safety.acknowledgeWithin), &decision)
    }

    /// An `m.text` in the coordinators' room that mentions `mention`: short reference, severity,
    /// category, pseudonymous pair, time, and how to act. Never the person's words.
    func alertCoordinators(_ reference: String, key: String, extra: [String: String] = [:], mention: [Person], at now: Date,
                           _ decision: inout Decision) {
        guard let incident = decision.state.incident(reference) else { return }
        let language = configuration.programme.defaultLanguage
        let time = DateWording(language: language, timeZone: programmeZone).dayAndTime(of: incident.raisedAt)
        var parameters = [
            "reference": reference, "severity": localizer.text("severity.\(incident.severity.rawValue)", in: language),
            "category": categoryName(incident.category), "pair": incident.pairIDs.isEmpty ? incident.personID : incident.pairIDs.joined(separator: ", "),
            "role": localizer.text("role.\(incident.role)", in: language), "time": "\(time.day) \(time.time)",
            "minutes": String(Int(now.timeIntervalSince(incident.raisedAt) / 60)),
        ]
        parameters.merge(extra) { _, new in new }
        var lines = [localizer.text(key, in: language, parameters)]
        if let detail = incident.detail {
            lines.append("• \(localizer.text("summary.field.what", in: language)): \(localizer.text("option.concern.\(detail)", in: language))")
        }
        let (body, html) = composer.compose(lines: lines, in: language)
        let transactionID = decision.nextID("mb-")
        decision.record(.messageQueued(OutboxMessage(
            transactionID: transactionID, target: .coordinatorsRoom, kind: .text, priority: .safety, body: body, html: html,
            mentions: mention.map(\.matrixID))))
        decision.record(.incidentAlerted(reference: reference, transactionID: transactionID, at: now))
    }

    func categoryName(_ category: DangerCategory) -> String {
        localizer.text("category.\(category.rawValue)", in: configuration.programme.defaultLanguage)
    }

    /// Nobody took the incident on in time: alert again, mentioning every coordinator, and write
    /// to each backup coordinator directly; then wait again, up to the configured repeats.
    func escalate(_ job: ScheduledJob, reference: String, at now: Date, _ decision: inout Decision) {
        func finish(_ outcome: JobOutcome) { decision.record(.jobFinished(jobID: job.id, outcome: outcome, at: now)) }
        guard let incident = decision.state.incident(reference), incident.status == .open else {
            return finish(.skipped(reason: "the incident was taken on"))
        }
        alertCoordinators(reference, key: "summary.incident_unacknowledged", mention: roster.coordinators, at: now, &decision)
        for backup in roster.backups {
            say(Prompt(key: "bot.incident.backup", parameters: [
                "reference": reference, "pair": incident.pairIDs.joined(separator: ", "),
                "minutes": String(Int(now.timeIntervalSince(incident.raisedAt) / 60)),
            ]), to: backup, priority: .safety, &decision)
        }
        // The first alert plus this many repeats.
        if incident.alertsSent + 1 <= safety.reAlerts {
            schedule(.incidentEscalation(reference: reference), at: now.addingTimeInterval(safety.acknowledgeWithin), &decision)
        }
        finish(.done)
    }

    /// Taken on but not resolved in time: a reminder, again at the same interval until resolved.
    func remindUnresolved(_ job: ScheduledJob, reference: String, at now: Date, _ decision: inout Decision) {
        guard let incident = decision.state.incident(reference), incident.isOpen else {
            return decision.record(.jobFinished(jobID: job.id, outcome: .skipped(reason: "the incident was resolved"), at: now))
        }
        let hours = String(Int(now.timeIntervalSince(incident.acknowledgedAt ?? incident.raisedAt) / 3_600))
        tellCoordinators(key: "summary.incident_reminder", parameters: ["reference": reference, "hours": hours],
                         priority: .safety, &decision)
        schedule(.incidentReminder(reference: reference), at: now.addingTimeInterval(safety.resolveWithin), &decision)
        decision.record(.jobFinished(jobID: job.id, outcome: .done, at: now))
    }

    /// A support request still waiting: the coordinators hear of it again, until it is resolved.
    func remindOpenTicket(_ job: ScheduledJob, reference: String, at now: Date, _ decision: inout Decision) {
        guard let ticket = decision.state.tickets.first(where: { $0.reference == reference }), ticket.status != .resolved else {
            return decision.record(.jobFinished(jobID: job.id, outcome: .skipped(reason: "the request was resolved"), at: now))
        }
        let language = configuration.programme.defaultLanguage
        tellCoordinators(key: "summary.ticket_overdue", parameters: [
            "reference": reference, "area": localizer.text("option.area.\(ticket.area)", in: language),
            "status": localizer.text("status.\(ticket.status.rawValue)", in: language),
            "days": String(Int(now.timeIntervalSince(ticket.openedAt) / 86_400)),
        ], &decision)
        schedule(.ticketReminder(reference: reference), at: now.addingTimeInterval(safety.remindOpenSupportAfter), &decision)
        decision.record(.jobFinished(jobID: job.id, outcome: .done, at: now))
    }

    /// A coordinator takes an incident on: the others see who, the person hears someone has it.
    func acknowledge(_ reference: String, by coordinator: Person, at now: Date, _ decision: inout Decision) -> Bool {
        guard let incident = decision.state.incident(reference), incident.status == .open else { return false }
        decision.record(.incidentAcknowledged(reference: reference, by: coordinator.id, at: now))
        if let person = roster.person(matrixID: incident.matrixID) {
            say(Prompt(key: "bot.safety.acknowledged", parameters: ["emergency": configuration.programme.emergencyNumber]),
                to: person, priority: .safety, &decision)
        }
        schedule(.incidentReminder(reference: reference), at: now.addingTimeInterval(safety.resolveWithin), &decision)
        return true
    }

    /// Why a routine message must not go to this person now, if it must not.
    func routineHold(for matrixID: String, in state: BotState) -> String? {
        state.openIncident(of: matrixID) != nil ? "an open safety incident" : nil
    }
}
