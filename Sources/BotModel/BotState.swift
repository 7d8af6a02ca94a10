import Dialogs
import Foundation

/// All the bot knows, rebuilt from a snapshot plus the journal. Pure data with one way to change
/// it, `apply(_:)`, so the daemon and the tests can never disagree about what an event means.
public struct BotState: Codable, Sendable, Equatable {
    public struct PersonState: Codable, Sendable, Equatable {
        public internal(set) var directRoomID: String?
        /// Chosen with "language xx"; overrides the roster's language.
        public internal(set) var language: String?
        public var greeted = false
        public var stopped = false
        public internal(set) var dialog: DialogProgress?
        /// Consent per purpose from onboarding; nil until the person has answered it.
        public internal(set) var consents: [String: Bool]?
        /// A dialog put aside with "later".
        public internal(set) var pausedDialog: DialogProgress?
        /// Dialogs to start once the current one ends, in order.
        public internal(set) var queuedDialogs: [QueuedDialog] = []
        /// When the bot last reached out on its own (recent ones only), for the daily limit.
        public internal(set) var reachedOutAt: [Date] = []
        public internal(set) var coordinatorsToldOfEncryptedRoom = false
        public internal(set) var toldAboutEdits = false

        public init() {}

        // Fields added later decode as absent from older snapshots.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            directRoomID = try c.decodeIfPresent(String.self, forKey: .directRoomID)
            language = try c.decodeIfPresent(String.self, forKey: .language)
            greeted = try c.decodeIfPresent(Bool.self, forKey: .greeted) ?? false
            stopped = try c.decodeIfPresent(Bool.self, forKey: .stopped) ?? false
            dialog = try c.decodeIfPresent(DialogProgress.self, forKey: .dialog)
            consents = try c.decodeIfPresent([String: Bool].self, forKey: .consents)
            pausedDialog = try c.decodeIfPresent(DialogProgress.self, forKey: .pausedDialog)
            queuedDialogs = try c.decodeIfPresent([QueuedDialog].self, forKey: .queuedDialogs) ?? []
            reachedOutAt = try c.decodeIfPresent([Date].self, forKey: .reachedOutAt) ?? []
            coordinatorsToldOfEncryptedRoom = try c.decodeIfPresent(Bool.self, forKey: .coordinatorsToldOfEncryptedRoom) ?? false
            toldAboutEdits = try c.decodeIfPresent(Bool.self, forKey: .toldAboutEdits) ?? false
        }
    }

    public internal(set) var firstStartedAt: Date?
    public internal(set) var syncToken: String?
    public internal(set) var coordinatorsRoomID: String?
    public internal(set) var people: [String: PersonState] = [:]
    /// Messages queued and not yet confirmed sent, in order.
    public internal(set) var outbox: [OutboxMessage] = []
    public internal(set) var roomRequests: [RoomRequest] = []
    public internal(set) var records: [AnswerRecord] = []
    public private(set) var meetings: [Meeting] = []
    /// Position of each meeting by id, derived from `meetings` (not stored).
    private var meetingIndex: [String: Int] = [:]
    public internal(set) var tickets: [SupportTicket] = []
    /// Pending jobs, the one due last first: the next one due is at the end, where taking it off
    /// costs nothing however many are waiting. Jobs due at the same moment keep the order they
    /// were scheduled in (the earlier-scheduled one nearer the end).
    public internal(set) var jobs: [ScheduledJob] = []

    public internal(set) var incidents: [Incident] = []
    public internal(set) var worries: [Worry] = []
    /// Pairs a coordinator closed before their end date, with when.
    public internal(set) var closedPairs: [String: Date] = [:]

    /// Rooms joined on a roster member's invite, by whose, until a /sync batch shows whether each
    /// is a direct room (the bot and that one person, unencrypted).
    public internal(set) var roomsAwaitingVerdict: [String: String] = [:]

    /// Pairs a coordinator paused (a hard time, a holiday, a safeguarding concern).
    public internal(set) var pausedPairs: Set<String> = []

    /// One-off jobs of a pair's life (the end notice, the closing questions) that already ran or
    /// were skipped, so that a restart does not plan them again.
    public internal(set) var finishedOnce: Set<ScheduledJob.Kind> = []

    /// Coordinators' and operators' actions: exports and erasures, pauses, resumptions, closings,
    /// support requests' steps; who, what, when, never the data (`mentorbot audit`).
    public internal(set) var audit: [AuditEntry] = []

    /// Check-ins put to people, for the share answered in the programme's figures.
    public internal(set) var checkInsSent: [CheckInSent] = []

    /// Erasures a coordinator asked for in the coordinators' room, by person id: asked, waiting
    /// for their "yes", or confirmed and waiting for the shell to carry them out.
    public internal(set) var erasureRequests: [String: ErasureRequest] = [:]

    /// Mentors and mentees taken off the roster whose data the state may still hold, until
    /// `programme.retention` (or an erasure) removes it.
    public internal(set) var departedPeople: [DepartedPerson] = []

    /// The next job due, if any.
    public var nextJob: ScheduledJob? { jobs.last }

    enum CodingKeys: String, CodingKey {
        case firstStartedAt, syncToken, coordinatorsRoomID, people, outbox, roomRequests, records, meetings, tickets, jobs, finishedOnce, pausedPairs, incidents, closedPairs, worries, roomsAwaitingVerdict
        case audit, checkInsSent, erasureRequests, departedPeople
        case nextSequence, recentInboundIDs
    }
    /// Counter behind transaction and request ids: derived from the journal, so identical on replay.
    public var nextSequence = 1
    /// Recently handled inbound event ids, so a batch replayed after a crash changes nothing.
    /// Bounded: a replay only ever repeats the last unconfirmed batch.
    public internal(set) var recentInboundIDs: [String] = []
    static let inboundMemory = 2_000

    public init() {}

    // Fields added later decode as absent from older snapshots.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        firstStartedAt = try c.decodeIfPresent(Date.self, forKey: .firstStartedAt)
        syncToken = try c.decodeIfPresent(String.self, forKey: .syncToken)
        coordinatorsRoomID = try c.decodeIfPresent(String.self, forKey: .coordinatorsRoomID)
        people = try c.decodeIfPresent([String: PersonState].self, forKey: .people) ?? [:]
        outbox = try c.decodeIfPresent([OutboxMessage].self, forKey: .outbox) ?? []
        roomRequests = try c.decodeIfPresent([RoomRequest].self, forKey: .roomRequests) ?? []
        records = try c.decodeIfPresent([AnswerRecord].self, forKey: .records) ?? []
        meetings = try c.decodeIfPresent([Meeting].self, forKey: .meetings) ?? []
        indexMeetings()
        tickets = try c.decodeIfPresent([SupportTicket].self, forKey: .tickets) ?? []
        jobs = try c.decodeIfPresent([ScheduledJob].self, forKey: .jobs) ?? []
        finishedOnce = try c.decodeIfPresent(Set<ScheduledJob.Kind>.self, forKey: .finishedOnce) ?? []
        pausedPairs = try c.decodeIfPresent(Set<String>.self, forKey: .pausedPairs) ?? []
        incidents = try c.decodeIfPresent([Incident].self, forKey: .incidents) ?? []
        closedPairs = try c.decodeIfPresent([String: Date].self, forKey: .closedPairs) ?? [:]
        worries = try c.decodeIfPresent([Worry].self, forKey: .worries) ?? []
        roomsAwaitingVerdict = try c.decodeIfPresent([String: String].self, forKey: .roomsAwaitingVerdict) ?? [:]
        audit = try c.decodeIfPresent([AuditEntry].self, forKey: .audit) ?? []
        checkInsSent = try c.decodeIfPresent([CheckInSent].self, forKey: .checkInsSent) ?? []
        erasureRequests = try c.decodeIfPresent([String: ErasureRequest].self, forKey: .erasureRequests) ?? [:]
        departedPeople = try c.decodeIfPresent([DepartedPerson].self, forKey: .departedPeople) ?? []
        nextSequence = try c.decodeIfPresent(Int.self, forKey: .nextSequence) ?? 1
        // Ids are made by adding one: a damaged or forged value near Int.max would overflow.
        guard (1...1_000_000_000_000_000).contains(nextSequence) else {
            throw DecodingError.dataCorruptedError(forKey: .nextSequence, in: c, debugDescription: "nextSequence \(nextSequence) is out of range")
        }
        recentInboundIDs = try c.decodeIfPresent([String].self, forKey: .recentInboundIDs) ?? []
    }

    public func person(_ matrixID: String) -> PersonState { people[matrixID] ?? PersonState() }

    public func incident(_ reference: String) -> Incident? { incidents.first { $0.reference == reference } }

    /// The person's incident not yet resolved, if any: routine messages to them wait meanwhile.
    public func openIncident(of matrixID: String) -> Incident? { incidents.last { $0.matrixID == matrixID && $0.isOpen } }

    public func meeting(_ id: String?) -> Meeting? { id.flatMap { meetingIndex[$0] }.map { meetings[$0] } }

    private mutating func indexMeetings() {
        meetingIndex = Dictionary(meetings.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Replaces the meetings and rebuilds their index (a snapshot read back in segments).
    mutating func restoreMeetings(_ meetings: [Meeting]) {
        self.meetings = meetings
        indexMeetings()
    }

    /// Enough to count a day's messages against any sensible daily limit.
    static let reachOutMemory = 20

    /// Keeps `jobs` sorted by due time, latest first; a job goes behind (further from the end than)
    /// those due at the same moment, so that messages held back together go out in order.
    private mutating func insert(_ job: ScheduledJob) {
        // Binary search (replaying 100,000 jobs must stay fast) for the first job due no later,
        // which the new one goes before: later-scheduled ties end up further from the end.
        var low = 0, high = jobs.count
        while low < high {
            let middle = (low + high) / 2
            if jobs[middle].dueAt > job.dueAt { low = middle + 1 } else { high = middle }
        }
        jobs.insert(job, at: low)
    }

    public func hasHandled(_ eventID: String) -> Bool { recentInboundIDs.contains(eventID) }

    public func owner(ofRoom roomID: String) -> String? {
        people.first { $0.value.directRoomID == roomID }?.key
    }

    public mutating func apply(_ event: DomainEvent) {
        switch event {
        case .firstStarted(let at):
            firstStartedAt = firstStartedAt ?? at
        case .syncAdvanced(let token):
            syncToken = token
        case .inboundHandled(let eventID):
            recentInboundIDs.append(eventID)
            if recentInboundIDs.count > Self.inboundMemory { recentInboundIDs.removeFirst(recentInboundIDs.count - Self.inboundMemory) }
        case .roomRequested(let request):
            roomRequests.append(request)
            nextSequence += 1
        case .roomRequestFinished(let requestID):
            roomRequests.removeAll { $0.id == requestID }
        case .directRoomLinked(let matrixID, let roomID):
            people[matrixID, default: PersonState()].directRoomID = roomID
        case .directRoomUnlinked(let matrixID):
            people[matrixID]?.directRoomID = nil
        case .inviteAccepted(let roomID, let matrixID):
            roomsAwaitingVerdict[roomID] = matrixID
        case .roomSettled(let roomID):
            roomsAwaitingVerdict[roomID] = nil
        case .encryptedRoomReported(let matrixID):
            people[matrixID, default: PersonState()].coordinatorsToldOfEncryptedRoom = true
        case .editExplained(let matrixID):
            people[matrixID, default: PersonState()].toldAboutEdits = true
        case .coordinatorsRoomLinked(let roomID):
            coordinatorsRoomID = roomID
        case .messageQueued(let message):
            outbox.append(message)
            nextSequence += 1
        case .messageSent(let transactionID, let eventID):
            if let index = incidents.lastIndex(where: { $0.alertTransactionIDs.contains(transactionID) }) {
                incidents[index].alertEventIDs.append(eventID)
            }
            if let message = outbox.first(where: { $0.transactionID == transactionID }), let who = message.questionFor {
                people[who]?.dialog?.questionEventID = eventID
            }
            outbox.removeAll { $0.transactionID == transactionID }
        case .messageAbandoned(let transactionID, _):
            outbox.removeAll { $0.transactionID == transactionID }
        case .greeted(let matrixID):
            people[matrixID, default: PersonState()].greeted = true
        case .languageChosen(let matrixID, let language):
            people[matrixID, default: PersonState()].language = language
        case .stopped(let matrixID, _):
            people[matrixID, default: PersonState()].stopped = true
            people[matrixID]?.dialog = nil
            people[matrixID]?.pausedDialog = nil
            people[matrixID]?.queuedDialogs = []
        case .restarted(let matrixID, _):
            people[matrixID, default: PersonState()].stopped = false
        case .dialogMoved(let matrixID, let progress):
            people[matrixID, default: PersonState()].dialog = progress
        case .dialogEnded(let matrixID, _, _):
            people[matrixID]?.dialog = nil
        case .answersRecorded(let record):
            records.append(record)
            nextSequence += 1
        case .audited(let entry):
            audit.append(entry)
        case .erasureAsked(let personID, let by, let at):
            erasureRequests[personID] = ErasureRequest(by: by, askedAt: at)
        case .leftRoster(let person):
            departedPeople.removeAll { $0.id == person.id }
            departedPeople.append(person)
        case .erasureConfirmed(let personID, let by, let at):
            erasureRequests[personID] = ErasureRequest(by: by, askedAt: erasureRequests[personID]?.askedAt ?? at, confirmedAt: at)
        case .consentRecorded(let matrixID, let consents, _):
            people[matrixID, default: PersonState()].consents = consents
        case .dialogPaused(let matrixID, let progress):
            people[matrixID, default: PersonState()].pausedDialog = progress
            people[matrixID]?.dialog = nil
        case .dialogResumed(let matrixID):
            let paused = people[matrixID]?.pausedDialog
            people[matrixID]?.dialog = paused
            people[matrixID]?.pausedDialog = nil
        case .dialogQueued(let matrixID, let queued):
            people[matrixID, default: PersonState()].queuedDialogs.append(queued)
        case .dialogDequeued(let matrixID):
            if people[matrixID]?.queuedDialogs.isEmpty == false { people[matrixID]?.queuedDialogs.removeFirst() }
        case .meetingSaved(let meeting):
            if let index = meetingIndex[meeting.id] {
                meetings[index] = meeting
            } else {
                meetingIndex[meeting.id] = meetings.count
                meetings.append(meeting)
                nextSequence += 1
            }
        case .ticketOpened(let ticket):
            tickets.append(ticket)
            nextSequence += 1
        case .personRequested, .safetyWordUsed:
            break
        case .worryNoted(let worry):
            worries.append(worry)
        case .worriesEscalated(let references, let incident):
            for index in worries.indices where references.contains(worries[index].reference) { worries[index].incident = incident }
        case .worryAcknowledged(let reference, let by, let at):
            guard let index = worries.firstIndex(where: { $0.reference == reference }), worries[index].acknowledgedBy == nil else { break }
            worries[index].acknowledgedBy = by
            worries[index].acknowledgedAt = at
        case .incidentRaised(let incident):
            incidents.append(incident)
            nextSequence += 1
        case .incidentAlerted(let reference, let transactionID, _):
            guard let index = incidents.firstIndex(where: { $0.reference == reference }) else { break }
            incidents[index].alertsSent += 1
            incidents[index].alertTransactionIDs.append(transactionID)
        case .incidentEscalated(let reference, let severity, _):
            guard let index = incidents.firstIndex(where: { $0.reference == reference }) else { break }
            incidents[index].severity = max(incidents[index].severity, severity)
        case .incidentAcknowledged(let reference, let by, let at):
            guard let index = incidents.firstIndex(where: { $0.reference == reference }), incidents[index].status == .open else { break }
            incidents[index].status = .acknowledged
            incidents[index].acknowledgedBy = by
            incidents[index].acknowledgedAt = at
        case .incidentResolved(let reference, let by, let at, let outcome):
            guard let index = incidents.firstIndex(where: { $0.reference == reference }) else { break }
            incidents[index].status = .resolved
            incidents[index].resolvedBy = by
            incidents[index].resolvedAt = at
            incidents[index].outcome = outcome
            if incidents[index].acknowledgedBy == nil {
                incidents[index].acknowledgedBy = by
                incidents[index].acknowledgedAt = at
            }
        case .ticketUpdated(let reference, let status, let by, let at, let note):
            audit.append(AuditEntry(action: "ticket \(status.rawValue)", subject: reference, by: by, at: at))
            guard let index = tickets.firstIndex(where: { $0.reference == reference }) else { break }
            tickets[index].status = status
            tickets[index].updatedAt = at
            if let note { tickets[index].note = note }
        case .pairClosed(let pairID, let by, let at):
            closedPairs[pairID] = at
            audit.append(AuditEntry(action: "close", subject: pairID, by: by, at: at))
        case .pairPaused(let pairID, let by, let at):
            pausedPairs.insert(pairID)
            audit.append(AuditEntry(action: "pause", subject: pairID, by: by, at: at))
        case .pairResumed(let pairID, let by, let at):
            pausedPairs.remove(pairID)
            audit.append(AuditEntry(action: "resume", subject: pairID, by: by, at: at))
        case .jobScheduled(let job):
            insert(job)
            nextSequence += 1
        case .jobDeferred(let jobID, let until):
            guard let index = jobs.lastIndex(where: { $0.id == jobID }) else { break }
            var job = jobs.remove(at: index)
            job.dueAt = until
            insert(job)
        case .jobFinished(let jobID, let outcome, let at):
            guard let index = jobs.lastIndex(where: { $0.id == jobID }) else { break }
            let job = jobs.remove(at: index)
            if job.kind.happensOnce { finishedOnce.insert(job.kind) }
            if outcome == .done, let who = job.kind.matrixID {
                people[who, default: PersonState()].reachedOutAt.append(at)
                if people[who]!.reachedOutAt.count > Self.reachOutMemory { people[who]!.reachedOutAt.removeFirst() }
            }
            if outcome == .done, case .checkIn(let pairID, let who) = job.kind {
                checkInsSent.append(CheckInSent(matrixID: who, pairID: pairID, at: at))
            }
        }
    }
}
