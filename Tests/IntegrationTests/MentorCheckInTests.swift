import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    @Suite struct MentorCheckInTests {
        @Test func aMentorCompletesTheCheckInInFrenchAndTheCoordinatorsGetASummary() async throws {
            let programme = try Programme()
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (room, seen) = try await programme.startAndOpenMentorRoom()
            let said = await programme.mentor.bodies(from: bot, in: room)
            #expect(said[0] == shippedText.text("bot.greeting.mentor", in: "fr"))

            var expected = seen
            for step in Programme.frenchCheckIn {
                try await programme.mentor.say(step.answer, in: room)
                expected += step.replies
                try await programme.mentor.waitForMessages(from: bot, in: room, count: expected)
            }
            #expect(await programme.mentor.bodies(from: bot, in: room).last == shippedText.text("checkin.thanks_contact", in: "fr"))

            let summary = try await programme.coordinator.waitForMessage(from: bot, containing: "Mentor check-in, pair P-001").body
            #expect(summary.contains("Satisfaction: 3/4 (somewhat)"))
            #expect(summary.contains("Mostly about: Understanding each other"))
            #expect(!summary.contains(programme.mentor.account.userID))

            // The answers are in the store as a structured record, not as chat text.
            programme.process.kill(SIGTERM)
            #expect(await programme.process.waitForExit(timeout: 10) == 0)
            let stored = programme.process.journal + programme.process.snapshot
            #expect(stored.contains("\"satisfaction\":{\"number\":{\"_0\":3}}"))
            #expect(stored.contains("\"difficulty_area\":{\"choice\":{\"_0\":\"communication\"}}"))
            #expect(!stored.contains("\"bilan\""))
        }

        @Test func aNumberReactionToTheQuestionAnswersIt() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (room, _) = try await programme.startAndOpenMentorRoom()
            let opening = try await programme.exchange(programme.mentor, in: room, "check-in", replies: 2)
            #expect(opening[1].hasPrefix(shippedText.text("mentor_checkin.progress", in: "en")))
            let question = try #require(await programme.mentor.lastEventID(from: bot, in: room))
            let before = await programme.mentor.bodies(from: bot, in: room).count
            _ = try await programme.mentor.client.react(roomId: room, txnId: "r-\(UUID().uuidString)", to: question, key: "2️⃣")
            let next = try await programme.mentor.waitForMessages(from: bot, in: room, count: before + 1)
            #expect(next[before].hasPrefix(shippedText.text("mentor_checkin.satisfaction", in: "en")))
        }

        @Test func helpStopStartAndLanguageWorkOverTheHomeserver() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (room, _) = try await programme.startAndOpenMentorRoom()

            #expect(try await programme.exchange(programme.mentor, in: room, "help", replies: 1) == [shippedText.text("bot.help", in: "en")])
            #expect(try await programme.exchange(programme.mentor, in: room, "language fr", replies: 1)
                == [shippedText.text("bot.language.changed", in: "fr")])
            #expect(try await programme.exchange(programme.mentor, in: room, "stop", replies: 1) == [shippedText.text("bot.stopped", in: "fr")])
            let silent = await programme.mentor.bodies(from: bot, in: room).count
            try await programme.mentor.say("bilan", in: room)
            try await programme.mentor.settle(2)
            #expect(await programme.mentor.bodies(from: bot, in: room).count == silent)
            #expect(try await programme.exchange(programme.mentor, in: room, word("start", "fr"), replies: 1)
                == [shippedText.text("bot.restarted", in: "fr")])
        }
    }
}
