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

    static let rooms = #"""
    {
      "next_batch": "s3",
      "rooms": {"leave": {
        "!kicked:test": {"timeline": {"events": [
            {"type": "m.room.member", "event_id": "$k", "sender": "@amal:test", "origin_server_ts": 1800000000000,
             "state_key": "@mentorbot:test", "content": {"membership": "leave"}}
        ]}}
      },
      "join": {
        "!e2ee:test": {"summary": {"m.joined_member_count": 2, "m.invited_member_count": 0},
          "timeline": {"events": [
            {"type": "m.room.encryption", "event_id": "$e", "sender": "@amal:test", "origin_server_ts": 1800000000000, "state_key": "",
             "content": {"algorithm": "m.megolm.v1.aes-sha2"}},
            {"type": "m.room.message", "event_id": "$x", "sender": "@amal:test", "origin_server_ts": 1800000001000,
             "content": {"msgtype": "m.text", "body": "sos"}}
          ]}},
        "!group:test": {"summary": {"m.joined_member_count": 2, "m.invited_member_count": 1}, "timeline": {"events": []}},
        "!quiet:test": {"summary": {}, "timeline": {"events": [
            {"type": "m.room.message", "event_id": "$edit", "sender": "@amal:test", "origin_server_ts": 1800000002000,
             "content": {"msgtype": "m.text", "body": "* 2", "m.new_content": {"msgtype": "m.text", "body": "2"},
                         "m.relates_to": {"rel_type": "m.replace", "event_id": "$old"}}},
            {"type": "m.room.member", "event_id": "$left", "sender": "@amal:test", "origin_server_ts": 1800000003000,
             "state_key": "@amal:test", "content": {"membership": "leave"}}
        ]}}
      }}
    }
    """#

    @Test("a room the bot was put out of, then each room's facts (members, encryption, who left) before its texts; an edit is not a text")
    func roomFactsComeFirstAndEditsAreNotTexts() throws {
        let response = try JSONDecoder().decode(SyncResponse.self, from: Data(Self.rooms.utf8))
        let at = { (seconds: Double) in Date(timeIntervalSince1970: 1_800_000_000 + seconds) }
        #expect(SyncInputs.inputs(from: response, botUserID: Self.bot, includeTimelines: true) == [
            .memberLeft(roomID: "!kicked:test", matrixID: Self.bot),
            .roomObserved(RoomObservation(roomID: "!e2ee:test", members: 2, encrypted: true)),
            .text(InboundText(eventID: "$x", roomID: "!e2ee:test", sender: "@amal:test", body: "sos", sentAt: at(1))),
            .roomObserved(RoomObservation(roomID: "!group:test", members: 3, encrypted: false)),
            .memberLeft(roomID: "!quiet:test", matrixID: "@amal:test"),
            .edited(InboundEdit(eventID: "$edit", roomID: "!quiet:test", sender: "@amal:test", replaces: "$old", body: "2", sentAt: at(2))),
        ])
    }

    /// Issue 13's reproducers: one odd event (from any server) used to fail the whole answer, and
    /// since the sync position never moved, the bot failed on it again after every restart.
    @Test("an event that cannot be read is skipped and named; the rest of the batch is read")
    func oddEventsAreSkippedNotFatal() throws {
        let odd = #"""
        {"next_batch": "s9", "rooms": {"join": {
          "!dm:test": {"timeline": {"events": [
            {"type": "m.room.message", "event_id": "$no-sender", "origin_server_ts": 1, "content": {"msgtype": "m.text", "body": "x"}},
            {"type": "m.room.message", "event_id": "$float", "sender": "@amal:test", "origin_server_ts": 1800000000000.0,
             "content": {"msgtype": "m.text", "body": "sos"}},
            "not an event",
            {"type": 7, "event_id": "$wrong-type", "sender": "@amal:test", "origin_server_ts": 1, "content": {}},
            {"type": "m.room.message", "event_id": "$ok", "sender": "@amal:test", "origin_server_ts": 1800000001000,
             "content": {"msgtype": "m.text", "body": "hello \ud800 there"}}
          ]}},
          "!broken:test": {"timeline": "not a timeline"},
          "!weird:test": 42
        }}}
        """#
        let response = try SyncResponse.read(Data(odd.utf8))
        let texts = SyncInputs.inputs(from: response, botUserID: Self.bot, includeTimelines: true).compactMap { input -> String? in
            if case .text(let text) = input { return text.eventID } else { return nil }
        }
        #expect(texts == ["$float", "$ok"])
        #expect(Set(response.skipped) == ["!dm:test/$no-sender", "!dm:test/?", "!dm:test/$wrong-type", "!weird:test/(the whole room entry)"])
    }

    @Test("an answer that is not valid UTF-8 is repaired; one that is not JSON at all is skipped by its next_batch")
    func unreadableAnswersDoNotStopTheBot() throws {
        var bytes = Data(#"{"next_batch": "s10", "rooms": {"join": {"!dm:test": {"timeline": {"events": [{"type": "m.room.message", "event_id": "$1", "sender": "@amal:test", "origin_server_ts": 1, "content": {"msgtype": "m.text", "body": "caf"#.utf8)
        bytes.append(contentsOf: [0xE9, 0xFF])
        bytes.append(contentsOf: Data(#""}}]}}}}}"#.utf8))
        let repaired = try SyncResponse.read(bytes)
        #expect(repaired.nextBatch == "s10" && repaired.joinedRooms["!dm:test"]?.timelineEvents.count == 1)

        let garbage = try SyncResponse.read(Data(#"{"next_batch": "s11", "rooms": {"join": {{{{ not json"#.utf8))
        #expect(garbage.nextBatch == "s11" && garbage.joinedRooms.isEmpty && garbage.skipped.count == 1)
        #expect(throws: MatrixError.self) { try SyncResponse.read(Data("<html>502</html>".utf8)) }
    }

    /// Found by scripts/fuzz.sh: a raw NUL inside a key made an event that no decoder could step
    /// over, and reading the timeline looped for ever (the daemon would hang on that /sync answer).
    @Test("an event nothing can read ends its list instead of looping; the rest of the answer is read", .timeLimit(.minutes(1)))
    func anEventNothingCanReadDoesNotHang() throws {
        var bytes = Data(#"{"next_batch": "s12", "rooms": {"join": {"!dm:test": {"timeline": {"events": [{"type": "m.room.message", "event_id": "$1", "s"#.utf8)
        bytes.append(0)
        bytes.append(contentsOf: Data(#"nder": "@amal:test", "origin_server_ts": 1, "content": {"msgtype": "m.text", "body": "hi"}}]}}, "!other:test": {"timeline": {"events": [{"type": "m.room.message", "event_id": "$2", "sender": "@sam:test", "origin_server_ts": 2, "content": {"msgtype": "m.text", "body": "hello"}}]}}}}}"#.utf8))
        let response = try SyncResponse.read(bytes)
        #expect(response.nextBatch == "s12")
        #expect(response.joinedRooms["!other:test"]?.timelineEvents.count == 1)
    }
}
