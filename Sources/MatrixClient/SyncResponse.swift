import Foundation

/// The parts of a /sync response the bot uses.
public struct SyncResponse: Decodable, Sendable {
    public var nextBatch: String
    public var joinedRooms: [String: JoinedRoom]
    public var invitedRooms: [String: InvitedRoom]
    /// Rooms the bot is no longer in (it left, or was kicked or banned), with their last events.
    public var leftRooms: [String: JoinedRoom]

    enum CodingKeys: String, CodingKey { case nextBatch = "next_batch", rooms }
    struct Rooms: Decodable {
        var join: [String: JoinedRoom]?
        var invite: [String: InvitedRoom]?
        var leave: [String: JoinedRoom]?
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nextBatch = try container.decode(String.self, forKey: .nextBatch)
        let rooms = try container.decodeIfPresent(Rooms.self, forKey: .rooms)
        joinedRooms = rooms?.join ?? [:]
        invitedRooms = rooms?.invite ?? [:]
        leftRooms = rooms?.leave ?? [:]
    }
}

public struct JoinedRoom: Decodable, Sendable {
    public var timelineEvents: [ClientEvent]
    public var stateEvents: [ClientEvent]
    /// Receipts and typing notices (the bot's own filter asks for none).
    public var ephemeralEvents: [EphemeralEvent]
    /// Joined and invited members, when the batch carries the room summary (a homeserver sends
    /// it for a newly joined room and whenever the counts change, with lazy-loaded members).
    public var memberCount: Int?
    /// The timeline left events out (more happened than the filter's limit): they are fetched
    /// with /messages going back from `previousBatch`.
    public var limited: Bool
    public var previousBatch: String?

    enum CodingKeys: String, CodingKey { case timeline, state, ephemeral, summary }
    struct Timeline: Decodable {
        var events: [ClientEvent]?
        var limited: Bool?
        var prevBatch: String?
        enum CodingKeys: String, CodingKey { case events, limited, prevBatch = "prev_batch" }
    }
    struct Summary: Decodable {
        var joined: Int?
        var invited: Int?
        enum CodingKeys: String, CodingKey { case joined = "m.joined_member_count", invited = "m.invited_member_count" }
    }
    struct Events<Event: Decodable>: Decodable { var events: [Event]? }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let timeline = try container.decodeIfPresent(Timeline.self, forKey: .timeline)
        timelineEvents = timeline?.events ?? []
        limited = timeline?.limited ?? false
        previousBatch = timeline?.prevBatch
        stateEvents = try container.decodeIfPresent(Events<ClientEvent>.self, forKey: .state)?.events ?? []
        ephemeralEvents = try container.decodeIfPresent(Events<EphemeralEvent>.self, forKey: .ephemeral)?.events ?? []
        let summary = try? container.decodeIfPresent(Summary.self, forKey: .summary)
        memberCount = summary.flatMap { $0.joined == nil && $0.invited == nil ? nil : ($0.joined ?? 0) + ($0.invited ?? 0) }
    }

    /// The room has end-to-end encryption switched on, by this batch's events.
    public var isEncrypted: Bool {
        (stateEvents + timelineEvents).contains { $0.type == "m.room.encryption" }
    }

    /// The room that replaces this one, when it was upgraded (m.room.tombstone).
    public var replacementRoom: String? {
        (stateEvents + timelineEvents).last { $0.type == "m.room.tombstone" }?.content["replacement_room"]?.stringValue
    }

    /// Who left or was removed (leave, ban; a kick is a leave sent by someone else), in order.
    public var departures: [String] {
        timelineEvents.filter { $0.type == "m.room.member" && ["leave", "ban"].contains($0.content["membership"]?.stringValue ?? "") }
            .compactMap(\.stateKey)
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

/// A page of /messages: events newest first (going back), and where the next page starts.
public struct MessagesPage: Decodable, Sendable {
    public var chunk: [ClientEvent]
    public var end: String?
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
/// (An edit, `m.relates_to.rel_type` m.replace, is not one: see `Edit`.)
public struct TextMessage: Sendable, Equatable {
    public var msgtype: String
    public var body: String
    public var formattedBody: String?
    public var inReplyTo: String?

    public init?(event: ClientEvent) {
        guard event.type == "m.room.message", Edit(event: event) == nil, let msgtype = event.content["msgtype"]?.stringValue,
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

/// An edit: a message that replaces an earlier one (`m.relates_to` with rel_type m.replace).
public struct Edit: Sendable, Equatable {
    public var replaces: String
    /// The new text: `m.new_content`'s body, else the fallback body without its leading "* ".
    public var body: String

    public init?(event: ClientEvent) {
        guard event.type == "m.room.message", let relation = event.content["m.relates_to"],
              relation["rel_type"]?.stringValue == "m.replace", let target = relation["event_id"]?.stringValue else { return nil }
        replaces = target
        if let new = event.content["m.new_content"]?["body"]?.stringValue {
            body = new
        } else {
            let fallback = event.content["body"]?.stringValue ?? ""
            body = fallback.hasPrefix("* ") ? String(fallback.dropFirst(2)) : fallback
        }
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
    /// The same event types, as a /messages filter (for filling a gap in a limited timeline).
    public static let roomEventsJSON = #"{"types":["m.room.message","m.reaction","m.room.member","m.room.encryption"],"lazy_load_members":true}"#

    public static func json(timelineLimit: Int) -> String {
        """
        {"presence":{"types":[]},"account_data":{"types":[]},"room":{"timeline":{"limit":\(timelineLimit),\
        "types":["m.room.message","m.reaction","m.room.member","m.room.encryption","m.room.tombstone"]},\
        "state":{"lazy_load_members":true,"types":["m.room.member","m.room.encryption","m.room.tombstone"]},\
        "ephemeral":{"types":[]},"account_data":{"types":[]}}}
        """
    }
}
