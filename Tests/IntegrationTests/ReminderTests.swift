import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    @Suite struct ReminderTests {
        static func local(_ day: Date, hour: Int) -> Date {
            brussels.date(bySettingHour: hour, minute: 0, second: 0, of: day)!
        }

        /// A meeting planned over the homeserver produces both reminders, to both people, each in
        /// their own language, when the daemon's clock reaches their local times; a restart
        /// between them loses nothing and repeats nothing.
        @Test func aPlannedMeetingRemindsBothPeopleOnTimeInTheirLanguagesAcrossARestart() async throws {
            let programme = try Programme(mentorLanguage: "fr", menteeLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (mentorRoom, _) = try await programme.startAndOpenMentorRoom()
            let (menteeRoom, _) = try await programme.open(programme.mentee)

            let calendar = brussels
            let meetingDay = calendar.date(byAdding: .day, value: 3, to: Date())!
            let typed = String(format: "%02d/%02d", calendar.component(.day, from: meetingDay), calendar.component(.month, from: meetingDay))
            for answer in ["plan", typed, "yes", "10:00", "yes", "Library", "1"] {
                _ = try await programme.exchange(programme.mentee, in: menteeRoom, answer, replies: 1)
            }
            _ = try await programme.mentor.waitForMessage(from: bot, containing: "Library")
            _ = try await programme.exchange(programme.mentor, in: mentorRoom, "oui", replies: 1)
            _ = try await programme.mentee.waitForMessage(from: bot, containing: opening("bot.meeting.confirmed", "en"))

            // Five seconds before the day-before reminder: nothing yet. Then a restart.
            let dayBefore = Self.local(calendar.date(byAdding: .day, value: -1, to: meetingDay)!, hour: 10)
            let mentorSeen = await programme.mentor.bodies(from: bot, in: mentorRoom).count
            let menteeSeen = await programme.mentee.bodies(from: bot, in: menteeRoom).count
            try programme.process.setClock(to: dayBefore.addingTimeInterval(-5))
            try await programme.mentee.settle(2)
            #expect(await programme.mentee.bodies(from: bot, in: menteeRoom).count == menteeSeen)
            programme.process.kill(SIGTERM)
            #expect(await programme.process.waitForExit(timeout: 10) == 0)
            try programme.process.start()

            // The clock passes 10:00 the day before: each gets exactly one reminder, in their language.
            let mentorReminder = try await programme.mentor.waitForMessages(from: bot, in: mentorRoom, count: mentorSeen + 1, timeout: 30)
            let menteeReminder = try await programme.mentee.waitForMessages(from: bot, in: menteeRoom, count: menteeSeen + 1, timeout: 30)
            #expect(mentorReminder[mentorSeen].hasPrefix(opening("bot.nudge.meeting", "fr")))
            #expect(menteeReminder[menteeSeen].hasPrefix(opening("bot.nudge.meeting", "en")))
            #expect(menteeReminder[menteeSeen].contains("at 10:00"))
            #expect(menteeReminder[menteeSeen].contains("Library"))

            // Two hours before: the second reminder, and again nothing twice.
            try programme.process.setClock(to: Self.local(meetingDay, hour: 8).addingTimeInterval(-1))
            let second = try await programme.mentee.waitForMessages(from: bot, in: menteeRoom, count: menteeSeen + 2, timeout: 30)
            #expect(second[menteeSeen + 1].hasPrefix(opening("bot.nudge.meeting", "en")))
            _ = try await programme.mentor.waitForMessages(from: bot, in: mentorRoom, count: mentorSeen + 2, timeout: 30)
            try await programme.mentee.settle(3)
            #expect(await programme.mentee.bodies(from: bot, in: menteeRoom).count == menteeSeen + 2)
            #expect(await programme.mentor.bodies(from: bot, in: mentorRoom).count == mentorSeen + 2)
        }
    }
}
