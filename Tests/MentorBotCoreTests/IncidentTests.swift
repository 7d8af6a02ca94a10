import BotModel
import Dialogs
import Foundation
@testable import MentorBotCore
import Safeguarding
import Testing

/// Safety incidents through the pure core with a hand-moved clock: screening mid-dialog, the
/// person's contacts, alerts, re-escalation to the backup coordinator, acknowledgement by command
/// or reaction, resolution, and routine messages held meanwhile. The mentee writes in English.
@Suite struct IncidentTests {
    static let backup = "@backup:test"

    /// The fixture's programme with a backup coordinator, the programme's phone and a helpline,
    /// and the routine cadence on.
    static func fixture() -> CoreFixture {
        var configuration = CoreFixture.configuration
        configuration.roster.people.append(Person(id: "C2", matrixID: backup, role: .coordinator, language: "en",
                                                  timeZone: "Europe/Brussels", isBackup: true))
        configuration.programme.safety.programmePhone = "+32 2 555 01 01"
        configuration.programme.safety.helpline = "+32 800 111 22"
        configuration.programme.cadence = Cadence()
        configuration.roster.pairs[0].startDate = "2027-01-15"
        configuration.roster.pairs[0].endDate = nil
        var fixture = CoreFixture(configuration: configuration)
        fixture.startAndConsent()
        return fixture
    }

    static func at(_ minutes: Double, after start: Date, _ fixture: inout CoreFixture) -> [OutboxMessage] {
        NudgeTests.at(start.addingTimeInterval(minutes * 60), &fixture)
    }

    @Test("the safety reply, the alert, the re-alert and the backup's message overtake routine messages; the rest does not")
    func safetyMessagesArePrioritised() throws {
        var fixture = Self.fixture()
        let sent = fixture.say("sos", from: CoreFixture.mentee)
        let reply = sent.to(CoreFixture.mentee).filter { $0.body == fixture.text("bot.safety.reply", "en", ["emergency": "112"]) }
        #expect(reply.count == 1 && reply.allSatisfy { $0.priority == .safety })
        #expect(!sent.toCoordinators.isEmpty && sent.toCoordinators.allSatisfy { $0.priority == .safety })
        let later = Self.at(30, after: fixture.now, &fixture)
        #expect(!later.toCoordinators.isEmpty && later.toCoordinators.allSatisfy { $0.priority == .safety })
        #expect(!later.to(Self.backup).isEmpty && later.to(Self.backup).allSatisfy { $0.priority == .safety })
        let help = fixture.say("help", from: CoreFixture.mentor)
        #expect(!help.isEmpty && help.allSatisfy { $0.priority == .routine })
    }

    @Test func aDangerStatementMidCheckInRaisesAnIncidentAndAsksIfTheyAreSafe() throws {
        var fixture = Self.fixture()
        fixture.say("check-in", from: CoreFixture.mentee)
        let sent = fixture.say("They took my passport and won't give it back", from: CoreFixture.mentee)

        let toMentee = sent.to(CoreFixture.mentee).bodies
        #expect(toMentee.first == fixture.text("bot.safety.reply", "en", ["emergency": "112"]))
        #expect(toMentee.contains(fixture.text("bot.safety.programme_phone", "en", ["number": "+32 2 555 01 01"])))
        #expect(toMentee.contains(fixture.text("bot.safety.helpline", "en", ["number": "+32 800 111 22"])))
        #expect(toMentee.contains { $0.hasPrefix(String(fixture.text("bot.safety.contact", "en").prefix(30))) && $0.contains("10:") })
        #expect(toMentee.last?.hasPrefix(fixture.text("safety.are_you_safe", "en")) == true)
        #expect(fixture.state.person(CoreFixture.mentee).pausedDialog?.dialogID == "mentee_checkin", "the check-in waits")

        let incident = try #require(fixture.state.incidents.first)
        #expect(incident.reference == "I-001" && incident.category == .documentsTaken && incident.severity == .high)
        #expect(incident.phrase == "took ... passport")
        let alert = try #require(sent.toCoordinators.first)
        #expect(alert.kind == .text && alert.mentions == [CoreFixture.coordinator], "m.text that mentions the coordinator on duty")
        #expect(alert.body.contains("I-001") && alert.body.contains("P-001") && alert.body.contains("documents taken"))
        #expect(!alert.body.contains("passport"), "never the person's own words")
        #expect(sent.to(CoreFixture.mentor).isEmpty)

        // "No, I'm not safe": urgent, and every coordinator is alerted.
        let answer = fixture.say("no", from: CoreFixture.mentee)
        #expect(answer.to(CoreFixture.mentee).first?.body == fixture.text("safety.not_safe", "en", ["emergency": "112"]))
        #expect(fixture.state.incidents[0].severity == .urgent)
        #expect(answer.toCoordinators.first?.mentions.sorted() == [Self.backup, CoreFixture.coordinator].sorted())
    }

    @Test func nobodyAcknowledgingBringsRepeatsAndDirectMessagesToTheBackupOnTime() throws {
        var fixture = Self.fixture()
        let start = fixture.now
        fixture.say("I want to kill myself", from: CoreFixture.mentee)
        #expect(fixture.state.incidents.first?.category == .selfHarm)

        #expect(Self.at(9.9, after: start, &fixture).isEmpty, "nothing before ten minutes")
        for repeatNumber in 1...3 {
            let sent = Self.at(Double(repeatNumber) * 10 + 0.1, after: start, &fixture)
            let room = sent.toCoordinators
            #expect(room.count == 1 && room[0].mentions.contains(Self.backup), "repeat \(repeatNumber) mentions everyone")
            #expect(room[0].body.contains("STILL OPEN I-001"))
            #expect(sent.to(Self.backup).first?.body == fixture.text("bot.incident.backup", "en", [
                "reference": "I-001", "pair": "P-001", "minutes": String(repeatNumber * 10)]))
        }
        #expect(Self.at(40.1, after: start, &fixture).isEmpty, "three repeats, then the room already knows")
        #expect(fixture.state.incidents[0].alertsSent == 4)
    }

    @Test func acknowledgingStopsTheRepeatsAndResolvingLetsRoutineMessagesResume() throws {
        var fixture = Self.fixture()
        let start = fixture.now
        fixture.say("My husband hits me", from: CoreFixture.mentee)
        let ack = fixture.sayInCoordinatorsRoom("ack I-001")
        #expect(ack.toCoordinators.first?.body == fixture.text("coordinator.acknowledged", "en", ["reference": "I-001", "who": CoreFixture.coordinator]))
        #expect(ack.to(CoreFixture.mentee).first?.body == fixture.text("bot.safety.acknowledged", "en", ["emergency": "112"]))
        #expect(fixture.state.incidents[0].acknowledgedBy == "C1")
        #expect(Self.at(10.1, after: start, &fixture).isEmpty, "no repeat once taken on")

        // While it is open, the mentee's check-in (15 February) is held back; the rhythm goes on.
        let checkInDay = NudgeTests.at(NudgeTests.local(2027, 2, 15, 10), &fixture)
        #expect(!checkInDay.to(CoreFixture.mentee).bodies.contains(fixture.text("checkin.welcome", "en")))
        #expect(checkInDay.toCoordinators.contains { $0.body.contains("I-001") }, "and the coordinators are reminded it is not resolved")

        let resolved = fixture.sayInCoordinatorsRoom("resolve I-001 Talked with her; she is staying with her sister.")
        #expect(resolved.toCoordinators.first?.body == fixture.text("coordinator.resolved", "en", ["reference": "I-001"]))
        #expect(fixture.state.incidents[0].outcome == "Talked with her; she is staying with her sister.")
        let next = try #require(fixture.state.jobs.first { $0.kind == .checkIn(pairID: "P-001", matrixID: CoreFixture.mentee) })
        #expect(NudgeTests.at(next.dueAt, &fixture).to(CoreFixture.mentee).first?.body == fixture.text("checkin.welcome", "en"))
    }

    @Test func aReactionToTheAlertTakesItOnAndOthersCannotActInTheRoom() throws {
        var fixture = Self.fixture()
        fixture.say("sos", from: CoreFixture.mentee)
        let alertEvent = try #require(fixture.state.incidents.first?.alertEventIDs.first)
        #expect(fixture.sayInCoordinatorsRoom("ack I-001", from: CoreFixture.mentor).isEmpty)
        #expect(fixture.state.incidents[0].status == .open)
        fixture.handle(.reaction(InboundReaction(eventID: "$r1", roomID: "!coordinators", sender: Self.backup, relatesTo: alertEvent,
                                                 key: "👍", sentAt: fixture.now)))
        let sent = fixture.deliverAll()
        #expect(fixture.state.incidents[0].acknowledgedBy == "C2")
        #expect(sent.toCoordinators.first?.body.contains("I-001") == true)
    }

    @Test func aMenteeCanReportTheirMentorPrivatelyAndTheMentorSeesNoTrace() throws {
        var fixture = Self.fixture()
        var toMentor: [OutboxMessage] = []
        for reply in ["report", "2", "yes"] { toMentor += fixture.say(reply, from: CoreFixture.mentee).to(CoreFixture.mentor) }
        toMentor += fixture.say("My mentor tried to kiss me", from: CoreFixture.mentee).to(CoreFixture.mentor)
        toMentor += Self.at(60, after: fixture.now, &fixture).to(CoreFixture.mentor)
        #expect(toMentor.isEmpty)
        let incident = try #require(fixture.state.incidents.first)
        #expect(incident.category == .mentorMisconduct && incident.detail == "romantic")
        #expect(fixture.state.records.allSatisfy { $0.dialogID != "report_concern" }, "kept as the incident, not as answers")
    }

    @Test func theSafetyWordAndDangerPhrasesWorkBeforeTheWelcomeQuestionsAndAfterStop() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        let early = fixture.say("I want to die", from: CoreFixture.mentee)
        #expect(early.to(CoreFixture.mentee).last?.body.hasPrefix(fixture.text("safety.are_you_safe", "en")) == true)
        fixture.say("stop", from: CoreFixture.mentor)
        let afterStop = fixture.say("sos", from: CoreFixture.mentor)
        #expect(afterStop.to(CoreFixture.mentor).first?.body.contains("112") == true)
        #expect(fixture.state.incidents.count == 2)
    }

    @Test func supportRequestsMoveThroughTheirStatusesAndTheRequesterHearsEachTime() throws {
        var fixture = Self.fixture()
        for reply in ["support", "1", "We may lose the flat", "2"] { fixture.say(reply, from: CoreFixture.mentee) }
        #expect(fixture.state.tickets.first?.reference == "S-001")
        let progress = fixture.sayInCoordinatorsRoom("progress S-001")
        #expect(progress.to(CoreFixture.mentee).first?.body == fixture.text("bot.support.inProgress", "en", ["reference": "S-001"]))
        let refer = fixture.sayInCoordinatorsRoom("refer S-001 housing office")
        #expect(refer.to(CoreFixture.mentee).first?.body == fixture.text("bot.support.referred", "en", ["reference": "S-001"]))
        // Three days on, still not resolved: the coordinators are reminded.
        let later = NudgeTests.at(fixture.now.addingTimeInterval(3 * 86_400 + 60), &fixture)
        #expect(later.toCoordinators.contains { $0.body.contains("S-001") })
        let inbox = fixture.sayInCoordinatorsRoom("inbox").toCoordinators.first?.body ?? ""
        #expect(inbox.contains("S-001") && inbox.contains("referred"))
        let resolve = fixture.sayInCoordinatorsRoom("resolve S-001 got a new lease")
        #expect(resolve.to(CoreFixture.mentee).first?.body == fixture.text("bot.support.resolved", "en", ["reference": "S-001"]))
        #expect(fixture.state.tickets[0].status == .resolved && fixture.state.tickets[0].note == "got a new lease")
        #expect(fixture.sayInCoordinatorsRoom("inbox").toCoordinators.first?.body == fixture.text("coordinator.inbox.empty", "en"))
    }

    @Test func closingAPairStartsTheClosingQuestionsAndEndsItsRhythm() {
        var fixture = Self.fixture()
        let reply = fixture.sayInCoordinatorsRoom("close P-001")
        #expect(reply.toCoordinators.first?.body == fixture.text("coordinator.closed", "en", ["pair": "P-001"]))
        #expect(reply.to(CoreFixture.mentee).first?.body.hasPrefix(String(fixture.text("closure.intro", "en").prefix(20))) == true)
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.dialogID == "closure")
        let pairs = fixture.sayInCoordinatorsRoom("pairs").toCoordinators.first?.body ?? ""
        #expect(pairs.contains("P-001") && pairs.contains(fixture.text("coordinator.pairs.ended", "en").trimmingCharacters(in: .whitespaces)))
        // The mentor's check-in day passes without a check-in (only the unanswered closing
        // questions are put away, two weeks on).
        let checkInDay = NudgeTests.at(NudgeTests.local(2027, 1, 29, 10), &fixture).to(CoreFixture.mentor).bodies
        #expect(checkInDay == [fixture.text("bot.dialog.expired", "fr")])
    }

    @Test func incidentsSurviveAJournalRoundTrip() throws {
        var fixture = Self.fixture()
        fixture.say("sos", from: CoreFixture.mentee)
        fixture.sayInCoordinatorsRoom("ack I-001")
        let data = try JSONEncoder().encode(fixture.state)
        let restored = try JSONDecoder().decode(BotState.self, from: data)
        #expect(restored.incidents == fixture.state.incidents)
    }
}
