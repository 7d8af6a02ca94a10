import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    /// The semantic layer in the running daemon, over the homeserver, with real clients: messages
    /// that no phrase list knows, written as people chat. The model runs inside the bot process.
    @Suite struct SemanticSafetyTests {
        /// Unsure: the semantic layer places them between its ask and alert thresholds, each at
        /// least 0.010 from both (`mentorbot screen --lang en` prints the scores: +0.003, +0.010,
        /// -0.015 against ask -0.0349, alert 0.0210). Recalibrating moves the thresholds; pick
        /// messages in the middle again if it moves them past one of these.
        static let unsure = ["my boss shouted at me today, i don't know why",
                             "the people at work talk about me in a language i don't understand",
                             "my landlord keeps coming in without knocking"]
        /// Sure, in French, as people chat, in a longer message (more than 25 words: the model reads
        /// it whole first, and its pieces only when the whole does not alert). Whichever layer
        /// catches it, it must page.
        static let sure = "désolé pour le retard, la semaine était chargée au travail. le gars de mon ancien boulot "
            + "attend encore en bas de chez moi, tous les soirs depuis lundi, et j'ai peur de sortir seul"

        /// A mentee's unsure message gets the gentle question and a worry note in the inbox, and
        /// nothing is posted in the coordinators' room (nobody is paged); two more within days
        /// raise an incident with an alert. A mentor's sure message raises an incident at once.
        @Test func unsureMessagesAskGentlyAndARunOfThemEscalatesWhileASureOnePagesAtOnce() async throws {
            let programme = try Programme(mentorLanguage: "fr", menteeLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            try programme.process.start()
            let (menteeRoom, seen) = try await programme.open(programme.mentee)
            let coordinatorsRoom = try await programme.joinCoordinatorsRoom(programme.coordinator)
            let roomBefore = await programme.coordinator.bodies(from: bot, in: coordinatorsRoom).count

            // Unsure: the question, privately; no alert.
            let asked = try await programme.exchange(programme.mentee, in: menteeRoom, Self.unsure[0], replies: 1, timeout: 20)
            #expect(asked == [shippedText.text("bot.safety.ask", in: "en")])
            try await programme.coordinator.settle(2)
            #expect(await programme.coordinator.bodies(from: bot, in: coordinatorsRoom).count == roomBefore, "nobody is paged")

            // The inbox has the worry, at low priority, without the words.
            let inbox = try await programme.exchange(programme.coordinator, in: coordinatorsRoom, "inbox", replies: 1, timeout: 20)
            #expect(inbox[0].contains("W-001") && inbox[0].contains("P-001"), "\(inbox)")
            #expect(!inbox[0].contains("shouted"), "never the person's words")
            let roomAfterInbox = roomBefore + 2  // the command is not the bot's; its reply is

            // Two more unsure messages: the second is not asked about again the same day; the third
            // raises an incident, with the emergency contacts to the mentee and an alert.
            try await programme.mentee.say(Self.unsure[1], in: menteeRoom)
            try await programme.mentee.settle(3)
            #expect(await programme.mentee.bodies(from: bot, in: menteeRoom).count == seen + 1, "asked once a day at most")
            try await programme.mentee.say(Self.unsure[2], in: menteeRoom)
            let contacts = try await programme.mentee.waitForMessages(from: bot, in: menteeRoom, count: seen + 1 + 2, timeout: 20)
            #expect(contacts[seen + 1] == shippedText.text("bot.safety.reply", in: "en", ["emergency": "112"]))
            let alert = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: roomAfterInbox, timeout: 20)
            #expect(alert.last?.contains("I-001") == true && alert.last?.contains("P-001") == true, "\(alert)")

            // Sure, from the mentor, in French: an incident of its own, at once.
            let (mentorRoom, mentorSeen) = try await programme.open(programme.mentor)
            let sentAt = Date()
            try await programme.mentor.say(Self.sure, in: mentorRoom)
            let reply = try await programme.mentor.waitForMessages(from: bot, in: mentorRoom, count: mentorSeen + 1, timeout: 20)
            #expect(reply[mentorSeen] == shippedText.text("bot.safety.reply", in: "fr", ["emergency": "112"]))
            print("semantic safety: contacts reached the mentor \(String(format: "%.2f", Date().timeIntervalSince(sentAt))) s after sending")
            let paged = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: roomAfterInbox + 1, timeout: 20)
            #expect(paged.last?.contains("I-002") == true, "\(paged)")
            #expect(paged.last?.contains(Self.sure) == false)
        }
    }
}
