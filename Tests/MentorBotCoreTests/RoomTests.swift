import BotModel
import Foundation
import Testing
@testable import MentorBotCore

/// Which rooms the bot talks in: the bot and one person, unencrypted. Rooms as Element X and
/// Element Web make them (encrypted DMs, group rooms) are refused kindly, and a room the person
/// leaves is left.
@Suite struct RoomTests {
    static let mentee = CoreFixture.mentee
    static var menteeRoom: String { "!dm-\(mentee)" }

    /// The mentee invites the bot to `roomID`; the bot joins; then a /sync batch describes the room.
    static func invite(_ fixture: inout CoreFixture, to roomID: String, members: Int?, encrypted: Bool, syncFirst: Bool = false) {
        fixture.handle(.invited(roomID: roomID, inviter: mentee))
        let join = fixture.state.roomRequests.first { $0.action == .join(roomID: roomID, matrixID: mentee) }!
        if syncFirst { fixture.handle(.roomObserved(RoomObservation(roomID: roomID, members: members, encrypted: encrypted))) }
        fixture.handle(.roomRequestSucceeded(requestID: join.id, roomID: roomID))
        if !syncFirst { fixture.handle(.roomObserved(RoomObservation(roomID: roomID, members: members, encrypted: encrypted))) }
    }

    @Test(arguments: [false, true])
    func aRoomWithJustThePersonBecomesTheirDirectRoom(syncFirst: Bool) {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        Self.invite(&fixture, to: "!new", members: 2, encrypted: false, syncFirst: syncFirst)
        #expect(fixture.state.person(Self.mentee).directRoomID == "!new")
        #expect(fixture.state.roomsAwaitingVerdict.isEmpty)
        #expect(!fixture.state.roomRequests.contains { if case .leave = $0.action { true } else { false } })
    }

    @Test(arguments: [false, true])
    func anEncryptedDirectChatIsRefusedKindlyAndTheConversationGoesOnUnencrypted(syncFirst: Bool) {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        Self.invite(&fixture, to: "!e2ee", members: 2, encrypted: true, syncFirst: syncFirst)
        #expect(fixture.state.person(Self.mentee).directRoomID == Self.menteeRoom, "the working room is kept")
        let queued = fixture.state.outbox
        #expect(queued.filter { $0.target == .room(id: "!e2ee") }.bodies == [fixture.text("bot.room.encrypted", "en")])
        #expect(queued.to(Self.mentee).bodies == [fixture.text("bot.room.moved", "en")])
        #expect(queued.toCoordinators.count == 1)
        #expect(fixture.state.roomRequests.map(\.action).contains(.leave(roomID: "!e2ee")))
        fixture.deliverAll()

        // A second encrypted chat: refused again, but the coordinators are told only once.
        Self.invite(&fixture, to: "!e2ee-2", members: 2, encrypted: true)
        #expect(fixture.state.outbox.toCoordinators.isEmpty)
        #expect(fixture.state.outbox.filter { $0.target == .room(id: "!e2ee-2") }.count == 1)

        // "sos" in the encrypted room's plain fallback (or anywhere) still raises the incident.
        fixture.now += 5
        fixture.handle(.text(InboundText(eventID: "$sos", roomID: "!e2ee-2", sender: Self.mentee, body: "sos", sentAt: fixture.now)))
        #expect(fixture.state.incidents.count == 1)
    }

    @Test func aPersonWithNoRoomLeftGetsANewUnencryptedOne() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.handle(.memberLeft(roomID: Self.menteeRoom, matrixID: Self.mentee))
        #expect(fixture.state.person(Self.mentee).directRoomID == nil)
        Self.invite(&fixture, to: "!e2ee", members: 2, encrypted: true)
        #expect(fixture.state.roomRequests.map(\.action).contains(.createDirectRoom(matrixID: Self.mentee)),
                "the message that says where to write opens a room that the bot can read")
    }

    @Test func aGroupRoomNeverSeesADialogAndTheDirectRoomStays() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.handle(.invited(roomID: "!group", inviter: CoreFixture.mentor))
        let join = fixture.state.roomRequests.first { $0.action == .join(roomID: "!group", matrixID: CoreFixture.mentor) }!
        fixture.handle(.roomRequestSucceeded(requestID: join.id, roomID: "!group"))
        fixture.handle(.roomObserved(RoomObservation(roomID: "!group", members: 3, encrypted: false)))
        #expect(fixture.state.person(CoreFixture.mentor).directRoomID == "!dm-\(CoreFixture.mentor)")
        #expect(fixture.state.outbox.filter { $0.target == .room(id: "!group") }.bodies == [fixture.text("bot.room.group", "fr")], "in the mentor's language")
        #expect(fixture.state.roomRequests.map(\.action).contains(.leave(roomID: "!group")))
        fixture.deliverAll()
        // The mentor asks for a check-in in the group room: nothing, in any room.
        fixture.now += 5
        fixture.handle(.text(InboundText(eventID: "$g1", roomID: "!group", sender: CoreFixture.mentor, body: "menu", sentAt: fixture.now)))
        #expect(fixture.state.outbox.isEmpty)
    }

    @Test func aDirectRoomSomeoneElseJoinsIsLeftAndTheNextMessageOpensANewOne() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.handle(.roomObserved(RoomObservation(roomID: Self.menteeRoom, members: 3, encrypted: false)))
        #expect(fixture.state.person(Self.mentee).directRoomID == nil)
        #expect(fixture.state.outbox.filter { $0.target == .room(id: Self.menteeRoom) }.count == 1)
        #expect(fixture.state.roomRequests.map(\.action).contains(.leave(roomID: Self.menteeRoom)))
    }

    @Test func whenThePersonLeavesTheBotLeavesAndOpensARoomOnlyWhenItHasSomethingToSay() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.handle(.memberLeft(roomID: Self.menteeRoom, matrixID: Self.mentee))
        #expect(fixture.state.person(Self.mentee).directRoomID == nil)
        #expect(fixture.state.roomRequests.map(\.action) == [.leave(roomID: Self.menteeRoom)], "no new room yet")
        // A restart opens none either.
        fixture.handle(.started)
        #expect(!fixture.state.roomRequests.map(\.action).contains(.createDirectRoom(matrixID: Self.mentee)))
        // Something to say: now a room.
        let person = fixture.core.roster.person(matrixID: Self.mentee)!
        for event in fixture.core.starting("mentee_checkin", for: person, state: fixture.state, now: fixture.now) { fixture.state.apply(event) }
        #expect(fixture.state.roomRequests.map(\.action).contains(.createDirectRoom(matrixID: Self.mentee)))
    }

    static func edit(_ fixture: inout CoreFixture, _ replaces: String, to body: String) {
        fixture.now += 5
        fixture.handle(.edited(InboundEdit(eventID: fixture.nextEventID(), roomID: menteeRoom, sender: mentee, replaces: replaces,
                                           body: body, sentAt: fixture.now)))
    }

    @Test func anEditOfAnAnswerAlreadyTakenIsNotAnAnswerAndThePersonIsToldOnce() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("checkin", from: Self.mentee, eventID: "$checkin")
        fixture.say("2", from: Self.mentee, eventID: "$answer")
        let before = fixture.state.person(Self.mentee).dialog
        #expect(before?.invalidAttempts == 0)
        Self.edit(&fixture, "$answer", to: "3")
        Self.edit(&fixture, "$checkin", to: "menu")
        #expect(fixture.state.person(Self.mentee).dialog == before, "the dialog did not move")
        #expect(fixture.state.outbox.bodies == [fixture.text("bot.edit.kept", "en")], "told once")
    }

    @Test func anEditOfAReplyThatDidNotFitTheOpenQuestionIsTheAnswer() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("checkin", from: Self.mentee)
        let question = fixture.state.person(Self.mentee).dialog
        fixture.say("purple", from: Self.mentee, eventID: "$typo")
        #expect(fixture.state.person(Self.mentee).dialog?.stepID == question?.stepID)
        #expect(fixture.state.person(Self.mentee).dialog?.invalidAttempts == 1)
        Self.edit(&fixture, "$typo", to: "2")
        let after = fixture.state.person(Self.mentee).dialog
        #expect(after?.stepID != question?.stepID, "the corrected answer moved the check-in on")
        #expect(after?.answers.isEmpty == false)
        #expect(!fixture.state.outbox.bodies.contains(fixture.text("bot.edit.kept", "en")))
    }

    @Test func anEditThatAddsTheSafetyWordRaisesTheIncident() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("hello", from: Self.mentee, eventID: "$hello")
        Self.edit(&fixture, "$hello", to: "hello sos")
        #expect(fixture.state.incidents.count == 1)
    }

    @Test func anUpgradedDirectRoomIsFollowed() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.handle(.roomUpgraded(roomID: Self.menteeRoom, replacement: "!v10"))
        let actions = fixture.state.roomRequests.map(\.action)
        #expect(actions.contains(.join(roomID: "!v10", matrixID: Self.mentee)))
        #expect(actions.contains(.leave(roomID: Self.menteeRoom)))
        #expect(!actions.contains(.createDirectRoom(matrixID: Self.mentee)), "the new room is joined, not a third one made")
        let join = fixture.state.roomRequests.first { $0.action == .join(roomID: "!v10", matrixID: Self.mentee) }!
        fixture.handle(.roomRequestSucceeded(requestID: join.id, roomID: "!v10"))
        fixture.handle(.roomObserved(RoomObservation(roomID: "!v10", members: 2, encrypted: false)))
        #expect(fixture.state.person(Self.mentee).directRoomID == "!v10")
    }

    @Test func anUpgradedRoomTheBotCannotJoinLeavesWaitingMessagesANewRoom() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.handle(.roomUpgraded(roomID: Self.menteeRoom, replacement: "!v10"))
        let person = fixture.core.roster.person(matrixID: Self.mentee)!
        for event in fixture.core.starting("mentee_checkin", for: person, state: fixture.state, now: fixture.now) { fixture.state.apply(event) }
        let join = fixture.state.roomRequests.first { $0.action == .join(roomID: "!v10", matrixID: Self.mentee) }!
        fixture.handle(.roomRequestFailed(requestID: join.id))
        #expect(fixture.state.roomRequests.map(\.action).contains(.createDirectRoom(matrixID: Self.mentee)))
    }
}
