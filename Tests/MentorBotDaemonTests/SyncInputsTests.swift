import BotModel
import Foundation
import MatrixClient
import MentorBotCore
@testable import MentorBotDaemon
import Testing

/// How a /sync answer becomes the core's inputs, from JSON shaped as Synapse sends it.
@Suite("From a /sync answer to inputs")
struct SyncInputsTests {
    static let bot = "@mentorbot:test"
    static let answer = #"""
    {
      "next_batch": "s2",
      "rooms": {
        "invite": {
          "!b-invite:test": {"invite_state": {"events": [
            {"type": "m.room.member", "state_key": "@mentorbot:test", "sender": "@amal:test", "content": {"membership": "invite"}}
          ]}},
          "!a-invite:test": {"invite_state": {"events": [
            {"type": "m.room.member", "state_key": "@someone-else:test", "sender": "@amal:test", "content": {"membership": "invite"}}
          ]}}
        },
        "join": {
          "!dm:test": {"timeline": {"events": [
            {"type": "m.room.message", "event_id": "$1", "sender": "@amal:test", "origin_server_ts": 1800000000000,
             "content": {"msgtype": "m.text", "body": "hello"}},
            {"type": "m.room.message", "event_id": "$2", "sender": "@mentorbot:test", "origin_server_ts": 1800000001000,
             "content": {"msgtype": "m.text", "body": "Hi! How are you?"}},
            {"type": "m.room.message", "event_id": "$3", "sender": "@amal:test", "origin_server_ts": 1800000002000,
             "content": {"msgtype": "m.text", "body": "> <@mentorbot:test> Hi! How are you?\n\nfine thanks",
                         "m.relates_to": {"m.in_reply_to": {"event_id": "$2"}}}},
            {"type": "m.reaction", "event_id": "$4", "sender": "@amal:test", "origin_server_ts": 1800000003000,
             "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$2", "key": "👍"}}},
            {"type": "m.room.topic", "event_id": "$5", "sender": "@amal:test", "origin_server_ts": 1800000004000, "state_key": "",
             "content": {"topic": "ours"}},
            {"type": "m.room.message", "event_id": "$6", "sender": "@amal:test", "origin_server_ts": 1800000005000,
             "content": {"msgtype": "m.image", "body": "photo.jpg", "url": "mxc://test/x"}},
            {"type": "m.room.message", "event_id": "$7", "sender": "@otherbot:test", "origin_server_ts": 1800000006000,
             "content": {"msgtype": "m.notice", "body": "help"}}
          ]}}
        }
      }
    }
    """#

    static func inputs(includeTimelines: Bool) throws -> [Input] {
        let response = try JSONDecoder().decode(SyncResponse.self, from: Data(answer.utf8))
        return SyncInputs.inputs(from: response, botUserID: bot, includeTimelines: includeTimelines)
    }

    @Test("the first sync reads invites to the bot only: earlier messages are history, never commands")
    func firstSyncReadsInvitesOnly() throws {
        #expect(try Self.inputs(includeTimelines: false) == [.invited(roomID: "!b-invite:test", inviter: "@amal:test")])
    }

    @Test("later syncs: texts without the reply quote and reactions, in order; the bot's own messages, notices (another bot's), state and images are not inputs")
    func timelineInOrder() throws {
        let at = { (seconds: Double) in Date(timeIntervalSince1970: 1_800_000_000 + seconds) }
        #expect(try Self.inputs(includeTimelines: true) == [
            .invited(roomID: "!b-invite:test", inviter: "@amal:test"),
            .text(InboundText(eventID: "$1", roomID: "!dm:test", sender: "@amal:test", body: "hello", sentAt: at(0))),
            .text(InboundText(eventID: "$3", roomID: "!dm:test", sender: "@amal:test", body: "fine thanks", sentAt: at(2))),
            .reaction(InboundReaction(eventID: "$4", roomID: "!dm:test", sender: "@amal:test", relatesTo: "$2", key: "👍", sentAt: at(3))),
        ])
    }
}
