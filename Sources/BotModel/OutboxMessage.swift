import Foundation

/// A message the bot has decided to send. It is journaled before it is sent and keeps its
/// transaction id, so a resend after a crash is deduplicated by the homeserver: exactly once.
public struct OutboxMessage: Codable, Sendable, Equatable {
    public enum Target: Codable, Sendable, Equatable {
        /// A person's direct room, which may not exist yet; the message waits for it.
        case person(matrixID: String)
        case room(id: String)
        /// The coordinators' room, whose id is known once the bot has joined it.
        case coordinatorsRoom
    }

    public enum Kind: String, Codable, Sendable {
        /// Notifies the reader: replies to a person, alerts.
        case text
        /// Never notifies: routine summaries in the coordinators' room.
        case notice
    }

    /// Safety messages go out before any routine one, whatever is queued (see `OutboxSchedule`).
    public enum Priority: String, Codable, Sendable {
        /// The reply with emergency contacts, alerts and re-alerts, messages to backup coordinators.
        case safety
        case routine
    }

    public var transactionID: String
    public var target: Target
    public var kind: Kind
    public var priority: Priority
    public var body: String
    public var html: String?
    /// People whose client should notify them (m.mentions); empty means nobody is pinged.
    public var mentions: [String]
    /// Set when this message asks the current question of someone's dialog, so that a reaction
    /// to the delivered event can answer it.
    public var questionFor: String?
    /// A file sent with the message (the monthly report); `body` is then its name.
    public var attachment: Attachment?

    /// A small file the bot made itself, uploaded to the homeserver when the message is sent.
    public struct Attachment: Codable, Sendable, Equatable {
        public var mimeType: String
        public var data: Data

        public init(mimeType: String, data: Data) {
            self.mimeType = mimeType
            self.data = data
        }
    }

    public init(transactionID: String, target: Target, kind: Kind, priority: Priority = .routine, body: String,
                html: String? = nil, mentions: [String] = [], questionFor: String? = nil, attachment: Attachment? = nil) {
        self.transactionID = transactionID
        self.target = target
        self.kind = kind
        self.priority = priority
        self.body = body
        self.html = html
        self.mentions = mentions
        self.questionFor = questionFor
        self.attachment = attachment
    }

    /// Journals written before priorities hold no `priority`: those messages are routine.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transactionID = try c.decode(String.self, forKey: .transactionID)
        target = try c.decode(Target.self, forKey: .target)
        kind = try c.decode(Kind.self, forKey: .kind)
        priority = try c.decodeIfPresent(Priority.self, forKey: .priority) ?? .routine
        body = try c.decode(String.self, forKey: .body)
        html = try c.decodeIfPresent(String.self, forKey: .html)
        mentions = try c.decode([String].self, forKey: .mentions)
        questionFor = try c.decodeIfPresent(String.self, forKey: .questionFor)
        attachment = try c.decodeIfPresent(Attachment.self, forKey: .attachment)
    }
}

/// Room work the shell must do on the homeserver (creating, joining or leaving a room).
public struct RoomRequest: Codable, Sendable, Equatable {
    public enum Action: Codable, Sendable, Equatable {
        /// Create a direct room and invite this person.
        case createDirectRoom(matrixID: String)
        /// Accept an invite from a roster member.
        case join(roomID: String, matrixID: String)
        /// Decline an invite from someone not on the roster.
        case decline(roomID: String)
        /// Join the coordinators' room, creating it (and inviting coordinators) if the alias is free.
        case joinCoordinatorsRoom(reference: String, invite: [String])
        /// Leave a room that is nobody's direct room (any message queued for it goes first).
        case leave(roomID: String)
    }

    public var id: String
    public var action: Action

    public init(id: String, action: Action) {
        self.id = id
        self.action = action
    }
}
