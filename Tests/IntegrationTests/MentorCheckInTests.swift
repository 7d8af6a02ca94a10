import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    @Suite struct MentorCheckInTests {
        @Test func aMentorCompletesTheCheckInInFrenchAndTheCoordinatorsGetASummary() async throws {
            let programme = try Programme()
            try programme.process.start()
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID

            let room = try await programme.mentor.acceptInvite(from: bot)
            let greeting = try await programme.mentor.waitForMessages(from: bot, in: room, count: 1)
            #expect(greeting[0].hasPrefix("Bonjour"))

            var expected = 1
            for step in Programme.frenchCheckIn {
                try await programme.mentor.say(step.answer, in: room)
                expected += step.replies
                try await programme.mentor.waitForMessages(from: bot, in: room, count: expected)
            }
            let said = await programme.mentor.bodies(from: bot, in: room)
            #expect(said.last == "Merci ! Votre coordinateur·rice vous contactera bientôt.")

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
            let room = try await programme.startAndOpenMentorRoom()
            try await programme.mentor.say("check-in", in: room)
            let said = try await programme.mentor.waitForMessages(from: bot, in: room, count: 3)
            #expect(said[2].hasPrefix("Has your mentee made progress"))
            let question = try #require(await programme.mentor.lastEventID(from: bot, in: room))
            _ = try await programme.mentor.client.react(roomId: room, txnId: "r-\(UUID().uuidString)", to: question, key: "2️⃣")
            let next = try await programme.mentor.waitForMessages(from: bot, in: room, count: 4)
            #expect(next[3].hasPrefix("How happy are you"))
        }

        @Test func helpStopStartAndLanguageWorkOverTheHomeserver() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let room = try await programme.startAndOpenMentorRoom()

            try await programme.mentor.say("help", in: room)
            var said = try await programme.mentor.waitForMessages(from: bot, in: room, count: 2)
            #expect(said[1].hasPrefix("You can write"))
            try await programme.mentor.say("language fr", in: room)
            said = try await programme.mentor.waitForMessages(from: bot, in: room, count: 3)
            #expect(said[2] == "D'accord, je vous écrirai en français à partir de maintenant.")
            try await programme.mentor.say("stop", in: room)
            said = try await programme.mentor.waitForMessages(from: bot, in: room, count: 4)
            #expect(said[3].hasPrefix("D'accord, je ne vous écris plus"))
            try await programme.mentor.say("bilan", in: room)
            try await programme.mentor.settle(2)
            #expect(await programme.mentor.bodies(from: bot, in: room).count == 4)
            try await programme.mentor.say("reprendre", in: room)
            said = try await programme.mentor.waitForMessages(from: bot, in: room, count: 5)
            #expect(said[4].hasPrefix("Bon retour"))
        }
    }
}
