import Foundation

/// The content of a text message the bot sends.
public struct MessageContent: Sendable, Equatable {
    public enum Kind: String, Sendable { case text = "m.text", notice = "m.notice" }

    /// A file in the media repository that an m.file message points to; `body` is its name.
    public struct File: Sendable, Equatable {
        public var url: String
        public var mimeType: String
        public var size: Int

        public init(url: String, mimeType: String, size: Int) {
            self.url = url
            self.mimeType = mimeType
            self.size = size
        }
    }

    public var kind: Kind
    public var body: String
    public var html: String?
    /// Users to notify. Always sent (empty when nobody), so plain text never pings anyone by accident.
    public var mentions: [String] = []
    /// Set for a file: the message is then an m.file (whatever `kind` says) named `body`.
    public var file: File?

    public init(kind: Kind, body: String, html: String?, mentions: [String] = []) {
        self.kind = kind
        self.body = body
        self.html = html
        self.mentions = mentions
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "msgtype": .string(kind.rawValue),
            "body": .string(body),
            "m.mentions": .object(mentions.isEmpty ? [:] : ["user_ids": .array(mentions.map(JSONValue.string))]),
        ]
        if let file {
            object["msgtype"] = .string("m.file")
            object["filename"] = .string(body)
            object["url"] = .string(file.url)
            object["info"] = .object(["mimetype": .string(file.mimeType), "size": .number(Double(file.size))])
        }
        if let html {
            object["format"] = .string("org.matrix.custom.html")
            object["formatted_body"] = .string(html)
        }
        return .object(object)
    }
}

public struct CreateRoomRequest: Sendable, Equatable {

    public var preset: String
    public var isDirect: Bool
    public var invite: [String]
    public var name: String?
    public var roomAliasName: String?
    public var topic: String?
    /// End-to-end encryption on from the start, as Element X makes every direct chat (the bot
    /// itself never asks for it: it cannot read encrypted rooms).
    public var encrypted = false
    /// The power level needed to invite (`power_level_content_override`); nil keeps the preset's.
    public var inviteLevel: Int?

    public init(preset: String, isDirect: Bool, invite: [String], name: String? = nil, roomAliasName: String? = nil,
                topic: String? = nil) {
        self.preset = preset
        self.isDirect = isDirect
        self.invite = invite
        self.name = name
        self.roomAliasName = roomAliasName
        self.topic = topic
    }

    /// A direct chat with one person. Unencrypted for now: the bot has no end-to-end encryption yet.
    public static func directMessage(inviting userID: String) -> CreateRoomRequest {
        CreateRoomRequest(preset: "trusted_private_chat", isDirect: true, invite: [userID])
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "preset": .string(preset), "is_direct": .bool(isDirect), "invite": .array(invite.map(JSONValue.string)),
        ]
        if let name { object["name"] = .string(name) }
        if let roomAliasName { object["room_alias_name"] = .string(roomAliasName) }
        if let topic { object["topic"] = .string(topic) }
        if let inviteLevel { object["power_level_content_override"] = .object(["invite": .number(Double(inviteLevel))]) }
        if encrypted {
            object["initial_state"] = .array([.object(["type": .string("m.room.encryption"), "state_key": .string(""),
                                                       "content": .object(["algorithm": .string("m.megolm.v1.aes-sha2")])])])
        }
        return .object(object)
    }
}
