import Safeguarding
import Foundation

/// Something that happened, handed to the core. The shell turns Matrix events, finished
/// homeserver work and the passing of time into these.
public enum Input: Sendable, Equatable {
    /// The daemon started (every start, not only the first).
    case started
    /// The configuration, roster and dialogs were read again while the bot runs (SIGHUP,
    /// `mentorbot reload`): the core now holds the new ones. `removedPairs` are the pairs the new
    /// roster no longer has, as the old one described them.
    /// `removedPeople` left the roster: their data is kept until `programme.retention` erases it.
    case reloaded(removedPairs: [Pair], removedPeople: [Person])
    /// The people of these pairs had their data erased, their retention period being over.
    case purged(pairIDs: [String])
    /// A coordinator's confirmed erasure of this person's data (`erase E12` in the coordinators'
    /// room) was carried out on every file.
    case erased(personID: String, by: String)
    case text(InboundText)
    case reaction(InboundReaction)
    /// Someone invited the bot into a room.
    case invited(roomID: String, inviter: String)
    case roomRequestSucceeded(requestID: String, roomID: String)
    /// What a /sync batch says about a joined room: how many people are in it, whether it is encrypted.
    case roomObserved(RoomObservation)
    /// Someone left a room the bot is in, or was banned or kicked from it (the bot included).
    case memberLeft(roomID: String, matrixID: String)
    /// The room was upgraded: `replacement` carries it on (m.room.tombstone).
    case roomUpgraded(roomID: String, replacement: String)
    /// Someone changed a message they had sent (an m.replace edit).
    case edited(InboundEdit)
    /// The homeserver refused the room work for good; the request is dropped and the reason logged.
    case roomRequestFailed(requestID: String)
    case messageDelivered(transactionID: String, eventID: String)
    case messageRejected(transactionID: String, reason: String)
    /// A /sync batch was fully handled: its position can be stored.
    case syncCompleted(nextBatch: String)
    /// Time passed: dialogs that waited too long time out or expire.
    case tick
}

public struct InboundText: Sendable, Equatable {
    public var eventID: String
    public var roomID: String
    public var sender: String
    /// The text with any reply fallback already removed.
    public var body: String
    public var sentAt: Date
    /// The semantic layer's reading of the body, worked out by the shell before the text reaches
    /// the core (the model runs outside the core, so that the core stays pure and fast). nil when
    /// the layer is off or the text too short to judge.
    public var semantic: SemanticMatch?

    public init(eventID: String, roomID: String, sender: String, body: String, sentAt: Date, semantic: SemanticMatch? = nil) {
        self.eventID = eventID
        self.roomID = roomID
        self.sender = sender
        self.body = body
        self.sentAt = sentAt
        self.semantic = semantic
    }
}

public struct InboundReaction: Sendable, Equatable {
    public var eventID: String
    public var roomID: String
    public var sender: String
    public var relatesTo: String
    public var key: String
    public var sentAt: Date

    public init(eventID: String, roomID: String, sender: String, relatesTo: String, key: String, sentAt: Date) {
        self.eventID = eventID
        self.roomID = roomID
        self.sender = sender
        self.relatesTo = relatesTo
        self.key = key
        self.sentAt = sentAt
    }
}

/// A joined room as a /sync batch describes it.
public struct RoomObservation: Sendable, Equatable {
    public var roomID: String
    /// Joined and invited members, the bot included, when the batch says (its room summary).
    public var members: Int?
    /// The room has m.room.encryption: the bot cannot read what people write there.
    public var encrypted: Bool

    public init(roomID: String, members: Int?, encrypted: Bool) {
        self.roomID = roomID
        self.members = members
        self.encrypted = encrypted
    }
}

public struct InboundEdit: Sendable, Equatable {
    public var eventID: String
    public var roomID: String
    public var sender: String
    /// The event the edit replaces.
    public var replaces: String
    /// The message's new text.
    public var body: String
    public var sentAt: Date

    public init(eventID: String, roomID: String, sender: String, replaces: String, body: String, sentAt: Date) {
        self.eventID = eventID
        self.roomID = roomID
        self.sender = sender
        self.replaces = replaces
        self.body = body
        self.sentAt = sentAt
    }
}
