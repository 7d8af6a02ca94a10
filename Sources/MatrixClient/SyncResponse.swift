import Foundation

/// The parts of a /sync response the bot uses.
public struct SyncResponse: Decodable, Sendable {
    public var nextBatch: String
    public var joinedRooms: [String: JoinedRoom]
    public var invitedRooms: [String: InvitedRoom]
    /// Rooms the bot is no longer in (it left, or was kicked or banned), with their last events.
    public var leftRooms: [String: JoinedRoom]

    /// Events (or whole rooms) that could not be read and were left out, so that one odd event
    /// from any server never costs the rest of the batch: "room id/event id" (or "?" for no id).
    public var skipped: [String]

    enum CodingKeys: String, CodingKey { case nextBatch = "next_batch", rooms }

    /// A batch none of which could be read, known only by where the next one starts.
    init(unreadableBatchBefore nextBatch: String) {
        self.nextBatch = nextBatch
        joinedRooms = [:]
        invitedRooms = [:]
        leftRooms = [:]
        skipped = ["(the whole batch: not readable JSON)"]
    }

    /// Reads a /sync answer. An answer that is not valid JSON as a whole (bytes that are not
    /// UTF-8, a lone surrogate) is repaired and read again; one that still cannot be read is
    /// skipped by its next_batch, so that the bot moves on instead of failing on it for ever.
    public static func read(_ data: Data) throws -> SyncResponse {
        let decoder = JSONDecoder()
        // A lone surrogate ("\ud800" with no partner) is not text: it would cost its event's
        // content, so it is written as U+FFFD first (rare: looked for only when one may be there).
        let mayHaveSurrogates = data.range(of: Data(#"\ud"#.utf8)) != nil || data.range(of: Data(#"\uD"#.utf8)) != nil
        if !mayHaveSurrogates, let response = try? decoder.decode(SyncResponse.self, from: data) { return response }
        let text = withoutLoneSurrogates(String(decoding: data, as: UTF8.self))
        if let response = try? decoder.decode(SyncResponse.self, from: Data(text.utf8)) { return response }
        if let range = text.range(of: #""next_batch"\s*:\s*"([^"\\]+)""#, options: .regularExpression) {
            let match = text[range]
            let token = match.split(separator: "\"").last.map(String.init)
            if let token, !token.isEmpty { return SyncResponse(unreadableBatchBefore: token) }
        }
        throw MatrixError.unexpectedResponse("sync answer could not be read, and it names no next_batch")
    }

    static func withoutLoneSurrogates(_ text: String) -> String {
        text.replacingOccurrences(of: #"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"#, with: "\\\\ufffd", options: .regularExpression)
            .replacingOccurrences(of: #"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"#, with: "\\\\ufffd", options: .regularExpression)
    }

    enum RoomKinds: String, CodingKey { case join, invite, leave }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nextBatch = try container.decode(String.self, forKey: .nextBatch)
        var skipped: [String] = []
        func rooms<Room: Decodable & SkipsEvents>(_ kind: RoomKinds) -> [String: Room] {
            guard let all = try? container.nestedContainer(keyedBy: RoomKinds.self, forKey: .rooms),
                  let byID = try? all.nestedContainer(keyedBy: AnyKey.self, forKey: kind) else { return [:] }
            var result: [String: Room] = [:]
            for key in byID.allKeys {
                if let room = try? byID.decode(Room.self, forKey: key) {
                    result[key.stringValue] = room
                    skipped += room.skippedEvents.map { "\(key.stringValue)/\($0)" }
                } else {
                    skipped.append("\(key.stringValue)/(the whole room entry)")
                }
            }
            return result
        }
        joinedRooms = rooms(.join)
        invitedRooms = rooms(.invite)
        leftRooms = rooms(.leave)
        self.skipped = skipped
    }
}

/// Any JSON object key (room ids).
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A room entry that leaves out the events it cannot read, and says which.
protocol SkipsEvents { var skippedEvents: [String] { get } }

/// Decodes an array element by element: an element that cannot be read is left out and its
/// "event_id" (if it has one) remembered, instead of failing the whole array.
struct LossyEvents<Event: Decodable>: Decodable {
    var events: [Event] = []
    var skipped: [String] = []

    private struct IDOnly: Decodable { var event_id: String? }
    private struct Anything: Decodable {}

    init(from decoder: Decoder) throws {
        var array = try decoder.unkeyedContainer()
        while !array.isAtEnd {
            if let event = try? array.decode(Event.self) {
                events.append(event)
            } else if let id = try? array.decode(IDOnly.self) {
                skipped.append(id.event_id ?? "?")
            } else if (try? array.decode(JSONValue.self)) != nil {
                // Not even an object: stepped over, whatever it is.
                skipped.append("?")
            } else {
                // Nothing can read it (a raw control character in a string, found by fuzzing),
                // so the list cannot be stepped through past it: without this the loop never ended.
                skipped.append("?")
                break
            }
        }
    }
}

public struct JoinedRoom: Decodable, Sendable, SkipsEvents {
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
    /// Events in this entry that could not be read (their ids, or "?").
    public var skippedEvents: [String]
    struct Timeline: Decodable {
        var events: LossyEvents<ClientEvent>?
        var limited: Bool?
        var prevBatch: String?
        enum CodingKeys: String, CodingKey { case events, limited, prevBatch = "prev_batch" }
    }
    struct Section<Event: Decodable>: Decodable { var events: LossyEvents<Event>? }
    struct Summary: Decodable {
        var joined: Int?
        var invited: Int?
        enum CodingKeys: String, CodingKey { case joined = "m.joined_member_count", invited = "m.invited_member_count" }
    }
    struct Events<Event: Decodable>: Decodable { var events: [Event]? }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let timeline = (try? container.decodeIfPresent(Timeline.self, forKey: .timeline)) ?? nil
        let state = (try? container.decodeIfPresent(Section<ClientEvent>.self, forKey: .state)) ?? nil
        let ephemeral = (try? container.decodeIfPresent(Section<EphemeralEvent>.self, forKey: .ephemeral)) ?? nil
        timelineEvents = timeline?.events?.events ?? []
        limited = timeline?.limited ?? false
        previousBatch = timeline?.prevBatch
        stateEvents = state?.events?.events ?? []
        ephemeralEvents = ephemeral?.events?.events ?? []
        skippedEvents = (timeline?.events?.skipped ?? []) + (state?.events?.skipped ?? []) + (ephemeral?.events?.skipped ?? [])
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

    /// Membership changes in this batch, in order: who, and whether they are now in the room
    /// (joined or invited) or out of it (left, kicked, banned).
    public var membershipChanges: [(matrixID: String, isIn: Bool)] {
        (stateEvents + timelineEvents).compactMap { event in
            guard event.type == "m.room.member", let who = event.stateKey,
                  let membership = event.content["membership"]?.stringValue else { return nil }
            return (who, ["join", "invite"].contains(membership))
        }
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

public struct InvitedRoom: Decodable, Sendable, SkipsEvents {
    public var events: [StrippedEvent]
    public var skippedEvents: [String]

    enum CodingKeys: String, CodingKey { case inviteState = "invite_state" }
    struct Events: Decodable { var events: LossyEvents<StrippedEvent>? }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let section = (try? container.decodeIfPresent(Events.self, forKey: .inviteState)) ?? nil
        events = section?.events?.events ?? []
        skippedEvents = section?.events?.skipped ?? []
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

    enum CodingKeys: String, CodingKey { case chunk, end }

    /// Events that cannot be read are left out, as in /sync.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chunk = ((try? c.decodeIfPresent(LossyEvents<ClientEvent>.self, forKey: .chunk)) ?? nil)?.events ?? []
        end = try? c.decodeIfPresent(String.self, forKey: .end)
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

    /// Lenient where leniency loses nothing: a timestamp written as a float (or out of range) is
    /// read as the nearest whole millisecond, a missing content as empty. What the bot cannot do
    /// without (type, id, sender) fails this event only (see `LossyEvents`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        eventId = try c.decode(String.self, forKey: .eventId)
        sender = try c.decode(String.self, forKey: .sender)
        if let whole = try? c.decode(Int64.self, forKey: .originServerTs) {
            originServerTs = whole
        } else if let fractional = try? c.decode(Double.self, forKey: .originServerTs), fractional.isFinite {
            originServerTs = Int64(min(max(fractional.rounded(), -9.2e18), 9.2e18))
        } else {
            originServerTs = 0
        }
        stateKey = try? c.decodeIfPresent(String.self, forKey: .stateKey)
        content = (try? c.decodeIfPresent(JSONValue.self, forKey: .content)) ?? .object([:])
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
