import Safeguarding
import Foundation

/// Something that happened, handed to the core. The shell turns Matrix events, finished
/// homeserver work and the passing of time into these.
public enum Input: Sendable, Equatable {
    /// The daemon started (every start, not only the first).
    case started
    case text(InboundText)
    case reaction(InboundReaction)
    /// Someone invited the bot into a room.
    case invited(roomID: String, inviter: String)
    case roomRequestSucceeded(requestID: String, roomID: String)
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
