import BotModel
import Dialogs
import Foundation
import Safeguarding

/// What coordinators write in the coordinators' room: a command word in their language (or
/// English), then a reference and sometimes a note: "ack I-001", "resolve I-001 called her, safe
/// at a friend's", "pause P-001". Anyone else writing there gets no answer at all, so that trying
/// teaches nothing; ordinary talk between coordinators gets none either.
/// A coordinator command: its word (a catalog meaning under `words:`, matched in the coordinator's
/// language and in English), whether a reference ("I-001", "S-002", "P-014") and maybe a note
/// follow, and what it does, as reply lines (catalog keys with their parameters).
struct CoordinatorCommand: Sendable {
    struct Request {
        /// Upper-cased; nil for the commands that take none.
        var reference: String?
        var note: String?
        var coordinator: Person
        var now: Date
    }

    typealias Reply = [(String, [String: String])]

    let meaning: String
    let takesReference: Bool
    let perform: @Sendable (BotCore, Request, inout Decision) -> Reply
}

extension BotCore {
    /// Every coordinator command, in one place. A new command is one entry here (with its method
    /// below if it needs one), its word under `words:` and its replies in every catalog; the
    /// catalog check (`mentorbot check`) insists every word here exists.
    static let coordinatorCommands: [CoordinatorCommand] = [
        CoordinatorCommand(meaning: "help", takesReference: false) { _, _, _ in [("coordinator.help", [:])] },
        CoordinatorCommand(meaning: "inbox", takesReference: false) { core, _, decision in core.inbox(decision.state) },
        CoordinatorCommand(meaning: "pairs", takesReference: false) { core, request, decision in
            core.pairsOverview(decision.state, at: request.now)
        },
        CoordinatorCommand(meaning: "show", takesReference: true) { core, request, decision in
            core.show(request.reference ?? "", decision.state)
        },
        CoordinatorCommand(meaning: "ack", takesReference: true) { core, request, decision in core.acknowledgeCommand(request, &decision) },
        CoordinatorCommand(meaning: "resolve", takesReference: true) { core, request, decision in core.resolveCommand(request, &decision) },
        CoordinatorCommand(meaning: "in_progress", takesReference: true) { core, request, decision in
            core.updateTicket(request.reference ?? "", to: .inProgress, note: nil, by: request.coordinator, at: request.now, &decision)
        },
        CoordinatorCommand(meaning: "refer", takesReference: true) { core, request, decision in
            core.updateTicket(request.reference ?? "", to: .referred, note: request.note, by: request.coordinator, at: request.now, &decision)
        },
        CoordinatorCommand(meaning: "pause_pair", takesReference: true) { core, request, decision in
            core.withPair(request) { pair in
                if !decision.state.pausedPairs.contains(pair.id) {
                    decision.record(.pairPaused(pairID: pair.id, by: request.coordinator.id, at: request.now))
                }
                return [("coordinator.paused", ["pair": pair.id])]
            }
        },
        CoordinatorCommand(meaning: "resume_pair", takesReference: true) { core, request, decision in
            core.withPair(request) { pair in
                if decision.state.pausedPairs.contains(pair.id) {
                    decision.record(.pairResumed(pairID: pair.id, by: request.coordinator.id, at: request.now))
                }
                return [("coordinator.resumed", ["pair": pair.id])]
            }
        },
        CoordinatorCommand(meaning: "close_pair", takesReference: true) { core, request, decision in
            core.withPair(request) { pair in core.closePair(pair, by: request.coordinator, at: request.now, &decision) }
        },
        CoordinatorCommand(meaning: "erase_person", takesReference: true) { core, request, decision in
            core.eraseCommand(request, &decision)
        },
    ]

    /// The command in `text` with what follows it, or nil for ordinary conversation.
    func coordinatorCommand(_ text: String, language: String) -> (CoordinatorCommand, reference: String?, note: String?)? {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 2).map(String.init)
        guard let first = parts.first else { return nil }
        let reference = parts.count > 1 ? parts[1].trimmingCharacters(in: .punctuationCharacters).uppercased() : nil
        let note = parts.count > 2 ? parts[2].trimmingCharacters(in: .whitespaces) : nil
        // A reference looks like one ("I-001", "S-002", "P-014") or is a person's roster id ("E12"):
        // "show me the list" is conversation.
        guard reference.map({ ($0.contains("-") || rosterPerson($0) != nil) && $0.count <= 12 }) ?? true else { return nil }
        for command in Self.coordinatorCommands where localizer.matches(first, meaning: command.meaning, in: language) {
            guard command.takesReference == (reference != nil), command.takesReference || note == nil else { return nil }
            return (command, reference, note)
        }
        return nil
    }

    /// Handles a message in the coordinators' room; false if it was not in that room.
    func receiveInCoordinatorsRoom(_ text: InboundText, at now: Date, _ decision: inout Decision) -> Bool {
        guard text.roomID == decision.state.coordinatorsRoomID else { return false }
        guard let firstStart = decision.state.firstStartedAt, text.sentAt >= firstStart,
              let coordinator = roster.person(matrixID: text.sender), coordinator.role == .coordinator else { return true }
        let language = language(of: coordinator, in: decision.state)
        guard let (command, reference, note) = coordinatorCommand(text.body, language: language) else { return true }
        decision.record(.inboundHandled(eventID: text.eventID))
        let request = CoordinatorCommand.Request(reference: reference, note: note, coordinator: coordinator, now: now)
        let reply = command.perform(self, request, &decision)
        // A confirmed erasure answers once it is done (`erased`), not now.
        if !reply.isEmpty { tellCoordinators(lines: reply, in: language, &decision) }
        return true
    }

    /// A reaction to a safety alert, by a coordinator, takes the incident on.
    func receiveReactionInCoordinatorsRoom(_ reaction: InboundReaction, at now: Date, _ decision: inout Decision) -> Bool {
        guard reaction.roomID == decision.state.coordinatorsRoomID else { return false }
        guard let coordinator = roster.person(matrixID: reaction.sender), coordinator.role == .coordinator,
              let incident = decision.state.incidents.last(where: { $0.alertEventIDs.contains(reaction.relatesTo) }) else { return true }
        decision.record(.inboundHandled(eventID: reaction.eventID))
        guard acknowledge(incident.reference, by: coordinator, at: now, &decision) else { return true }
        tellCoordinators(key: "coordinator.acknowledged", parameters: ["reference": incident.reference, "who": coordinator.matrixID],
                         &decision)
        return true
    }

    // MARK: - What the commands do

    private func inbox(_ state: BotState) -> CoordinatorCommand.Reply {
        let incidents = state.incidents.filter(\.isOpen).map { incidentLine($0, state) }
        let tickets = state.tickets.filter { $0.status != .resolved }.map { ticketLine($0) }
        // Worries last: they are the low-priority part of the inbox.
        let worries = state.worries.filter(\.isOpen).map { worryLine($0) }
        let open = incidents + tickets + worries
        return open.isEmpty ? [("coordinator.inbox.empty", [:])] : [("coordinator.inbox.title", [:])] + open
    }

    private func pairsOverview(_ state: BotState, at now: Date) -> CoordinatorCommand.Reply {
        // Read once for every pair: the logs and the pending check-ins.
        let lastMet = lastMeetingDays(in: state)
        var checkIns: [ScheduledJob.Kind: Date] = [:]
        for job in state.jobs { if case .checkIn = job.kind { checkIns[job.kind] = job.dueAt } }
        return roster.pairs.map { pairLine($0, lastMet: lastMet[$0.id], checkIns: checkIns, state, at: now) }
    }

    private func show(_ reference: String, _ state: BotState) -> CoordinatorCommand.Reply {
        if let incident = state.incident(reference) {
            var lines = [incidentLine(incident, state), ("coordinator.show.alerts", ["count": String(incident.alertsSent)])]
            if let phrase = incident.phrase { lines.append(("coordinator.show.phrase", ["phrase": phrase])) }
            if let outcome = incident.outcome { lines.append(("coordinator.show.outcome", ["note": outcome])) }
            return lines
        }
        if let ticket = state.tickets.first(where: { $0.reference == reference }) {
            let language = configuration.programme.defaultLanguage
            var lines = [ticketLine(ticket), ("coordinator.show.ticket", [
                "urgency": localizer.text("support_request.urgency.\(ticket.urgency)", in: language),
                "for_whom": localizer.text("support_request.for_whom.\(ticket.forWhom)", in: language),
            ])]
            if !ticket.description.isEmpty { lines.append(("coordinator.show.their_words", ["text": ticket.description])) }
            if let note = ticket.note { lines.append(("coordinator.show.outcome", ["note": note])) }
            return lines
        }
        return [("coordinator.unknown_reference", ["reference": reference])]
    }

    private func acknowledgeCommand(_ request: CoordinatorCommand.Request, _ decision: inout Decision) -> CoordinatorCommand.Reply {
        let reference = request.reference ?? "", coordinator = request.coordinator
        if let worry = decision.state.worries.first(where: { $0.reference == reference }) {
            // A worry was never an alert: the person is not told anything, it only leaves the inbox.
            _ = acknowledgeWorry(reference, by: coordinator, at: request.now, &decision)
            let who = decision.state.worries.first { $0.reference == reference }?.acknowledgedBy ?? worry.incident ?? coordinator.id
            return [("coordinator.worry_seen", ["reference": reference, "who": roster.person(id: who)?.matrixID ?? who])]
        }
        guard let incident = decision.state.incident(reference) else { return [("coordinator.unknown_reference", ["reference": reference])] }
        guard acknowledge(reference, by: coordinator, at: request.now, &decision) else {
            return [("coordinator.already", ["reference": reference, "status": statusName(incident, decision.state)])]
        }
        return [("coordinator.acknowledged", ["reference": reference, "who": coordinator.matrixID])]
    }

    private func resolveCommand(_ request: CoordinatorCommand.Request, _ decision: inout Decision) -> CoordinatorCommand.Reply {
        let reference = request.reference ?? "", note = request.note ?? ""
        guard !note.isEmpty else { return [("coordinator.note_needed", ["reference": reference])] }
        if let incident = decision.state.incident(reference) {
            guard incident.isOpen else {
                return [("coordinator.already", ["reference": reference, "status": statusName(incident, decision.state)])]
            }
            decision.record(.incidentResolved(reference: reference, by: request.coordinator.id, at: request.now, outcome: note))
            if let person = roster.person(matrixID: incident.matrixID), decision.state.person(person.matrixID).dialog?.dialogID == Self.safetyCheck {
                decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: Self.safetyCheck, reason: .withdrawn))
            }
            return [("coordinator.resolved", ["reference": reference])]
        }
        return updateTicket(reference, to: .resolved, note: note, by: request.coordinator, at: request.now, &decision)
    }

    /// The roster's person with this id, whatever its case (references are read upper-cased).
    func rosterPerson(_ id: String) -> Person? {
        roster.person(id: id) ?? roster.people.first { $0.id.uppercased() == id }
    }

    /// "erase E12": says what will go and asks for a yes; "erase E12 yes" within 15 minutes, by
    /// the same coordinator, has the shell erase it from every file (BotRuntime.erase), after which
    /// `erased(personID:by:)` tells the room.
    private func eraseCommand(_ request: CoordinatorCommand.Request, _ decision: inout Decision) -> CoordinatorCommand.Reply {
        let id = request.reference ?? ""
        guard let person = rosterPerson(id) else { return [("coordinator.erase.unknown", ["person": id])] }
        guard person.role != .coordinator else { return [("coordinator.erase.coordinator", ["person": person.id])] }
        let language = language(of: request.coordinator, in: decision.state)
        let saysYes = request.note.map { localizer.matches($0, meaning: "yes", in: language) } ?? false
        guard saysYes else {
            decision.record(.erasureAsked(personID: person.id, by: request.coordinator.id, at: request.now))
            return [("coordinator.erase.confirm", ["person": person.id, "pairs": roster.pairs(of: person).map(\.id).joined(separator: ", ")])]
        }
        guard let asked = decision.state.erasureRequests[person.id], asked.by == request.coordinator.id, asked.confirmedAt == nil,
              request.now.timeIntervalSince(asked.askedAt) <= Self.erasureConfirmationWindow else {
            return [("coordinator.erase.ask_first", ["person": person.id])]
        }
        decision.record(.erasureConfirmed(personID: person.id, by: request.coordinator.id, at: request.now))
        return []
    }

    static let erasureConfirmationWindow: TimeInterval = 15 * 60

    /// The shell erased a person's data on a coordinator's confirmed request.
    func erased(personID: String, _ decision: inout Decision) {
        tellCoordinators(key: "coordinator.erase.done", parameters: ["person": personID], &decision)
    }

    /// People whose erasure a coordinator confirmed, for the shell to carry out.
    public func erasuresConfirmed(in state: BotState) -> [(person: Person, by: String)] {
        state.erasureRequests.filter { $0.value.confirmedAt != nil }.sorted { $0.key < $1.key }.compactMap { id, request in
            roster.person(id: id).map { ($0, request.by) }
        }
    }

    /// The pair the command names, or the reply that there is none.
    private func withPair(_ request: CoordinatorCommand.Request, _ body: (Pair) -> CoordinatorCommand.Reply) -> CoordinatorCommand.Reply {
        let pairID = request.reference ?? ""
        guard let pair = roster.pairs.first(where: { $0.id.uppercased() == pairID }) else { return [("coordinator.no_pair", ["pair": pairID])] }
        return body(pair)
    }

    private func closePair(_ pair: Pair, by coordinator: Person, at now: Date, _ decision: inout Decision) -> [(String, [String: String])] {
        guard end(pair, by: coordinator.id, at: now, &decision) else { return [("coordinator.already_closed", ["pair": pair.id])] }
        return [("coordinator.closed", ["pair": pair.id])]
    }

    /// A pair ends now (a coordinator closed it, or it left the roster): the closing questions go
    /// to both (to any who agreed to questions and are still in the programme), and every routine
    /// job of the pair finds it ended. False if it had ended already.
    func end(_ pair: Pair, by: String, at now: Date, _ decision: inout Decision) -> Bool {
        guard !hasEnded(pair, at: now, in: decision.state) else { return false }
        decision.record(.pairClosed(pairID: pair.id, by: by, at: now))
        if decision.state.pausedPairs.contains(pair.id) { decision.record(.pairResumed(pairID: pair.id, by: by, at: now)) }
        for member in [pair.mentorID, pair.menteeID].compactMap(roster.person(id:)) where decision.state.person(member.matrixID).consents?["checkins"] == true {
            begin("closure", for: member, at: now, parameters: ["pair": pair.id], &decision)
        }
        return true
    }

    private func updateTicket(_ reference: String, to status: SupportTicket.Status, note: String?, by coordinator: Person, at now: Date,
                              _ decision: inout Decision) -> [(String, [String: String])] {
        guard let ticket = decision.state.tickets.first(where: { $0.reference == reference }) else {
            return [("coordinator.unknown_reference", ["reference": reference])]
        }
        let language = configuration.programme.defaultLanguage
        guard ticket.status != .resolved else {
            return [("coordinator.already", ["reference": reference, "status": localizer.text("status.resolved", in: language)])]
        }
        decision.record(.ticketUpdated(reference: reference, status: status, by: coordinator.id, at: now, note: note))
        if let requester = roster.person(id: ticket.personID) {
            say(Prompt(key: "bot.support.\(status.rawValue)", parameters: ["reference": reference]), to: requester, &decision)
        }
        return [("coordinator.ticket_updated", ["reference": reference, "status": localizer.text("status.\(status.rawValue)", in: language)])]
    }

    private func incidentLine(_ incident: Incident, _ state: BotState) -> (String, [String: String]) {
        let language = configuration.programme.defaultLanguage
        let time = DateWording(language: language, timeZone: programmeZone).dayAndTime(of: incident.raisedAt)
        return ("coordinator.inbox.incident", [
            "reference": incident.reference, "severity": localizer.text("severity.\(incident.severity.rawValue)", in: language),
            "category": categoryName(incident.category), "pair": incident.pairIDs.joined(separator: ", "),
            "time": "\(time.day) \(time.time)", "status": statusName(incident, state),
        ])
    }

    private func statusName(_ incident: Incident, _ state: BotState) -> String {
        let language = configuration.programme.defaultLanguage
        let who = incident.acknowledgedBy.flatMap(roster.person(id:))?.matrixID ?? incident.acknowledgedBy ?? ""
        return localizer.text("status.\(incident.status.rawValue)", in: language, ["who": who])
    }

    private func ticketLine(_ ticket: SupportTicket) -> (String, [String: String]) {
        let language = configuration.programme.defaultLanguage
        let since = DateWording(language: language, timeZone: programmeZone).dayAndTime(of: ticket.updatedAt ?? ticket.openedAt).day
        return ("coordinator.inbox.ticket", [
            "reference": ticket.reference, "area": localizer.text("option.area.\(ticket.area)", in: language),
            "pair": ticket.pairIDs.joined(separator: ", "), "status": localizer.text("status.\(ticket.status.rawValue)", in: language),
            "time": since,
        ])
    }

    /// One pair at a glance: last meeting, next check-ins, paused or closed.
    private func pairLine(_ pair: Pair, lastMet: String?, checkIns: [ScheduledJob.Kind: Date], _ state: BotState,
                          at now: Date) -> (String, [String: String]) {
        let language = configuration.programme.defaultLanguage
        let wording = DateWording(language: language, timeZone: programmeZone)
        let none = localizer.text("coordinator.pairs.none", in: language)
        func next(_ personID: String) -> String {
            guard let person = roster.person(id: personID),
                  let due = checkIns[.checkIn(pairID: pair.id, matrixID: person.matrixID)] else { return none }
            return wording.dayAndTime(of: due).day
        }
        var flags = ""
        if hasEnded(pair, at: now, in: state) { flags = localizer.text("coordinator.pairs.ended", in: language) }
        else if state.pausedPairs.contains(pair.id) { flags = localizer.text("coordinator.pairs.paused", in: language) }
        return ("coordinator.pairs.line", ["pair": pair.id, "last": lastMet.flatMap { wording.day($0) } ?? none,
                                           "mentor": next(pair.mentorID), "mentee": next(pair.menteeID), "flags": flags])
    }
}
