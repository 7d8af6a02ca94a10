import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MatrixClient
import Testing

extension IntegrationSuite {
    /// Rooms as people's clients make them, over Synapse: Element X's encrypted direct chat, a
    /// mentor's group room with their mentee, a person leaving.
    @Suite struct RoomKindsTests {
        /// Polls until the bot is no longer a member of `room` (as `participant` sees it).
        static func waitUntilBotLeaves(_ room: String, programme: Programme, seenBy participant: ChatParticipant) async throws -> Bool {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if try await !participant.client.joinedMembers(roomId: room).contains(programme.bot.userID) { return true }
                try await Task.sleep(nanoseconds: 200_000_000)
            }
            return false
        }

        /// Element X creates every direct chat encrypted. The bot cannot read it: it says so there,
        /// readably, leaves, and the conversation goes on in a room it can read, "sos" included.
        @Test func aMenteesEncryptedDirectChatEndsInAConversationThatWorks() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            try programme.process.start()
            let (working, seen) = try await programme.open(programme.mentee)
            let coordinatorsRoom = try await programme.joinCoordinatorsRoom(programme.coordinator)
            let coordinatorsBefore = await programme.coordinator.bodies(from: bot, in: coordinatorsRoom).count

            var elementX = CreateRoomRequest(preset: "trusted_private_chat", isDirect: true, invite: [bot])
            elementX.encrypted = true
            let encrypted = try await programme.mentee.client.createRoom(elementX)
            let line = try await programme.mentee.waitForMessages(from: bot, in: encrypted, count: 1, timeout: 20)
            #expect(line == [shippedText.text("bot.room.encrypted", in: "en")])
            #expect(try await Self.waitUntilBotLeaves(encrypted, programme: programme, seenBy: programme.mentee))
            let moved = try await programme.mentee.waitForMessages(from: bot, in: working, count: seen + 1, timeout: 20)
            #expect(moved[seen] == shippedText.text("bot.room.moved", in: "en"))
            let told = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: coordinatorsBefore + 1)
            #expect(told[coordinatorsBefore].contains("P-001"))

            // The working room works, "sos" included.
            try await programme.mentee.say("sos", in: working)
            let alert = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: coordinatorsBefore + 2)
            #expect(alert[coordinatorsBefore + 1].contains("I-001"))

            // A second encrypted chat: refused again, the coordinators are not told twice.
            let again = try await programme.mentee.client.createRoom(elementX)
            try await programme.mentee.waitForMessages(from: bot, in: again, count: 1, timeout: 20)
            try await programme.coordinator.settle(2)
            #expect(!(await programme.coordinator.bodies(from: bot, in: coordinatorsRoom)).dropFirst(coordinatorsBefore + 2)
                .contains { $0.contains("encrypted") })
        }

        /// A mentor invites the bot into a group room with their mentee: one line, the bot leaves,
        /// no check-in is ever seen there, and the mentor's direct room still answers.
        @Test func aMentorsGroupRoomNeverSeesACheckIn() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (direct, seen) = try await programme.startAndOpenMentorRoom()
            let group = try await programme.mentor.client.createRoom(
                CreateRoomRequest(preset: "private_chat", isDirect: false, invite: [bot, await programme.mentee.userID]))
            let line = try await programme.mentor.waitForMessages(from: bot, in: group, count: 1, timeout: 20)
            #expect(line == [shippedText.text("bot.room.group", in: "en")])
            #expect(try await Self.waitUntilBotLeaves(group, programme: programme, seenBy: programme.mentor))
            try await programme.mentor.say("checkin", in: group)
            try await programme.mentor.settle(2)
            #expect(await programme.mentor.bodies(from: bot, in: group) == line, "nothing more in the group room")
            try await programme.mentor.say("help", in: direct)
            let replies = try await programme.mentor.waitForMessages(from: bot, in: direct, count: seen + 1, timeout: 20)
            #expect(replies[seen] == shippedText.text("bot.help", in: "en"))
            // The name people's clients show for the bot comes from the configuration (default MentorBot).
            #expect(try await programme.mentor.client.profile(userId: bot).displayName == "MentorBot")
        }

        /// The person leaves their direct room: the bot leaves too, and writes again (in a new room)
        /// only when it has something to say.
        @Test func whenAPersonLeavesTheBotLeavesToo() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (direct, _) = try await programme.startAndOpenMentorRoom()
            let asBot = MatrixClient(homeserver: programme.homeserver.url, accessToken: programme.bot.accessToken)
            try await programme.mentor.client.leave(roomId: direct)
            var left = false
            let deadline = Date().addingTimeInterval(20)
            while !left, Date() < deadline {
                left = (try? await asBot.joinedMembers(roomId: direct)) == nil
                if !left { try await Task.sleep(nanoseconds: 200_000_000) }
            }
            #expect(left, "the bot is still in the room the mentor left")
            // Nothing to say yet: no new room.
            try await programme.mentor.settle(2)
            #expect(await programme.mentor.invites.values.contains(bot) == false)
        }

        /// Element's edits: correcting a reply that did not fit the open question answers it;
        /// editing an answer already taken changes nothing and is explained once.
        @Test func editsBehaveAsPeopleExpect() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            try programme.process.start()
            let (room, _) = try await programme.open(programme.mentee)
            let opening = try await programme.exchange(programme.mentee, in: room, "checkin", replies: 2)
            #expect(opening[0] == shippedText.text("checkin.welcome", in: "en"))
            let before = await programme.mentee.bodies(from: bot, in: room).count
            let typo = try await programme.mentee.say("purple", in: room)
            try await programme.mentee.waitForMessages(from: bot, in: room, count: before + 2)
            try await programme.mentee.edit(typo, to: "2", in: room)
            let next = try await programme.mentee.waitForMessages(from: bot, in: room, count: before + 3)
            #expect(next[before + 2].hasPrefix(String(shippedText.text("mentee_checkin.useful", in: "en").prefix(20))),
                    "the corrected answer moved the check-in on: \(next[before + 2])")
            let answer = try await programme.mentee.say("4", in: room)
            try await programme.mentee.waitForMessages(from: bot, in: room, count: before + 4)
            try await programme.mentee.edit(answer, to: "1", in: room)
            let kept = try await programme.mentee.waitForMessages(from: bot, in: room, count: before + 5)
            #expect(kept[before + 4] == shippedText.text("bot.edit.kept", in: "en"))
            try await programme.mentee.edit(answer, to: "2", in: room)
            try await programme.mentee.settle(2)
            #expect(await programme.mentee.bodies(from: bot, in: room).count == before + 5, "told once")
        }

        /// More messages than one /sync timeline holds arrive while the bot is away: the gap is
        /// filled from /messages, so the "sos" before a burst of 55 messages is not missed.
        @Test func noMessageInABurstIsMissed() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            // A burst as fast as a person (or a script) can send, not held back by the homeserver.
            try programme.homeserver.exemptFromRateLimits(await programme.mentee.userID)
            try programme.process.start()
            let (room, _) = try await programme.open(programme.mentee)
            let coordinatorsRoom = try await programme.joinCoordinatorsRoom(programme.coordinator)
            let before = await programme.coordinator.bodies(from: bot, in: coordinatorsRoom).count
            programme.process.kill(SIGTERM)
            #expect(await programme.process.waitForExit(timeout: 10) == 0)
            try await programme.mentee.say("sos", in: room)
            for number in 1...55 { try await programme.mentee.say("ok \(number)", in: room) }
            try programme.process.start()
            let alert = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: before + 1, timeout: 60)
            #expect(alert[before].contains("I-001"))
        }

        /// A direct room upgraded to a new room version, as Element does it (the new room, then an
        /// invite to each member): the bot follows and answers in the new room.
        @Test func anUpgradedDirectRoomIsFollowed() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (old, _) = try await programme.startAndOpenMentorRoom()
            let token = programme.mentor.account.accessToken
            func post(_ path: String, _ body: [String: String]) async throws -> [String: Any] {
                var request = URLRequest(url: URL(string: programme.homeserver.url + path)!)
                request.httpMethod = "POST"
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                request.httpBody = try JSONSerialization.data(withJSONObject: body)
                let (data, _) = try await URLSession.shared.data(for: request)
                return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
            }
            let upgraded = try await post("/_matrix/client/v3/rooms/\(old)/upgrade", ["new_version": "10"])
            let new = try #require(upgraded["replacement_room"] as? String, "\(upgraded)")
            _ = try await post("/_matrix/client/v3/rooms/\(new)/invite", ["user_id": bot])
            let deadline = Date().addingTimeInterval(20)
            var members: [String] = []
            while !members.contains(bot), Date() < deadline {
                members = try await programme.mentor.client.joinedMembers(roomId: new)
                if !members.contains(bot) { try await Task.sleep(nanoseconds: 200_000_000) }
            }
            #expect(members.contains(bot), "the bot did not join the upgraded room")
            let replies = try await programme.exchange(programme.mentor, in: new, "help", replies: 1)
            #expect(replies == [shippedText.text("bot.help", in: "en")])
        }

        /// The coordinators' room the bot creates lets only coordinators (and the bot) invite.
        @Test func onlyCoordinatorsMayInviteIntoTheCoordinatorsRoomTheBotCreates() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            try programme.process.start()
            let room = try await programme.joinCoordinatorsRoom(programme.coordinator)
            // The bot raises the coordinators just after creating the room (merged into the levels
            // the homeserver set), so a coordinator quick to join may read the levels before that.
            let coordinator = await programme.coordinator.userID
            let deadline = Date().addingTimeInterval(20)
            var levels = try #require(try await programme.coordinator.client.stateEvent(roomId: room, type: "m.room.power_levels"))
            while levels["users"]?[coordinator]?.doubleValue == nil, Date() < deadline {
                try await Task.sleep(nanoseconds: 200_000_000)
                levels = try #require(try await programme.coordinator.client.stateEvent(roomId: room, type: "m.room.power_levels"))
            }
            #expect(levels["invite"]?.doubleValue == 50)
            #expect(levels["users"]?[coordinator]?.doubleValue == 50)
            #expect((levels["users_default"]?.doubleValue ?? 0) < 50, "other members may not invite")
        }

        /// Issue 13: a stranger who creates the public room #coordinators first must not receive
        /// the safety alerts. The bot joins it, sees a member who is not a coordinator, posts
        /// nothing there and says so; the person in danger still gets the safety reply.
        @Test func aSquattedCoordinatorsRoomGetsNoAlert() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let squatter = ChatParticipant(try programme.homeserver.register("squatter"), homeserver: programme.homeserver)
            var squat = CreateRoomRequest(preset: "public_chat", isDirect: false, invite: [])
            squat.roomAliasName = String(programme.process.coordinatorsRoom.dropFirst().prefix { $0 != ":" })
            let squatted = try await squatter.client.createRoom(squat)
            try programme.process.start()
            let (room, seen) = try await programme.open(programme.mentee)
            try await programme.mentee.say("sos", in: room)
            let replies = try await programme.mentee.waitForMessages(from: bot, in: room, count: seen + 1)
            #expect(replies[seen] == shippedText.text("bot.safety.reply", in: "en", ["emergency": "112"]))
            try await squatter.settle(4)
            #expect(try await squatter.client.joinedMembers(roomId: squatted).contains(bot), "the bot did join the squatted room")
            #expect(await squatter.bodies(from: bot, in: squatted).isEmpty, "no alert, nothing at all, in a room with a stranger")
            #expect(programme.process.stderr.contains("COORDINATORS' ROOM HAS STRANGERS"))
        }

        /// An encrypted coordinators' room (Element Web's default for a new private room) is
        /// refused by `mentorbot check` with what to do.
        @Test func anEncryptedCoordinatorsRoomIsReportedByCheck() async throws {
            let programme = try Programme(mentorLanguage: "en")
            let alias = programme.process.coordinatorsRoom
            var elementWeb = CreateRoomRequest(preset: "private_chat", isDirect: false, invite: [programme.bot.userID])
            elementWeb.encrypted = true
            elementWeb.roomAliasName = String(alias.dropFirst().prefix { $0 != ":" })
            _ = try await programme.coordinator.client.createRoom(elementWeb)

            let check = try ProgramRun(programme.process.binary, ["check", "--config", programme.process.configPath])
            let said = check.errors
            #expect(check.status == 2)
            #expect(said.contains("PROBLEM: the coordinators' room \(alias) is encrypted") && said.contains("Fix:"), "\(said)")
        }
    }
}
