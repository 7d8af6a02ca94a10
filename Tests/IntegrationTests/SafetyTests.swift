import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    @Suite struct SafetyTests {
        /// An explicit danger statement in Arabic, as a mentee might write it.
        static let arabicDanger = "هددوني بالقتل إذا تكلمت"

        /// Over the homeserver, with real clients: an Arabic-speaking mentee writes a danger
        /// statement in the middle of a check-in. They get the emergency contacts in Arabic within
        /// seconds; the coordinators' room gets the alert; nobody takes it on, and when the
        /// daemon's clock passes ten minutes the alert is repeated and the backup coordinator gets
        /// a direct message; "ack" tells the mentee someone has it; "resolve" lets routine
        /// messages resume (the mentee's monthly check-in arrives, in Arabic).
        @Test func aDangerStatementInArabicMidCheckInReachesAPersonAndEscalatesToTheBackup() async throws {
            let programme = try Programme(mentorLanguage: "fr", menteeLanguage: "ar", withBackup: true)
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            try programme.process.start()
            let (menteeRoom, seen) = try await programme.open(programme.mentee)
            let coordinatorsRoom = try await programme.joinCoordinatorsRoom(programme.coordinator)

            // Mid check-in, in Arabic.
            let checkIn = try await programme.exchange(programme.mentee, in: menteeRoom, word("checkin", "ar"), replies: 2)
            #expect(checkIn[0] == shippedText.text("checkin.welcome", in: "ar"))
            let roomBefore = await programme.coordinator.bodies(from: bot, in: coordinatorsRoom).count
            let sentAt = Date()
            try await programme.mentee.say(Self.arabicDanger, in: menteeRoom)
            let replies = try await programme.mentee.waitForMessages(from: bot, in: menteeRoom, count: seen + 2 + 3, timeout: 10)
            let reachedAfter = Date().timeIntervalSince(sentAt)
            #expect(replies[seen + 2] == shippedText.text("bot.safety.reply", in: "ar", ["emergency": "112"]))
            #expect(replies[seen + 3].hasPrefix(opening("bot.safety.contact", "ar")))
            #expect(replies[seen + 4].hasPrefix(opening("safety.are_you_safe", "ar")))
            print("safety: emergency contacts reached the mentee \(String(format: "%.2f", reachedAfter)) s after sending")

            let alert = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: roomBefore + 1, timeout: 10)
            #expect(alert[roomBefore].contains("I-001") && alert[roomBefore].contains("P-001"))
            #expect(!alert[roomBefore].contains(Self.arabicDanger), "never the mentee's words")

            // Nobody takes it on: ten minutes later (daemon clock), a repeat and the backup's message.
            try programme.process.setClock(to: Date().addingTimeInterval(10 * 60 + 2))
            let repeated = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: roomBefore + 2, timeout: 20)
            #expect(repeated[roomBefore + 1].contains("I-001"))
            // The backup joins the rooms the bot invited them to; the direct message is in their own.
            let direct = try await programme.backup!.waitForMessage(from: bot, containing: opening("bot.incident.backup", "en"), timeout: 20)
            #expect(direct.body.contains("I-001"))
            #expect(await programme.backup!.bodies(from: bot, in: direct.room).allSatisfy { !$0.hasPrefix("SAFETY") },
                    "a room of their own, not the coordinators' room")

            // Taken on, then resolved.
            let menteeBefore = await programme.mentee.bodies(from: bot, in: menteeRoom).count
            let ackBefore = await programme.coordinator.bodies(from: bot, in: coordinatorsRoom).count
            try await programme.coordinator.say("ack I-001", in: coordinatorsRoom)
            let told = try await programme.mentee.waitForMessages(from: bot, in: menteeRoom, count: menteeBefore + 1, timeout: 20)
            #expect(told[menteeBefore] == shippedText.text("bot.safety.acknowledged", in: "ar", ["emergency": "112"]))
            let taken = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: ackBefore + 1, timeout: 20)
            #expect(taken[ackBefore].hasPrefix("I-001"))
            let roomNow = ackBefore + 1
            try await programme.coordinator.say("resolve I-001 called her, safe at a friend's", in: coordinatorsRoom)
            let resolved = try await programme.coordinator.waitForMessages(from: bot, in: coordinatorsRoom, count: roomNow + 1, timeout: 20)
            #expect(resolved.last == shippedText.text("coordinator.resolved", in: "en", ["reference": "I-001"]))

            // Routine messages resume: the mentee's monthly check-in comes on its day, in Arabic.
            let afterResolve = await programme.mentee.bodies(from: bot, in: menteeRoom).count
            try programme.process.setClock(to: brusselsTime(thenMonths: 1, hour: 10).addingTimeInterval(2))
            // On the way: the invitation to meet, three weeks after the start; then the check-in.
            let later = try await programme.mentee.waitForMessages(from: bot, in: menteeRoom, count: afterResolve + 3, timeout: 30)
            #expect(later[afterResolve...].contains(shippedText.text("checkin.welcome", in: "ar")))
        }
    }
}
