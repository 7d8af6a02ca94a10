import Foundation

/// The parts of a /sync response the bot uses.
public struct SyncResponse: Decodable, Sendable {
    public var nextBatch: String
    public var joinedRooms: [String: JoinedRoom]
    public var invitedRooms: [String: InvitedRoom]

    enum CodingKeys: String, CodingKey { case nextBatch = "next_batch", rooms }
    struct Rooms: Decodable {
        var join: [String: JoinedRoom]?
        var invite: [String: InvitedRoom]?
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nextBatch = try container.decode(String.self, forKey: .nextBatch)
        let rooms = try container.decodeIfPresent(Rooms.self, forKey: .rooms)
        joinedRooms = rooms?.join ?? [:]
        invitedRooms = rooms?.invite ?? [:]
    }
}

public struct JoinedRoom: Decodable, Sendable {
    public var timelineEvents: [ClientEvent]
    public var stateEvents: [ClientEvent]
    /// Receipts and typing notices (the bot's own filter asks for none).
    public var ephemeralEvents: [EphemeralEvent]

    enum CodingKeys: String, CodingKey { case timeline, state, ephemeral }
    struct Events<Event: Decodable>: Decodable { var events: [Event]? }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timelineEvents = try container.decodeIfPresent(Events<ClientEvent>.self, forKey: .timeline)?.events ?? []
        stateEvents = try container.decodeIfPresent(Events<ClientEvent>.self, forKey: .state)?.events ?? []
        ephemeralEvents = try container.decodeIfPresent(Events<EphemeralEvent>.self, forKey: .ephemeral)?.events ?? []
    }

    /// Whether `userID` is a member (joined or invited) according to the events in this batch.
    public func involves(_ userID: String) -> Bool {
        (stateEvents + timelineEvents).contains { event in
            event.type == "m.room.member" && event.stateKey == userID
                && ["join", "invite"].contains(event.content["membership"]?.stringValue ?? "")
        }
    }
}

public struct InvitedRoom: Decodable, Sendable {
    public var events: [StrippedEvent]

    enum CodingKeys: String, CodingKey { case inviteState = "invite_state" }
    struct Events: Decodable { var events: [StrippedEvent]? }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        events = try container.decodeIfPresent(Events.self, forKey: .inviteState)?.events ?? []
    }

    /// Who invited `userID`: the sender of the invite membership event about them.
    public func inviter(of userID: String) -> String? {
        events.first { $0.type == "m.room.member" && $0.stateKey == userID && $0.content["membership"]?.stringValue == "invite" }?
            .sender
    }
}

/// An event about the room that is not part of its history: a read receipt, typing.
public struct EphemeralEvent: Decodable, Sendable {
    public var type: String
    public var content: JSONValue

    enum CodingKeys: String, CodingKey { case type, content }

    /// An event without content is read as empty rather than failing the whole /sync answer.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        content = try container.decodeIfPresent(JSONValue.self, forKey: .content) ?? .object([:])
    }
}

/// Invite-state events are "stripped": no event id or timestamp.
public struct StrippedEvent: Decodable, Sendable {
    public var type: String
    public var sender: String
    public var stateKey: String?
    public var content: JSONValue

    enum CodingKeys: String, CodingKey { case type, sender, stateKey = "state_key", content }
}

public struct ClientEvent: Decodable, Sendable {
    public var type: String
    public var eventId: String
    public var sender: String
    public var originServerTs: Int64
    public var stateKey: String?
    public var content: JSONValue

    enum CodingKeys: String, CodingKey {
        case type, eventId = "event_id", sender, originServerTs = "origin_server_ts", stateKey = "state_key", content
    }

    public init(type: String, eventId: String, sender: String, originServerTs: Int64, stateKey: String? = nil, content: JSONValue) {
        self.type = type
        self.eventId = eventId
        self.sender = sender
        self.originServerTs = originServerTs
        self.stateKey = stateKey
        self.content = content
    }
}

/// An m.room.message with text: m.text, m.notice or m.emote.
public struct TextMessage: Sendable, Equatable {
    public var msgtype: String
    public var body: String
    public var formattedBody: String?
    public var inReplyTo: String?

    public init?(event: ClientEvent) {
        guard event.type == "m.room.message", let msgtype = event.content["msgtype"]?.stringValue,
              ["m.text", "m.notice", "m.emote"].contains(msgtype), let body = event.content["body"]?.stringValue else { return nil }
        self.msgtype = msgtype
        self.body = body
        formattedBody = event.content["formatted_body"]?.stringValue
        inReplyTo = event.content["m.relates_to"]?["m.in_reply_to"]?["event_id"]?.stringValue
    }

    /// The body without a reply fallback: older clients quote the message replied to as leading
    /// "> " lines followed by a blank line. The quote is someone else's text, never a command.
    public var plainReplyText: String {
        guard inReplyTo != nil else { return body }
        var lines = body.components(separatedBy: "\n")[...]
        guard lines.first?.hasPrefix(">") == true else { return body }
        while let first = lines.first, first.hasPrefix(">") { lines = lines.dropFirst() }
        if lines.first?.isEmpty == true { lines = lines.dropFirst() }
        return lines.joined(separator: "\n")
    }
}

/// An m.reaction (annotation) to another event.
public struct Reaction: Sendable, Equatable {
    public var relatesTo: String
    public var key: String

    public init?(event: ClientEvent) {
        guard event.type == "m.reaction", let relation = event.content["m.relates_to"],
              relation["rel_type"]?.stringValue == "m.annotation",
              let target = relation["event_id"]?.stringValue, let key = relation["key"]?.stringValue else { return nil }
        relatesTo = target
        self.key = key
    }
}

/// The /sync filter the bot uses: only the event types it reads, members lazy-loaded, no presence
/// or account data, so each long-poll answer stays small.
public enum SyncFilter {
    public static func json(timelineLimit: Int) -> String {
        """
        {"presence":{"types":[]},"account_data":{"types":[]},"room":{"timeline":{"limit":\(timelineLimit),\
        "types":["m.room.message","m.reaction","m.room.member","m.room.encryption"]},\
        "state":{"lazy_load_members":true,"types":["m.room.member","m.room.encryption"]},\
        "ephemeral":{"types":[]},"account_data":{"types":[]}}}
        """
    }
}
