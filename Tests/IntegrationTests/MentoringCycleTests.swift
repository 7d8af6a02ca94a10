import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    @Suite struct MentoringCycleTests {
        /// A French-speaking mentor and an Arabic-speaking mentee, each with a real Matrix client,
        /// go through onboarding, plan a meeting (the mentee confirms it in Arabic), log it, check
        /// in and ask for support. Coordinators get structured summaries; the mentor never sees
        /// the mentee's answers; the store holds the meeting, the log and the ticket.
        @Test func aMentorAndAMenteeInTwoLanguagesGoThroughTheCycle() async throws {
            let programme = try Programme(mentorLanguage: "fr", menteeLanguage: "ar")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (mentorRoom, _) = try await programme.startAndOpenMentorRoom()
            let (menteeRoom, menteeSeen) = try await programme.open(programme.mentee)
            let menteeWelcome = await programme.mentee.bodies(from: bot, in: menteeRoom)
            #expect(menteeWelcome[0] == shippedText.text("bot.greeting.mentee", in: "ar"))
            #expect(menteeWelcome[menteeSeen - 1] == shippedText.text("onboarding.thanks", in: "ar"))

            // The mentor plans tomorrow at 14:30, in French words.
            let mentor = { (text: String, replies: Int) in
                try await programme.exchange(programme.mentor, in: mentorRoom, text, replies: replies)
            }
            #expect(try await mentor(word("plan", "fr"), 1)[0].hasPrefix(opening("plan_meeting.date", "fr")))
            #expect(try await mentor(word("tomorrow", "fr"), 1)[0].hasPrefix(opening("dialog.confirm", "fr")))
            _ = try await mentor(word("yes", "fr"), 1)
            _ = try await mentor("14h30", 1)
            _ = try await mentor(word("yes", "fr"), 1)
            _ = try await mentor("Bibliothèque", 1)
            #expect(try await mentor("1", 1) == [shippedText.text("plan_meeting.done", in: "fr", ["partner": shippedText.text("partner.mentor", in: "fr")])])

            // The mentee is asked in Arabic, with the place, and confirms in Arabic.
            let ask = try await programme.mentee.waitForMessages(from: bot, in: menteeRoom, count: menteeSeen + 1)[menteeSeen]
            #expect(ask.contains("Bibliothèque"))
            #expect(ask.contains("\u{2068}"), "inserted values are isolated in right-to-left text")
            let confirmed = try await programme.exchange(programme.mentee, in: menteeRoom, word("yes", "ar"), replies: 1)
            #expect(confirmed[0].hasPrefix(opening("meeting_confirm.thanks_yes", "ar")))
            let told = try await programme.mentor.waitForMessage(from: bot, containing: opening("bot.meeting.confirmed", "fr"))
            #expect(told.room == mentorRoom)

            // The mentor logs a meeting held today.
            for (answer, replies) in [(word("log", "fr"), 1), (word("today", "fr"), 1), ("oui", 1), ("10:00", 1), ("oui", 1),
                                      ("12:00", 1), ("oui", 1), ("1", 1), ("1", 1), ("1 4", 1), ("oui", 1), ("non", 1), ("non", 1)] {
                _ = try await mentor(answer, replies)
            }
            #expect(try await mentor("oui", 1) == [shippedText.text("log_meeting.thanks", in: "fr", ["number": "1"])])

            // The mentee checks in, partly with Arabic-Indic digits and Arabic words.
            let mentee = { (text: String, replies: Int) in
                try await programme.exchange(programme.mentee, in: menteeRoom, text, replies: replies)
            }
            #expect(try await mentee(word("checkin", "ar"), 2)[0] == shippedText.text("checkin.welcome", in: "ar"))
            for (answer, replies) in [("1", 1), ("٣", 1), (word("yes", "ar"), 1), (word("no", "ar"), 1), ("2", 1), (word("no", "ar"), 1)] {
                _ = try await mentee(answer, replies)
            }
            #expect(try await mentee(word("no", "ar"), 1) == [shippedText.text("checkin.thanks", in: "ar")])
            let checkIn = try await programme.coordinator.waitForMessage(from: bot, containing: "Mentee check-in, pair P-001").body
            #expect(checkIn.contains("Useful: 3/4 (somewhat)"))

            // The mentee asks for support and gets a reference.
            let description = "رسالة من صاحب البيت"
            _ = try await mentee(word("support", "ar"), 1)
            _ = try await mentee("1", 1)
            _ = try await mentee(description, 1)
            let received = try await mentee("2", 2)
            #expect(received[1] == shippedText.text("bot.support.received", in: "ar", ["reference": "S-001"]))
            let ticket = try await programme.coordinator.waitForMessage(from: bot, containing: "Support request S-001").body
            #expect(ticket.contains(description))

            // The mentor saw none of it.
            try await programme.mentor.settle(2)
            let mentorSaw = await programme.mentor.bodies(from: bot, in: mentorRoom).joined(separator: "\n")
            #expect(!mentorSaw.contains(description))
            #expect(!mentorSaw.contains("S-001"))
            #expect(!mentorSaw.contains("3/4"))

            programme.process.kill(SIGTERM)
            #expect(await programme.process.waitForExit(timeout: 10) == 0)
            let stored = programme.process.journal + programme.process.snapshot
            #expect(stored.contains("\"status\":\"confirmed\""))
            #expect(stored.contains("\"place\":\"Bibliothèque\""))
            #expect(stored.contains("\"dialogID\":\"log_meeting\""))
            #expect(stored.contains("\"reference\":\"S-001\""))
            #expect(stored.contains("\"consents\""))
        }
    }
}
