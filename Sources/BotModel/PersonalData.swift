import Dialogs
import Foundation

/// Everything the bot holds about one person, for a subject access request (`mentorbot person
/// export`): what they consented to, their answers, the meetings they planned, their support
/// requests, incidents and worry notes about them, what is planned or waiting for them.
public struct PersonalData: Codable, Sendable, Equatable {
    public struct Identity: Codable, Sendable, Equatable {
        public var id: String
        public var matrixID: String
        public var role: String
        public var language: String
        public var timeZone: String
    }

    public var exportedAt: Date
    public var person: Identity
    public var pairIDs: [String]
    public var directRoomID: String?
    /// The language they chose with "language xx", if any.
    public var chosenLanguage: String?
    public var greeted: Bool
    /// They wrote "stop": the bot only answers them.
    public var stopped: Bool
    public var consents: [String: Bool]?
    /// When they answered the consent questions (the onboarding's completion).
    public var consentsGivenAt: Date?
    public var answers: [AnswerRecord]
    public var meetingsPlanned: [Meeting]
    public var supportRequests: [SupportTicket]
    public var incidents: [Incident]
    public var worryNotes: [Worry]
    public var openDialog: DialogProgress?
    public var pendingJobs: [ScheduledJob]
    public var messagesWaiting: [OutboxMessage]
    /// When the bot put a check-in to them (kept for the programme's figures).
    public var checkInsSentAt: [Date]
}

extension BotState {
    public func personalData(of person: Person, pairIDs: [String], at now: Date) -> PersonalData {
        let known = self.person(person.matrixID)
        return PersonalData(
            exportedAt: now,
            person: .init(id: person.id, matrixID: person.matrixID, role: person.role.rawValue, language: person.language, timeZone: person.timeZone),
            pairIDs: pairIDs, directRoomID: known.directRoomID, chosenLanguage: known.language, greeted: known.greeted,
            stopped: known.stopped, consents: known.consents,
            consentsGivenAt: records.last { $0.personID == person.id && $0.dialogID == "onboarding" }?.completedAt,
            answers: records.filter { $0.personID == person.id },
            meetingsPlanned: meetings.filter { $0.plannedBy == person.id || $0.plannedBy == person.matrixID },
            supportRequests: tickets.filter { $0.personID == person.id },
            incidents: incidents.filter { $0.matrixID == person.matrixID },
            worryNotes: worries.filter { $0.matrixID == person.matrixID },
            openDialog: known.dialog,
            pendingJobs: jobs.filter { $0.kind.matrixID == person.matrixID },
            messagesWaiting: outbox.filter { $0.isFor(person.matrixID, room: known.directRoomID) },
            checkInsSentAt: checkInsSent.filter { $0.matrixID == person.matrixID }.map(\.at))
    }

    /// Their data was erased (`mentorbot person erase`): the audit log says so, by roster id.
    public func wasErased(_ personID: String) -> Bool { audit.contains { $0.action == "erase" && $0.subject == personID } }

    /// What an erasure removed, by kind (said to the operator and kept in the audit log, counts only).
    public struct Erasure: Sendable, Equatable, Codable {
        public var answers = 0
        public var answersKeptAnonymous = 0
        public var meetings = 0
        public var supportRequests = 0
        public var incidents = 0
        public var worryNotes = 0
        public var jobs = 0
        public var messages = 0
        public var roomRequests = 0
    }

    /// Removes the person's personal data from the state. Answers they agreed to have used for
    /// anonymous figures (consent "evaluation") are kept with no link back: no person, no pair,
    /// and only the answers that are a choice, a scale, yes/no or a number (never free text or a
    /// day). Everything else about them goes: their room, their dialogs, answers, meetings they
    /// planned, support requests, incidents, worry notes, jobs and waiting messages.
    public mutating func erase(_ person: Person) -> Erasure {
        var erasure = Erasure()
        let known = self.person(person.matrixID)
        let keepAnonymous = known.consents?["evaluation"] == true
        var kept: [AnswerRecord] = []
        for record in records {
            guard record.personID == person.id else { kept.append(record); continue }
            erasure.answers += 1
            let figures = record.answers.filter { $0.value.isFigure }
            if keepAnonymous && !figures.isEmpty && record.dialogID != "onboarding" {
                kept.append(AnswerRecord(id: record.id, dialogID: record.dialogID, personID: "", role: record.role, pairIDs: [],
                                         answers: figures, completedAt: record.completedAt))
                erasure.answersKeptAnonymous += 1
            }
        }
        records = kept
        let room = known.directRoomID
        func count<T>(_ list: inout [T], removing match: (T) -> Bool) -> Int {
            let before = list.count
            list.removeAll(where: match)
            return before - list.count
        }
        var remaining = meetings
        erasure.meetings = count(&remaining) { $0.plannedBy == person.id || $0.plannedBy == person.matrixID }
        restoreMeetings(remaining)
        erasure.supportRequests = count(&tickets) { $0.personID == person.id }
        erasure.incidents = count(&incidents) { $0.matrixID == person.matrixID }
        erasure.worryNotes = count(&worries) { $0.matrixID == person.matrixID }
        erasure.jobs = count(&jobs) { $0.kind.matrixID == person.matrixID }
        erasure.messages = count(&outbox) { $0.isFor(person.matrixID, room: room) }
        erasure.roomRequests = count(&roomRequests) { request in
            switch request.action {
            case .createDirectRoom(let who): who == person.matrixID
            case .join(let roomID, let who): who == person.matrixID || roomID == room
            case .leave(let roomID), .decline(let roomID): roomID == room
            case .joinCoordinatorsRoom: false
            }
        }
        checkInsSent = checkInsSent.compactMap { sent in
            guard sent.matrixID == person.matrixID else { return sent }
            return keepAnonymous ? CheckInSent(matrixID: "", pairID: "", role: person.role.rawValue, at: sent.at) : nil
        }
        finishedOnce = finishedOnce.filter { $0.matrixID != person.matrixID }
        erasureRequests[person.id] = nil
        departedPeople.removeAll { $0.id == person.id }
        roomsAwaitingVerdict = roomsAwaitingVerdict.filter { $0.value != person.matrixID }
        people[person.matrixID] = nil
        return erasure
    }
}

extension AnswerValue {
    /// A value that counts in figures and says nothing about who gave it.
    var isFigure: Bool {
        switch self {
        case .choice, .choices, .number, .yesNo: true
        default: false
        }
    }
}

extension OutboxMessage {
    /// Addressed to the person, or to their direct room.
    func isFor(_ matrixID: String, room: String?) -> Bool {
        switch target {
        case .person(let who): who == matrixID
        case .room(let id): id == room
        case .coordinatorsRoom: false
        }
    }
}

/// A coordinator's request, in the coordinators' room, to erase someone's data.
public struct ErasureRequest: Codable, Sendable, Equatable {
    /// The coordinator's roster id.
    public var by: String
    public var askedAt: Date
    /// Set once they said yes: the shell erases the data, which also removes this request.
    public var confirmedAt: Date?

    public init(by: String, askedAt: Date, confirmedAt: Date? = nil) {
        self.by = by
        self.askedAt = askedAt
        self.confirmedAt = confirmedAt
    }
}

/// Someone a reload took off the roster, as the roster described them then: enough to find and
/// erase what the state still holds about them.
public struct DepartedPerson: Codable, Sendable, Equatable {
    public var id: String
    public var matrixID: String
    public var role: String
    /// When they left the roster; their pairs ended then too.
    public var at: Date

    public init(id: String, matrixID: String, role: String, at: Date) {
        self.id = id
        self.matrixID = matrixID
        self.role = role
        self.at = at
    }

    /// As a roster person, for the erasure (language and time zone play no part in it).
    public var person: Person {
        Person(id: id, matrixID: matrixID, role: Person.Role(rawValue: role) ?? .mentee, language: "en", timeZone: "UTC")
    }
}
