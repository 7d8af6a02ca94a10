import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    /// Issue 14: on a store made by a real run over Synapse, a mentee asks in chat for their data
    /// to be deleted; the operator exports it, then erases it with the bot stopped; no file in the
    /// data directory holds their Matrix id, room or answers afterwards, the audit log says who did
    /// it, and the mentor's conversation carries on after a restart while the mentee is not greeted again.
    @Suite struct DataRightsTests {
        @Test func aMenteeAsksExportAndErasureLeaveNoTraceAndOthersCarryOn() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (mentorRoom, _) = try await programme.startAndOpenMentorRoom()
            let (menteeRoom, _) = try await programme.open(programme.mentee)
            let asked = try await programme.exchange(programme.mentee, in: menteeRoom, "delete my data", replies: 1)
            #expect(asked.first?.hasPrefix(opening("bot.erase.requested", "en")) == true, "\(asked)")
            programme.process.kill(SIGTERM)
            #expect(await programme.process.waitForExit(timeout: 10) == 0)
            let menteeID = programme.mentee.account.userID
            #expect(programme.process.journal.contains(menteeID) || programme.process.snapshot.contains(menteeID),
                    "the store held the mentee's data before")

            let exports = programme.process.directory.appendingPathComponent("exports")
            let (exported, saidExport) = try programme.process.command(["person", "export", "E1", "--out", exports.path, "--by", "alice"])
            #expect(exported == 0, "\(saidExport)")
            let json = try String(contentsOf: exports.appendingPathComponent("E1-export.json"), encoding: .utf8)
            #expect(json.contains(menteeID) && json.contains(menteeRoom) && json.contains("data_erasure"))

            let (erased, saidErase) = try programme.process.command(["person", "erase", "E1", "--yes", "--by", "alice"])
            #expect(erased == 0 && saidErase.contains("OK: erased E1"), "\(saidErase)")
            let data = programme.process.dataDirectory
            for file in FileManager.default.enumerator(atPath: data.path)?.allObjects as? [String] ?? [] {
                let contents = String(decoding: (try? Data(contentsOf: data.appendingPathComponent(file))) ?? Data(), as: UTF8.self)
                #expect(!contents.contains(menteeID) && !contents.contains(menteeRoom), "\(file) still holds the mentee's id or room")
            }
            let (_, audit) = try programme.process.command(["audit"])
            #expect(audit.contains("export\tE1\tby alice") && audit.contains("erase\tE1\tby alice"), "\(audit)")

            try programme.process.start()
            let replies = try await programme.exchange(programme.mentor, in: mentorRoom, "help", replies: 1)
            #expect(replies == [shippedText.text("bot.help", in: "en")])
            try await programme.mentee.settle(2)  // what was sent before the stop
            let before = await programme.mentee.bodies(from: bot, in: menteeRoom).count
            try await programme.mentee.settle(5)
            #expect(await programme.mentee.bodies(from: bot, in: menteeRoom).count == before, "the erased mentee is not greeted again")
        }

        /// The same right while the bot runs: a coordinator writes "erase E1" in the coordinators'
        /// room, confirms with "yes", and within seconds no file in the data directory holds the
        /// mentee's id or room, while the mentor's conversation carries on without a restart.
        @Test func aCoordinatorErasesWhileTheBotRunsAndNoFileKeepsThePerson() async throws {
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (mentorRoom, _) = try await programme.startAndOpenMentorRoom()
            let (menteeRoom, _) = try await programme.open(programme.mentee)
            let coordinatorsRoom = try await programme.joinCoordinatorsRoom(programme.coordinator)
            _ = try await programme.exchange(programme.mentee, in: menteeRoom, "delete my data", replies: 1)
            _ = try await programme.coordinator.waitForMessage(from: bot, containing: "mentorbot person erase E1", timeout: 20)

            try await programme.coordinator.say("erase E1", in: coordinatorsRoom)
            let confirm = try await programme.coordinator.waitForMessage(from: bot, containing: shippedText.text(
                "coordinator.erase.confirm", in: "en", ["person": "E1", "pairs": "P-001"]), timeout: 20)
            #expect(confirm.room == coordinatorsRoom)
            try await programme.coordinator.say("erase E1 yes", in: coordinatorsRoom)
            _ = try await programme.coordinator.waitForMessage(from: bot, containing: shippedText.text(
                "coordinator.erase.done", in: "en", ["person": "E1"]), timeout: 20)

            let menteeID = programme.mentee.account.userID
            let data = programme.process.dataDirectory
            for file in FileManager.default.enumerator(atPath: data.path)?.allObjects as? [String] ?? [] {
                let contents = String(decoding: (try? Data(contentsOf: data.appendingPathComponent(file))) ?? Data(), as: UTF8.self)
                #expect(!contents.contains(menteeID) && !contents.contains(menteeRoom), "\(file) still holds the mentee's id or room")
            }
            let replies = try await programme.exchange(programme.mentor, in: mentorRoom, "help", replies: 1)
            #expect(replies == [shippedText.text("bot.help", in: "en")], "the mentor carries on, no restart")

            programme.process.kill(SIGTERM)
            #expect(await programme.process.waitForExit(timeout: 15) == 0)
            let (_, audit) = try programme.process.command(["audit"])
            #expect(audit.contains("erase\tE1\tby C1"), "\(audit)")
        }
    }
}
