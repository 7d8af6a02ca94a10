import Dialogs
import Foundation
import Testing
@testable import MentorBotCore

@Suite struct BotCoreTests {
    @Test func firstStartRequestsRoomsAndGreetsEveryoneInTheirLanguage() {
        var fixture = CoreFixture()
        fixture.handle(.started)
        let actions = fixture.state.roomRequests.map(\.action)
        #expect(actions.contains(.createDirectRoom(matrixID: CoreFixture.mentor)))
        #expect(actions.contains(.createDirectRoom(matrixID: CoreFixture.mentee)))
        #expect(actions.contains(.joinCoordinatorsRoom(reference: "#coordinators:test", invite: [CoreFixture.coordinator])))
        let greetings = fixture.state.outbox
        #expect(greetings.count == 3)
        let mentorGreeting = greetings.first { $0.target == .person(matrixID: CoreFixture.mentor) }
        #expect(mentorGreeting?.body.hasPrefix("Bonjour") == true)
        let menteeGreeting = greetings.first { $0.target == .person(matrixID: CoreFixture.mentee) }
        #expect(menteeGreeting?.body.hasPrefix("Hello") == true)
    }

    @Test func aSecondStartGreetsNobodyTwice() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        let events = fixture.handle(.started)
        #expect(events.isEmpty)
    }

    @Test func transactionIDsAreUniqueAndStableOnReplay() {
        var fixture = CoreFixture()
        fixture.handle(.started)
        let ids = fixture.state.outbox.map(\.transactionID)
        #expect(Set(ids).count == ids.count)
        var replay = BotState()
        for event in fixture.core.handle(.started, state: BotState(), now: fixture.now) { replay.apply(event) }
        #expect(replay.outbox.map(\.transactionID) == ids)
    }

    @Test func mentorCompletesTheCheckInInFrenchAndTheCoordinatorsGetAStructuredSummary() throws {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        let opening = fixture.say("Bilan", from: CoreFixture.mentor)
        #expect(opening.count == 2)
        #expect(opening[0].body.hasPrefix("Merci de prendre un moment"))
        #expect(opening[1].body.contains("1️⃣ Oui"))
        #expect(fixture.say("2", from: CoreFixture.mentor).bodies.first?.hasPrefix("Êtes-vous") == true)
        fixture.say("3", from: CoreFixture.mentor)
        #expect(fixture.say("oui", from: CoreFixture.mentor).bodies.first?.hasPrefix("Cela concernait") == true)
        fixture.say("Se comprendre", from: CoreFixture.mentor)
        fixture.say("1", from: CoreFixture.mentor)
        fixture.say("non", from: CoreFixture.mentor)
        let closing = fixture.say("oui", from: CoreFixture.mentor)

        #expect(closing.count == 2)
        #expect(closing[0].body.hasPrefix("Merci ! Votre coordinateur"))
        let summary = try #require(closing.last)
        #expect(summary.target == .coordinatorsRoom)
        #expect(summary.kind == .notice)
        #expect(summary.body.contains("P-001"))
        #expect(summary.body.contains("Satisfaction: 3/4 (somewhat)"))
        #expect(summary.body.contains("Mostly about: Understanding each other"))
        #expect(!summary.body.contains(CoreFixture.mentor))

        let record = try #require(fixture.state.records.first)
        #expect(record.personID == "M1")
        #expect(record.pairIDs == ["P-001"])
        #expect(record.answers["progress"] == .choice("a_little"))
        #expect(record.answers["satisfaction"] == .number(3))
        #expect(record.answers["difficulties"] == .yesNo(true))
        #expect(record.answers["difficulty_area"] == .choice("communication"))
        #expect(record.answers["wants_contact"] == .yesNo(true))
        #expect(fixture.state.person(CoreFixture.mentor).dialog == nil)
    }

    @Test func aNumberEmojiReactionToTheQuestionAnswersIt() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        fixture.say("check-in", from: CoreFixture.mentor)
        let questionEvent = try! #require(fixture.state.person(CoreFixture.mentor).dialog?.questionEventID)
        fixture.now += 5
        fixture.handle(.reaction(InboundReaction(eventID: "$r1", roomID: "!dm-\(CoreFixture.mentor)", sender: CoreFixture.mentor,
                                                 relatesTo: questionEvent, key: "1️⃣", sentAt: fixture.now)))
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.answers["progress"] == .choice("yes"))
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.stepID == "satisfaction")
    }

    @Test func threeRepliesThatDoNotFitEndKindlyAndTellTheCoordinators() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        fixture.say("bilan", from: CoreFixture.mentor)
        #expect(fixture.say("peut-être", from: CoreFixture.mentor).bodies.first?.contains("de 1 à 3") == true)
        fixture.say("bof", from: CoreFixture.mentor)
        let last = fixture.say("hmm", from: CoreFixture.mentor)
        #expect(last.first?.body.hasPrefix("Pas de souci") == true)
        #expect(last.last?.target == .coordinatorsRoom)
        #expect(fixture.state.person(CoreFixture.mentor).dialog == nil)
    }

    @Test func stopSilencesEverythingUntilStart() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        fixture.say("bilan", from: CoreFixture.mentor)
        #expect(fixture.say("STOP", from: CoreFixture.mentor).bodies == [
            fixture.core.localizer.text("bot.stopped", in: "fr"),
        ])
        #expect(fixture.state.person(CoreFixture.mentor).dialog == nil)
        #expect(fixture.say("bilan", from: CoreFixture.mentor).isEmpty)
        #expect(fixture.say("reprendre", from: CoreFixture.mentor).count == 1)
        #expect(fixture.say("bilan", from: CoreFixture.mentor).count == 2)
    }

    @Test func languageCommandSwitchesAndRepeatsTheOpenQuestion() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        fixture.say("bilan", from: CoreFixture.mentor)
        let replies = fixture.say("language en", from: CoreFixture.mentor)
        #expect(replies.bodies.first == "Okay, I'll write in English from now on.")
        #expect(replies.last?.body.hasPrefix("Has your mentee made progress") == true)
        let unknown = fixture.say("language xx", from: CoreFixture.mentor)
        #expect(unknown.first?.body.contains("fr (Français)") == true)
        #expect(fixture.say("langue français", from: CoreFixture.mentor).first?.body.hasPrefix("D'accord") == true)
    }

    @Test func helpWorksMidDialogAndRepeatsWhereWeWere() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        fixture.say("bilan", from: CoreFixture.mentor)
        let replies = fixture.say("aide", from: CoreFixture.mentor)
        #expect(replies.count == 3)
        #expect(replies.last?.body.hasPrefix("Votre mentoré") == true)
    }

    @Test func strangersAndTheBotItselfGetNoReply() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        #expect(fixture.say("help", from: CoreFixture.stranger).isEmpty)
        #expect(fixture.say("help", from: CoreFixture.bot).isEmpty)
    }

    @Test func messagesFromBeforeTheFirstStartAreNeverCommands() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        let before = fixture.now - 3_600
        fixture.handle(.text(InboundText(eventID: "$old", roomID: "!dm-\(CoreFixture.mentor)", sender: CoreFixture.mentor,
                                         body: "bilan", sentAt: before)))
        #expect(fixture.state.outbox.isEmpty)
    }

    @Test func aReplayedEventChangesNothing() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        fixture.say("bilan", from: CoreFixture.mentor, eventID: "$same")
        let replay = fixture.say("bilan", from: CoreFixture.mentor, eventID: "$same")
        #expect(replay.isEmpty)
    }

    @Test func invitesFromRosterMembersAreJoinedAndOthersDeclined() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        fixture.handle(.invited(roomID: "!new", inviter: CoreFixture.mentee))
        fixture.handle(.invited(roomID: "!spam", inviter: CoreFixture.stranger))
        fixture.handle(.invited(roomID: "!new", inviter: CoreFixture.mentee))
        let actions = fixture.state.roomRequests.map(\.action)
        #expect(actions == [.join(roomID: "!new", matrixID: CoreFixture.mentee), .decline(roomID: "!spam")])
        fixture.handle(.roomRequestSucceeded(requestID: fixture.state.roomRequests[0].id, roomID: "!new"))
        #expect(fixture.state.person(CoreFixture.mentee).directRoomID == "!new")
    }

    @Test func aMenteeAskingForTheMentorCheckInIsToldKindly() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        let replies = fixture.say("check-in", from: CoreFixture.mentee)
        #expect(replies.bodies == [fixture.core.localizer.text("bot.checkin.unavailable", in: "en")])
    }

    @Test func unknownTextGetsAKindReplyInThePersonsLanguage() {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        #expect(fixture.say("qwerty", from: CoreFixture.mentor).bodies == [fixture.core.localizer.text("bot.not_understood", in: "fr")])
    }

    @Test func stateSurvivesAJSONRoundTrip() throws {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        fixture.say("bilan", from: CoreFixture.mentor)
        fixture.say("1", from: CoreFixture.mentor)
        let data = try JSONEncoder().encode(fixture.state)
        #expect(try JSONDecoder().decode(BotState.self, from: data) == fixture.state)
    }
}
