import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    @Suite struct CadenceTests {
        /// Over the homeserver: a coordinator pauses the pair in the coordinators' room, the
        /// mentor's first check-in day (two weeks after the start) passes in silence; after
        /// "resume", the next month's check-in arrives in French at 10:00 local.
        @Test func aPausedPairHearsNothingOnItsCheckInDayAndResumingBringsTheNextCheckIn() async throws {
            let programme = try Programme(mentorLanguage: "fr", menteeLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (mentorRoom, seen) = try await programme.startAndOpenMentorRoom()

            // The coordinator joins the coordinators' room the bot created, and pauses the pair.
            let coordinatorsRoom = try await programme.joinCoordinatorsRoom(programme.coordinator)
            let before = await programme.coordinator.bodies(from: bot, in: coordinatorsRoom).count
            try await programme.coordinator.say("pause P-001", in: coordinatorsRoom)
            let paused = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: before + 1)
            #expect(paused[before] == shippedText.text("coordinator.paused", in: "en", ["pair": "P-001"]))

            // The first check-in day passes: nothing reaches the mentor.
            try programme.process.setClock(to: brusselsTime(daysFromToday: 14, hour: 10).addingTimeInterval(2))
            try await programme.mentor.settle(4)
            #expect(await programme.mentor.bodies(from: bot, in: mentorRoom).count == seen)

            // Resumed: a month later the next check-in arrives, in French.
            try await programme.coordinator.say("resume P-001", in: coordinatorsRoom)
            let resumed = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: before + 2)
            #expect(resumed[before + 1] == shippedText.text("coordinator.resumed", in: "en", ["pair": "P-001"]))
            // On the way, the quiet-pair invitation (three weeks after the start) goes out too.
            try programme.process.setClock(to: brusselsTime(daysFromToday: 14, thenMonths: 1, hour: 10).addingTimeInterval(-3))
            let after = try await programme.mentor.waitForMessages(from: bot, in: mentorRoom, count: seen + 3, timeout: 30)
            #expect(after[seen].hasPrefix(opening("bot.nudge.no_meeting", "fr")))
            #expect(after[seen + 1] == shippedText.text("checkin.welcome", in: "fr"))
            try await programme.mentor.settle(2)
            #expect(await programme.mentor.bodies(from: bot, in: mentorRoom).count == seen + 3, "nothing twice")
        }
    }
}
