import Dialogs
import Foundation
import Safeguarding

/// Everything that changes the bot's state, as written to the journal. The state is exactly the
/// fold of these events, so replaying the journal after a crash rebuilds it. Inbound message
/// text is never an event: only the structured facts decided from it.
public enum DomainEvent: Codable, Sendable, Equatable {
    /// The first start ever: messages sent before it are history, never commands.
    case firstStarted(at: Date)
    case syncAdvanced(token: String)
    case inboundHandled(eventID: String)
    case roomRequested(RoomRequest)
    case roomRequestFinished(requestID: String)
    case directRoomLinked(matrixID: String, roomID: String)
    /// The person's direct room is gone (they left, or it became encrypted or a group): the next
    /// message to them opens a new one.
    case directRoomUnlinked(matrixID: String)
    /// The bot joined a room on this person's invite; whether it is a direct room waits for what
    /// the next /sync batch says about it (members, encryption).
    case inviteAccepted(roomID: String, matrixID: String)
    /// That room is decided: made the person's direct room, or said goodbye to and left.
    case roomSettled(roomID: String)
    /// The coordinators were told that this person opened an encrypted chat (once per person).
    case encryptedRoomReported(matrixID: String)
    /// The person was told that an edit is not taken as a new answer (once per person).
    case editExplained(matrixID: String)
    case coordinatorsRoomLinked(roomID: String)
    case messageQueued(OutboxMessage)
    case messageSent(transactionID: String, eventID: String)
    /// The homeserver refused the message for good (e.g. the person left the room).
    case messageAbandoned(transactionID: String, reason: String)
    case greeted(matrixID: String)
    case languageChosen(matrixID: String, language: String)
    case stopped(matrixID: String, at: Date)
    case restarted(matrixID: String, at: Date)
    case dialogMoved(matrixID: String, progress: DialogProgress)
    case dialogEnded(matrixID: String, dialogID: String, reason: DialogEndReason)
    case answersRecorded(AnswerRecord)
    /// The onboarding answers: consent per purpose ("checkins", "meetings", "evaluation").
    case consentRecorded(matrixID: String, consents: [String: Bool], at: Date)
    /// "later": the dialog waits until the person says "continue".
    case dialogPaused(matrixID: String, progress: DialogProgress)
    case dialogResumed(matrixID: String)
    case dialogQueued(matrixID: String, QueuedDialog)
    case dialogDequeued(matrixID: String)
    /// A meeting planned, confirmed, declined, moved, cancelled or logged: its whole new state.
    case meetingSaved(Meeting)
    case ticketOpened(SupportTicket)
    /// "Talk to a person": a non-urgent request passed to the coordinators.
    case personRequested(matrixID: String, at: Date)
    /// Written by versions before safety incidents; no longer recorded (the incident events say
    /// it all), kept so that an older journal still replays.
    case safetyWordUsed(matrixID: String, at: Date)
    /// A coordinator paused a pair: no routine messages to either member until it is resumed.
    case pairPaused(pairID: String, by: String, at: Date)
    case pairResumed(pairID: String, by: String, at: Date)
    /// A safety incident: raised, alerted (first alert and repeats), made more urgent,
    /// acknowledged and resolved, each with who and when.
    case incidentRaised(Incident)
    case incidentAlerted(reference: String, transactionID: String, at: Date)
    case incidentEscalated(reference: String, severity: Severity, at: Date)
    case incidentAcknowledged(reference: String, by: String, at: Date)
    case incidentResolved(reference: String, by: String, at: Date, outcome: String)
    /// The screening was unsure about a message: the person was asked gently, the inbox has a note.
    case worryNoted(Worry)
    /// Several worries about one person raised this incident.
    case worriesEscalated(references: [String], incident: String)
    case worryAcknowledged(reference: String, by: String, at: Date)
    /// A support request moved on (in progress, referred, resolved), by a coordinator.
    case ticketUpdated(reference: String, status: SupportTicket.Status, by: String, at: Date, note: String?)
    /// A coordinator closed a pair early; its end is now.
    case pairClosed(pairID: String, by: String, at: Date)
    case jobScheduled(ScheduledJob)
    /// Quiet hours or the daily limit hold a routine message back: same job, later.
    case jobDeferred(jobID: String, until: Date)
    case jobFinished(jobID: String, outcome: JobOutcome, at: Date)
    /// An operator or coordinator action on people's data (an export, an erasure), for the audit log.
    case audited(AuditEntry)
    /// A coordinator asked in the coordinators' room to erase a person's data; it waits for their "yes".
    case erasureAsked(personID: String, by: String, at: Date)
    /// The coordinator confirmed: the shell erases the person's data from every file (no event
    /// can: it would name what it erases) and reports back with `Input.erased`.
    case erasureConfirmed(personID: String, by: String, at: Date)
    /// A mentor or mentee was taken off the roster by a reload; retention erases their data later.
    case leftRoster(DepartedPerson)
}

/// Who did what to whose data, when: never the data itself.
public struct AuditEntry: Codable, Sendable, Equatable {
    /// "export", "erase".
    public var action: String
    /// The roster id or reference acted on.
    public var subject: String
    /// The coordinator's roster id, or the operator's account on the machine.
    public var by: String
    public var at: Date
    /// Counts, never content ("12 answers, 1 incident").
    public var detail: String?

    public init(action: String, subject: String, by: String, at: Date, detail: String? = nil) {
        self.action = action
        self.subject = subject
        self.by = by
        self.at = at
        self.detail = detail
    }
}

public enum DialogEndReason: String, Codable, Sendable {
    case completed, stopped, stuck
    /// Left unanswered longer than the dialog's `expires_after`.
    case expired
    /// What it asked about no longer applies (a meeting to confirm was moved or cancelled).
    case withdrawn
}
