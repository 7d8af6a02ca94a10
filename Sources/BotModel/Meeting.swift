import Foundation

/// A meeting a pair planned through the bot: when (an instant, shown to each person in their own
/// time zone), where, and how. Never what was said.
public struct Meeting: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Planned by one person; the other has not answered yet.
        case proposed
        case confirmed
        /// The other person said they cannot make it.
        case declined
        case cancelled
        /// The mentor logged it.
        case logged
    }

    public var id: String
    public var pairID: String
    /// Roster id of who planned or last moved it.
    public var plannedBy: String
    public var startsAt: Date
    /// The planner's time zone, in which the day and time were typed.
    public var timeZone: String
    /// A few words agreed by the pair ("the library"); shown only to the two of them.
    public var place: String
    /// in_person, phone, video, message, other.
    public var form: String
    public var status: Status

    public init(id: String, pairID: String, plannedBy: String, startsAt: Date, timeZone: String, place: String,
                form: String, status: Status) {
        self.id = id
        self.pairID = pairID
        self.plannedBy = plannedBy
        self.startsAt = startsAt
        self.timeZone = timeZone
        self.place = place
        self.form = form
        self.status = status
    }

    /// Still going to happen, as far as anyone told us.
    public var isUpcoming: Bool { status == .proposed || status == .confirmed }
}

/// A support request: the requester gets its reference and hears back at each change.
public struct SupportTicket: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case open, inProgress, referred, resolved }

    /// Short reference the requester and the coordinators use ("S-007").
    public var reference: String
    public var personID: String
    public var pairIDs: [String]
    public var area: String
    public var urgency: String
    /// me or mentee (a mentor asking for their mentee).
    public var forWhom: String
    /// The requester's few words for the coordinator, capped by the dialog.
    public var description: String
    public var status: Status
    public var openedAt: Date
    /// The last change by a coordinator, and their note ("referred to the housing office").
    public var updatedAt: Date?
    public var note: String?

    public init(reference: String, personID: String, pairIDs: [String], area: String, urgency: String, forWhom: String,
                description: String, status: Status, openedAt: Date) {
        self.reference = reference
        self.personID = personID
        self.pairIDs = pairIDs
        self.area = area
        self.urgency = urgency
        self.forWhom = forWhom
        self.description = description
        self.status = status
        self.openedAt = openedAt
    }
}

/// A dialog waiting for the person to finish the one they are in (e.g. confirming a meeting).
public struct QueuedDialog: Codable, Sendable, Equatable {
    public var dialogID: String
    public var parameters: [String: String]

    public init(dialogID: String, parameters: [String: String]) {
        self.dialogID = dialogID
        self.parameters = parameters
    }
}
