import BotModel
import Dialogs
import Foundation
@testable import MentorBotCore
import Testing

/// The core's behaviour through its one entry point, with a hand-moved clock. Messages are
/// compared with the catalogs by key, so a reworded translation does not break a test.
@Suite struct BotCoreTests {
    @Test func firstStartRequestsRoomsGreetsEveryoneInTheirLanguageAndStartsOnboarding() {
        var fixture = CoreFixture()
        fixture.handle(.started)
        let actions = fixture.state.roomRequests.map(\.action)
        #expect(actions.contains(.createDirectRoom(matrixID: CoreFixture.mentor)))
        #expect(actions.contains(.createDirectRoom(matrixID: CoreFixture.mentee)))
        #expect(actions.contains(.joinCoordinatorsRoom(reference: "#coordinators:test", invite: [CoreFixture.coordinator])))
        let sent = fixture.state.outbox
        #expect(sent.to(CoreFixture.mentor).first?.body == fixture.text("bot.greeting.mentor", "fr"))
        #expect(sent.to(CoreFixture.mentee).first?.body == fixture.text("bot.greeting.mentee", "en"))
        #expect(sent.to(CoreFixture.coordinator).bodies == [fixture.text("bot.greeting.coordinator", "en")])
        #expect(sent.to(CoreFixture.mentor)[1].body == fixture.text("onboarding.welcome", "fr"))
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.dialogID == "onboarding")
        #expect(fixture.state.person(CoreFixture.coordinator).dialog == nil)
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

    @Test func consentIsRecordedPerPurposeAndNothingElseRunsBeforeIt() throws {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        // Asking for the menu before answering onboarding: told kindly, onboarding question again.
        let early = fixture.say("menu", from: CoreFixture.mentee)
        #expect(early.first?.body == fixture.text("bot.consent.first", "en"))
        #expect(early.last?.body.hasPrefix(fixture.text("onboarding.consent_checkins", "en")) == true)
        fixture.say("yes", from: CoreFixture.mentee)
        fixture.say("no", from: CoreFixture.mentee)
        let done = fixture.say("yes", from: CoreFixture.mentee)
        #expect(fixture.state.person(CoreFixture.mentee).consents == ["checkins": true, "meetings": false, "evaluation": true])
        // A "no" is what the coordinators need to know about; a "yes" to everything is not.
        let notice = try #require(done.toCoordinators.first)
        #expect(notice.body.contains("P-001"))
        #expect(notice.body.contains("\(fixture.text("summary.field.consent_meetings", "en")): \(fixture.text("answer.no", "en"))"))
        // Meetings need the consent the mentee did not give.
        #expect(fixture.say("plan", from: CoreFixture.mentee).bodies == [fixture.text("bot.consent.missing", "en")])
        #expect(fixture.say("check-in", from: CoreFixture.mentee).first?.body == fixture.text("checkin.welcome", "en"))
    }

    @Test func mentorCompletesTheCheckInInFrenchAndTheCoordinatorsGetAStructuredSummary() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        let opening = fixture.say("Bilan", from: CoreFixture.mentor)
        #expect(opening.bodies.first == fixture.text("checkin.welcome", "fr"))
        #expect(opening.last?.body.contains("1️⃣ \(fixture.text("option.progress.yes", "fr"))") == true)
        fixture.say("2", from: CoreFixture.mentor)
        fixture.say("3", from: CoreFixture.mentor)
        #expect(fixture.say("oui", from: CoreFixture.mentor).first?.body.hasPrefix(fixture.text("checkin.difficulty_area", "fr")) == true)
        fixture.say(fixture.text("option.difficulty.communication", "fr"), from: CoreFixture.mentor)
        fixture.say("non", from: CoreFixture.mentor)
        fixture.say("1", from: CoreFixture.mentor)
        fixture.say("non", from: CoreFixture.mentor)
        let closing = fixture.say("oui", from: CoreFixture.mentor)

        #expect(closing.first?.body == fixture.text("checkin.thanks_contact", "fr"))
        let summary = try #require(closing.toCoordinators.first)
        #expect(summary.kind == .notice)
        #expect(summary.body.contains("P-001"))
        #expect(summary.body.contains("Satisfaction: 3/4 (somewhat)"))
        #expect(summary.body.contains("Mostly about: Understanding each other"))
        #expect(!summary.body.contains(CoreFixture.mentor))

        let record = try #require(fixture.state.records.last)
        #expect(record.dialogID == "mentor_checkin")
        #expect(record.personID == "M1")
        #expect(record.pairIDs == ["P-001"])
        #expect(record.answers["progress"] == .choice("a_little"))
        #expect(record.answers["satisfaction"] == .number(3))
        #expect(record.answers["difficulty_area"] == .choice("communication"))
        #expect(record.answers["goals_changed"] == .yesNo(false))
        #expect(record.answers["wants_contact"] == .yesNo(true))
        #expect(record.answers["role"] == nil)
        #expect(fixture.state.person(CoreFixture.mentor).dialog == nil)
    }

    @Test func aMenteesCheckInAnswersReachTheCoordinatorsAndNeverTheMentor() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        var sent: [OutboxMessage] = fixture.say("check-in", from: CoreFixture.mentee)
        for reply in ["1", "4", "no", "yes", "1", "2", "yes", "no"] { sent += fixture.say(reply, from: CoreFixture.mentee) }
        #expect(sent.to(CoreFixture.mentor).isEmpty)
        #expect(sent.toCoordinators.count == 1)
        #expect(sent.toCoordinators.first?.body.contains(fixture.text("summary.field.respected", "en") + ": No") == true)
        #expect(fixture.state.records.last?.answers["respected"] == .yesNo(false))
    }

    @Test func aNumberEmojiReactionToTheQuestionAnswersIt() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
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
        fixture.startAndConsent()
        fixture.say("bilan", from: CoreFixture.mentor)
        #expect(fixture.say("peut-être", from: CoreFixture.mentor).first?.body == fixture.text("dialog.hint.choice", "fr", ["count": "3"]))
        fixture.say("bof", from: CoreFixture.mentor)
        let last = fixture.say("hmm", from: CoreFixture.mentor)
        #expect(last.first?.body == fixture.text("bot.dialog.stuck", "fr"))
        #expect(last.last?.target == .coordinatorsRoom)
        #expect(fixture.state.person(CoreFixture.mentor).dialog == nil)
    }

    @Test func stopSilencesEverythingUntilStartButTheSafetyWordStillWorks() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("bilan", from: CoreFixture.mentor)
        #expect(fixture.say("STOP", from: CoreFixture.mentor).bodies == [fixture.text("bot.stopped", "fr")])
        #expect(fixture.state.person(CoreFixture.mentor).dialog == nil)
        #expect(fixture.say("bilan", from: CoreFixture.mentor).isEmpty)
        #expect(fixture.say("sos", from: CoreFixture.mentor).toCoordinators.count == 1)
        #expect(fixture.say("start", from: CoreFixture.mentor).count == 1)
        #expect(fixture.say("bilan", from: CoreFixture.mentor).count == 2)
    }

    @Test func theSafetyWordAlertsEveryCoordinatorAtOnceInAnyLanguageAndKeepsTheDialog() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("check-in", from: CoreFixture.mentee)
        // The mentee's language is English; the French word for danger must work as well.
        let frenchWord = try #require(CoreFixture.library.catalogs["fr"]?.words["safety"]?.first { $0 != "sos" })
        let replies = fixture.say(frenchWord, from: CoreFixture.mentee)
        let toMentee = replies.to(CoreFixture.mentee).bodies
        #expect(toMentee.first == fixture.text("bot.safety.reply", "en", ["emergency": "112"]))
        #expect(toMentee.count == 2 && toMentee[1].hasPrefix(String(fixture.text("bot.safety.contact", "en").prefix(30))),
                "who will be in touch, and by when")
        let alert = try #require(replies.toCoordinators.first)
        #expect(alert.kind == .text)
        #expect(alert.mentions == [CoreFixture.coordinator])
        #expect(alert.body.contains("P-001"))
        #expect(fixture.state.person(CoreFixture.mentee).dialog?.dialogID == "mentee_checkin")
    }

    @Test func talkToAPersonTellsTheCoordinatorsWithoutATranscript() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        let replies = fixture.say("talk to a person", from: CoreFixture.mentee)
        #expect(replies.to(CoreFixture.mentee).bodies == [fixture.text("bot.person.requested", "en")])
        #expect(replies.toCoordinators.bodies == [fixture.text("summary.person_request", "en", ["role": "mentee", "pair": "P-001"])])
        #expect(replies.toCoordinators.first?.kind == .notice)
    }

    @Test func laterPausesAndContinueResumesAtTheSameQuestion() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("check-in", from: CoreFixture.mentee)
        fixture.say("2", from: CoreFixture.mentee)
        #expect(fixture.say("later", from: CoreFixture.mentee).bodies == [fixture.text("bot.later.paused", "en")])
        #expect(fixture.state.person(CoreFixture.mentee).dialog == nil)
        #expect(fixture.say("2", from: CoreFixture.mentee).bodies == [fixture.text("bot.not_understood", "en")])
        let resumed = fixture.say("continue", from: CoreFixture.mentee)
        #expect(resumed.first?.body == fixture.text("bot.continue.resumed", "en"))
        #expect(resumed.last?.body.hasPrefix(fixture.text("mentee_checkin.useful", "en")) == true)
        #expect(fixture.state.person(CoreFixture.mentee).dialog?.answers["progress"] == .choice("a_little"))
        #expect(fixture.say("later", from: CoreFixture.mentor).bodies == [fixture.text("bot.later.nothing", "fr")])
    }

    @Test func aPlannedMeetingIsStoredReadBackAndConfirmedByTheOtherPerson() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("plan", from: CoreFixture.mentor)
        // 1_800_000_000 is Friday 15 January 2027, 09:00 in Brussels; "lundi" is the 18th.
        let readBack = fixture.say("lundi", from: CoreFixture.mentor)
        #expect(readBack.first?.body.contains("lundi 18 janvier") == true)
        fixture.say("oui", from: CoreFixture.mentor)
        fixture.say("14h30", from: CoreFixture.mentor)
        fixture.say("oui", from: CoreFixture.mentor)
        fixture.say("Bibliothèque", from: CoreFixture.mentor)
        let done = fixture.say("1", from: CoreFixture.mentor)
        let meeting = try #require(fixture.state.meetings.first)
        #expect(meeting.pairID == "P-001")
        #expect(meeting.status == .proposed)
        #expect(meeting.place == "Bibliothèque")
        // 14:30 in Brussels in January is 13:30 UTC.
        #expect(meeting.startsAt == Date(timeIntervalSince1970: 1_800_000_000 + 3 * 86_400 + 5.5 * 3_600))
        let ask = try #require(done.to(CoreFixture.mentee).first)
        #expect(ask.body.contains("Monday 18 January at 14:30"))
        #expect(ask.body.contains("Bibliothèque"))
        let confirmed = fixture.say("yes", from: CoreFixture.mentee)
        #expect(fixture.state.meetings.first?.status == .confirmed)
        #expect(confirmed.to(CoreFixture.mentor).first?.body.contains("lundi 18 janvier") == true)
        #expect(confirmed.toCoordinators.isEmpty)
    }

    @Test func movingAMeetingAsksTheOtherPersonAgainAndCancellingTellsThem() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        for reply in ["plan", "tomorrow", "yes", "10:00", "yes", "park", "1"] { fixture.say(reply, from: CoreFixture.mentee) }
        fixture.say("yes", from: CoreFixture.mentor)
        fixture.say("change", from: CoreFixture.mentee)
        fixture.say("1", from: CoreFixture.mentee)
        fixture.say("wednesday 16:00", from: CoreFixture.mentee)
        let moved = fixture.say("yes", from: CoreFixture.mentee)
        #expect(moved.to(CoreFixture.mentor).first?.body == fixture.text("bot.meeting.moved", "fr", ["partner": fixture.text("partner.mentor", "fr")]))
        #expect(moved.to(CoreFixture.mentor).last?.body.contains("mercredi 20 janvier") == true)
        #expect(fixture.state.meetings.first?.status == .proposed)
        fixture.say("oui", from: CoreFixture.mentor)
        fixture.say("change", from: CoreFixture.mentee)
        fixture.say("2", from: CoreFixture.mentee)
        let cancelled = fixture.say("yes", from: CoreFixture.mentee)
        #expect(fixture.state.meetings.first?.status == .cancelled)
        #expect(cancelled.to(CoreFixture.mentor).first?.body.hasPrefix(String(fixture.text("bot.meeting.cancelled", "fr").prefix(5))) == true)
        #expect(fixture.say("change", from: CoreFixture.mentee).bodies == [fixture.text("bot.meeting.none", "en")])
    }

    @Test func aDayInThePastIsRefusedWhenPlanning() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("plan", from: CoreFixture.mentee)
        #expect(fixture.say("yesterday", from: CoreFixture.mentee).first?.body == fixture.text("dialog.hint.date.future", "en"))
    }

    @Test func loggingAMeetingCountsItAndCanHandOverToPlanningTheNext() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        for reply in ["log", "today", "oui", "10:00", "oui", "12h", "oui", "1", "1", "1 4 5", "oui", "non", "non", "non"] {
            fixture.say(reply, from: CoreFixture.mentor)
        }
        let handOff = fixture.say("oui", from: CoreFixture.mentor)
        let record = try #require(fixture.state.records.last)
        #expect(record.dialogID == "log_meeting")
        #expect(record.answers["activities"] == .choices(["leisure", "administration", "education"]))
        #expect(record.answers["start_time"] == .time("10:00"))
        #expect(record.answers["end_time"] == .time("12:00"))
        #expect(handOff.toCoordinators.isEmpty, "nothing went wrong and no support asked: no notice")
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.dialogID == "plan_meeting")
        #expect(handOff.last?.body.hasPrefix(fixture.text("plan_meeting.date", "fr")) == true)
        fixture.say("later", from: CoreFixture.mentor)
        for reply in ["log", "today", "oui", "15:00", "oui", "16:00", "oui", "2", "1", "3", "non", "oui", "2", "oui"] {
            fixture.say(reply, from: CoreFixture.mentor)
        }
        let second = fixture.say("oui", from: CoreFixture.mentor)
        #expect(second.first?.body == fixture.text("log_meeting.thanks", "fr", ["number": "2"]))
        #expect(second.toCoordinators.count == 1, "something went wrong: the coordinators hear about it")
    }

    @Test func aSupportRequestGetsAReferenceAndReachesTheCoordinatorsWithTheRequestersWords() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("support", from: CoreFixture.mentee)
        fixture.say("1", from: CoreFixture.mentee)
        fixture.say("A letter from the landlord", from: CoreFixture.mentee)
        let done = fixture.say("2", from: CoreFixture.mentee)
        let ticket = try #require(fixture.state.tickets.first)
        #expect(ticket.reference == "S-001")
        #expect(ticket.area == "housing")
        #expect(ticket.forWhom == "me")
        #expect(done.to(CoreFixture.mentee).last?.body == fixture.text("bot.support.received", "en", ["reference": "S-001"]))
        let summary = try #require(done.toCoordinators.first)
        #expect(summary.body.contains("S-001"))
        #expect(summary.body.contains("“A letter from the landlord”"))
        #expect(done.to(CoreFixture.mentor).isEmpty)
        // A mentor is also asked who the support is for.
        fixture.say("support", from: CoreFixture.mentor)
        for reply in ["3", "Cours de langue", "3"] { fixture.say(reply, from: CoreFixture.mentor) }
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.stepID == "for_whom")
    }

    @Test func anUnansweredMeetingRequestTimesOutAndAnOldDialogExpiresGently() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        // A meeting far enough ahead that no reminder falls in the days this test moves through.
        for reply in ["plan", "28/02", "yes", "10:00", "yes", "park", "1"] { fixture.say(reply, from: CoreFixture.mentee) }
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.dialogID == "meeting_confirm")
        fixture.now += 47 * 3_600
        fixture.handle(.tick)
        #expect(fixture.state.outbox.isEmpty)
        fixture.now += 3_600
        fixture.handle(.tick)
        #expect(fixture.deliverAll().bodies == [fixture.text("meeting_confirm.no_answer", "fr")])
        #expect(fixture.state.person(CoreFixture.mentor).dialog == nil)

        fixture.say("check-in", from: CoreFixture.mentee)
        fixture.now += 7 * 86_400
        fixture.handle(.tick)
        #expect(fixture.deliverAll().bodies == [fixture.text("bot.dialog.expired", "en")])
        #expect(fixture.state.person(CoreFixture.mentee).dialog == nil)
    }

    @Test func aMeetingRequestWaitsWhileThePartnerIsInAnotherDialog() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("bilan", from: CoreFixture.mentor)
        for reply in ["plan", "tomorrow", "yes", "10:00", "yes", "park", "1"] { fixture.say(reply, from: CoreFixture.mentee) }
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.dialogID == "mentor_checkin")
        #expect(fixture.state.person(CoreFixture.mentor).queuedDialogs.map(\.dialogID) == ["meeting_confirm"])
        fixture.say("stop", from: CoreFixture.mentor)
        #expect(fixture.state.person(CoreFixture.mentor).queuedDialogs.isEmpty)
    }

    @Test func aMentorWithTwoMenteesIsAskedWhichOneAndEachPairStaysApart() throws {
        var fixture = CoreFixture(configuration: CoreFixture.mentorWithTwoMentees)
        fixture.startAndConsent()
        let which = fixture.say("plan", from: CoreFixture.mentor)
        #expect(which.bodies == ["\(fixture.text("bot.pair.which", "fr"))\n1️⃣ Amal\n2️⃣ Sam"])
        #expect(fixture.say("2", from: CoreFixture.mentor).first?.body.hasPrefix(fixture.text("plan_meeting.date", "fr")) == true)
        var sent: [OutboxMessage] = []
        for reply in ["demain", "oui", "10:00", "oui", "parc", "1"] { sent += fixture.say(reply, from: CoreFixture.mentor) }
        #expect(fixture.state.meetings.first?.pairID == "P-002")
        #expect(sent.to(CoreFixture.secondMentee).count == 1, "Sam is asked to confirm")
        #expect(sent.to(CoreFixture.mentee).isEmpty, "Amal hears nothing about Sam's meeting")
        #expect(sent.to(CoreFixture.mentor).last?.body.contains("Sam") == true, "the mentor is told who will confirm")
        let confirmed = fixture.say("yes", from: CoreFixture.secondMentee)
        #expect(confirmed.to(CoreFixture.mentor).first?.body.contains("Sam") == true)

        // A check-in about Amal, chosen by name, is recorded and summarised for P-001 only.
        fixture.say("bilan", from: CoreFixture.mentor)
        fixture.say("amal", from: CoreFixture.mentor)
        for reply in ["1", "4", "non", "non", "1", "non"] { fixture.say(reply, from: CoreFixture.mentor) }
        let done = fixture.say("non", from: CoreFixture.mentor)
        let record = try #require(fixture.state.records.last)
        #expect(record.dialogID == "mentor_checkin")
        #expect(record.pairIDs == ["P-001"])
        #expect(done.toCoordinators.first?.body.contains("P-001") == true)
        #expect(done.toCoordinators.first?.body.contains("P-002") == false)
        // Wellbeing is about the mentor, not a pair: no question first.
        #expect(fixture.say("wellbeing", from: CoreFixture.mentor).first?.body.hasPrefix(fixture.text("mentor_wellbeing.feeling", "fr")) == true)
    }

    @Test func theMenuHandsOverToTheChosenDialog() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        let menu = fixture.say("menu", from: CoreFixture.mentee)
        #expect(menu.first?.body.contains("5️⃣") == true, "the fifth: a private report about the mentor")
        #expect(menu.first?.body.contains("6️⃣") == false, "a mentee's menu has no meeting log or wellbeing")
        let next = fixture.say("4", from: CoreFixture.mentee)
        #expect(fixture.state.person(CoreFixture.mentee).dialog?.dialogID == "support_request")
        #expect(next.first?.body.hasPrefix(fixture.text("support_request.area", "en")) == true)
        #expect(!fixture.state.records.contains { $0.dialogID == "menu_mentee" })
    }

    @Test func languageCommandSwitchesAndRepeatsTheOpenQuestion() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("bilan", from: CoreFixture.mentor)
        let replies = fixture.say("language en", from: CoreFixture.mentor)
        #expect(replies.bodies.first == fixture.text("bot.language.changed", "en"))
        #expect(replies.last?.body.hasPrefix("Has your mentee made progress") == true)
        let unknown = fixture.say("language xx", from: CoreFixture.mentor)
        #expect(unknown.first?.body.contains("fr (Français)") == true)
        #expect(fixture.say("langue français", from: CoreFixture.mentor).first?.body == fixture.text("bot.language.changed", "fr"))
    }

    @Test func helpWorksMidDialogAndRepeatsWhereWeWere() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("bilan", from: CoreFixture.mentor)
        let replies = fixture.say("aide", from: CoreFixture.mentor)
        #expect(replies.count == 3)
        #expect(replies.last?.body.hasPrefix(fixture.text("mentor_checkin.progress", "fr")) == true)
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
        fixture.startAndConsent()
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
        // Joined; it becomes the mentee's room once a /sync batch shows just the two of them.
        #expect(fixture.state.person(CoreFixture.mentee).directRoomID == "!dm-\(CoreFixture.mentee)")
        fixture.handle(.roomObserved(RoomObservation(roomID: "!new", members: 2, encrypted: false)))
        #expect(fixture.state.person(CoreFixture.mentee).directRoomID == "!new")
    }

    @Test func aMenteeAskingForAMentorOnlyDialogIsToldKindly() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        #expect(fixture.say("log", from: CoreFixture.mentee).bodies == [fixture.text("bot.dialog.unavailable", "en")])
    }

    @Test func unknownTextGetsAKindReplyInThePersonsLanguage() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        #expect(fixture.say("qwerty", from: CoreFixture.mentor).bodies == [fixture.text("bot.not_understood", "fr")])
    }

    @Test func stateSurvivesAJSONRoundTrip() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("bilan", from: CoreFixture.mentor)
        fixture.say("1", from: CoreFixture.mentor)
        for reply in ["plan", "tomorrow", "yes"] { fixture.say(reply, from: CoreFixture.mentee) }
        let data = try JSONEncoder().encode(fixture.state)
        #expect(try JSONDecoder().decode(BotState.self, from: data) == fixture.state)
    }

    @Test func aSnapshotFromBeforeTheseFieldsStillLoads() throws {
        let old = #"{"people":{"@m:test":{"greeted":true,"stopped":false,"dialog":{"dialogID":"mentor_checkin","stepID":"progress","answers":{},"invalidAttempts":0}}},"outbox":[],"roomRequests":[],"records":[],"nextSequence":4,"recentInboundIDs":[]}"#
        let state = try JSONDecoder().decode(BotState.self, from: Data(old.utf8))
        #expect(state.person("@m:test").dialog?.stepID == "progress")
        #expect(state.person("@m:test").consents == nil)
        #expect(state.meetings.isEmpty)
    }
}
