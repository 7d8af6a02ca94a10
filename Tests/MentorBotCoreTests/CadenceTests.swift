import BotModel
import ConfigurationLoading
import Dialogs
import Foundation
@testable import MentorBotCore
import Testing

/// Check-ins, invitations and the pair's end, as durable jobs planned at start. The fixture's
/// clock starts on Friday 15 January 2027, 09:00 in Brussels; here the pair starts that day.
@Suite struct CadenceTests {
    static func fixture(_ change: (inout Configuration) -> Void = { _ in }) -> CoreFixture {
        var configuration = CoreFixture.configuration
        configuration.programme.cadence = Cadence()
        configuration.roster.pairs[0].startDate = "2027-01-15"
        configuration.roster.pairs[0].endDate = nil
        change(&configuration)
        return CoreFixture(configuration: configuration)
    }

    static func kinds(_ fixture: CoreFixture) -> [ScheduledJob.Kind: Date] {
        Dictionary(fixture.state.jobs.map { ($0.kind, $0.dueAt) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func startPlansEachMembersCheckInsTheQuietPairCheckAndTheEnd() {
        var fixture = Self.fixture()
        fixture.startAndConsent()
        let jobs = Self.kinds(fixture)
        #expect(jobs[.checkIn(pairID: "P-001", matrixID: CoreFixture.mentor)] == NudgeTests.local(2027, 1, 29, 10))
        #expect(jobs[.checkIn(pairID: "P-001", matrixID: CoreFixture.mentee)] == NudgeTests.local(2027, 2, 15, 10))
        #expect(jobs[.meetingGap(pairID: "P-001")] == NudgeTests.local(2027, 2, 5, 10))
        // Six months: ends 15 July; coordinators four weeks before, closing questions two weeks before.
        #expect(jobs[.pairEnding(pairID: "P-001")] == NudgeTests.local(2027, 6, 17, 10))
        #expect(jobs[.closure(pairID: "P-001", matrixID: CoreFixture.mentor)] == NudgeTests.local(2027, 7, 1, 10))
        #expect(jobs[.monthlyReview] == NudgeTests.local(2027, 2, 1, 10))
    }

    @Test func aRestartPlansNothingTwiceAndAOneOffThatRanIsNotPlannedAgain() {
        var fixture = Self.fixture { $0.roster.pairs[0].endDate = "2027-02-20" }
        fixture.startAndConsent()
        let before = fixture.state.jobs
        fixture.handle(.started)
        #expect(fixture.state.jobs == before)
        // The end notice (23 January) runs, then the daemon restarts.
        _ = NudgeTests.at(NudgeTests.local(2027, 1, 23, 10), &fixture)
        #expect(!fixture.state.jobs.contains { $0.kind == .pairEnding(pairID: "P-001") })
        fixture.handle(.started)
        #expect(!fixture.state.jobs.contains { $0.kind == .pairEnding(pairID: "P-001") })
    }

    @Test func aChangedEndDateMovesTheEndNotice() {
        var fixture = Self.fixture()
        fixture.startAndConsent()
        var configuration = fixture.core.configuration
        configuration.roster.pairs[0].endDate = "2027-04-01"
        var moved = CoreFixture(configuration: configuration)
        moved.state = fixture.state
        moved.now = fixture.now
        moved.handle(.started)
        let endings = moved.state.jobs.filter { $0.kind == .pairEnding(pairID: "P-001") }
        #expect(endings.map(\.dueAt) == [NudgeTests.local(2027, 3, 4, 10)])
    }

    @Test func aCheckInStartsTheDialogForThePairAndPlansTheNextOne() {
        var fixture = Self.fixture()
        fixture.startAndConsent()
        let sent = NudgeTests.at(NudgeTests.local(2027, 1, 29, 10), &fixture)
        #expect(sent.to(CoreFixture.mentor).first?.body == fixture.text("checkin.welcome", "fr"))
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.parameters["pair"] == "P-001")
        #expect(Self.kinds(fixture)[.checkIn(pairID: "P-001", matrixID: CoreFixture.mentor)] == NudgeTests.local(2027, 2, 28, 10)
                || Self.kinds(fixture)[.checkIn(pairID: "P-001", matrixID: CoreFixture.mentor)] == NudgeTests.local(2027, 3, 1, 10))
    }

    @Test func whoeverSaidStopOrRefusedCheckInsGetsNoneButKeepsTheirPlaceInTheRhythm() {
        var fixture = Self.fixture()
        fixture.startAndLinkRooms()
        // The mentor says no to check-ins, yes to the rest; the mentee says stop.
        for answer in ["2", "1", "1"] { fixture.say(answer, from: CoreFixture.mentor) }
        fixture.say("stop", from: CoreFixture.mentee)
        let mentorDay = NudgeTests.at(NudgeTests.local(2027, 1, 29, 10), &fixture)
        #expect(mentorDay.to(CoreFixture.mentor).isEmpty)
        let menteeDay = NudgeTests.at(NudgeTests.local(2027, 2, 15, 10), &fixture)
        #expect(menteeDay.to(CoreFixture.mentee).isEmpty)
        let jobs = Self.kinds(fixture)
        #expect(jobs[.checkIn(pairID: "P-001", matrixID: CoreFixture.mentor)] != nil, "a later yes still finds its next check-in")
        #expect(jobs[.checkIn(pairID: "P-001", matrixID: CoreFixture.mentee)] != nil)
    }

    @Test func aPlannedMeetingPostponesTheQuietPairInvitation() {
        var fixture = Self.fixture()
        fixture.startAndConsent()
        NudgeTests.plan(&fixture, day: "18/02", time: "14:00")
        let sent = NudgeTests.at(NudgeTests.local(2027, 2, 5, 10), &fixture)
        #expect(!sent.bodies.contains { $0.hasPrefix(String(fixture.text("bot.nudge.no_meeting", "en").prefix(20))) })
        // Three weeks after the planned meeting's day, if nothing is logged by then.
        #expect(Self.kinds(fixture)[.meetingGap(pairID: "P-001")] == NudgeTests.local(2027, 3, 11, 10))
    }

    @Test func aMentorWithTwoMenteesHasACheckInForEachPair() {
        var configuration = CoreFixture.mentorWithTwoMentees
        configuration.programme.cadence = Cadence()
        configuration.roster.pairs[0].endDate = nil
        configuration.roster.pairs[1].endDate = nil
        var fixture = CoreFixture(configuration: configuration)
        fixture.startAndConsent()
        let jobs = Self.kinds(fixture)
        #expect(jobs[.checkIn(pairID: "P-001", matrixID: CoreFixture.mentor)] != nil)
        #expect(jobs[.checkIn(pairID: "P-002", matrixID: CoreFixture.mentor)] != nil)
    }

    @Test func cadenceSettingsAreReadAndBadOnesNamed() throws {
        let loader = ConfigurationLoaderTests()
        let yaml = ConfigurationLoaderTests.example.replacingOccurrences(of: "    mentor_first_checkin: 14d", with: "    mentor_first_checkin: off")
            .replacingOccurrences(of: "    mentee_checkin_every: 1mo", with: "    mentee_checkin_every: 6w")
        let cadence = try loader.load(yaml).programme.cadence
        #expect(cadence.mentorFirstCheckIn == nil)
        #expect(cadence.menteeCheckInEvery == .days(42))
        let bad = ConfigurationLoaderTests.example.replacingOccurrences(of: "    pair_length: 6mo", with: "    pair_length: half a year")
        #expect(loader.problems(bad).first?.keyPath == "programme.cadence.pair_length")
        let off = ConfigurationLoaderTests.example.replacingOccurrences(of: "    pair_length: 6mo", with: "    pair_length: off")
        #expect(loader.problems(off).first?.message.contains("cannot be off") == true)
        let early = ConfigurationLoaderTests.example.replacingOccurrences(of: "end: 2027-05-01", with: "end: 2026-10-01")
        #expect(loader.problems(early).first?.keyPath == "roster.pairs[0].end")
    }
}

/// "pause P-001" and "resume P-001" in the coordinators' room.
@Suite struct PausedPairTests {
    @Test func aPausedPairGetsNoRoutineMessagesAndResumingBringsThemBack() {
        var fixture = CadenceTests.fixture()
        fixture.startAndConsent()
        let reply = fixture.sayInCoordinatorsRoom("pause P-001")
        #expect(reply.toCoordinators.bodies == [fixture.text("coordinator.paused", "en", ["pair": "P-001"])])
        #expect(fixture.state.pausedPairs == ["P-001"])
        let checkInDay = NudgeTests.at(NudgeTests.local(2027, 1, 29, 10), &fixture)
        #expect(checkInDay.to(CoreFixture.mentor).isEmpty, "paused: no check-in")
        let quietCheck = NudgeTests.at(NudgeTests.local(2027, 2, 5, 10), &fixture)
        // The programme's monthly figures (on the 1st) are not about the pair; nothing else goes out.
        let monthly = fixture.text("summary.monthly_report", "en").prefix(18)
        #expect(quietCheck.filter { $0.attachment == nil && !$0.body.hasPrefix(monthly) }.isEmpty, "paused: no invitation to plan a meeting")
        // The safety word still gets through while paused.
        let sos = fixture.say("sos", from: CoreFixture.mentee)
        #expect(!sos.to(CoreFixture.mentee).isEmpty && !sos.toCoordinators.isEmpty)

        #expect(fixture.sayInCoordinatorsRoom("RESUME p-001").toCoordinators.bodies
                == [fixture.text("coordinator.resumed", "en", ["pair": "P-001"])])
        #expect(fixture.state.pausedPairs.isEmpty)
        let nextCheckIn = fixture.state.jobs.first { $0.kind == .checkIn(pairID: "P-001", matrixID: CoreFixture.mentor) }
        #expect(nextCheckIn?.dueAt == NudgeTests.local(2027, 3, 1, 10) || nextCheckIn?.dueAt == NudgeTests.local(2027, 2, 28, 10))
        let resumed = NudgeTests.at(nextCheckIn!.dueAt, &fixture)
        #expect(resumed.to(CoreFixture.mentor).first?.body == fixture.text("checkin.welcome", "fr"))
    }

    @Test func meetingRemindersWaitOutAPauseToo() {
        var fixture = CadenceTests.fixture()
        fixture.startAndConsent()
        NudgeTests.plan(&fixture, day: "18/01", time: "14:00")
        fixture.sayInCoordinatorsRoom("pause P-001")
        let dayBefore = NudgeTests.at(NudgeTests.local(2027, 1, 17, 14), &fixture)
        #expect(dayBefore.isEmpty)
    }

    @Test func onlyCoordinatorsCanPauseAndOthersLearnNothing() {
        var fixture = CadenceTests.fixture()
        fixture.startAndConsent()
        #expect(fixture.sayInCoordinatorsRoom("pause P-001", from: CoreFixture.mentor).isEmpty)
        #expect(fixture.sayInCoordinatorsRoom("pause P-001", from: CoreFixture.stranger).isEmpty)
        #expect(fixture.state.pausedPairs.isEmpty)
        // Ordinary talk between coordinators gets no answer either.
        #expect(fixture.sayInCoordinatorsRoom("shall we pause the pair of Tuesday?").isEmpty)
    }

    @Test func anUnknownPairIsNamedBackAndNothingIsPaused() {
        var fixture = CadenceTests.fixture()
        fixture.startAndConsent()
        let reply = fixture.sayInCoordinatorsRoom("pause P-999")
        #expect(reply.toCoordinators.bodies == [fixture.text("coordinator.no_pair", "en", ["pair": "P-999"])])
        #expect(fixture.state.pausedPairs.isEmpty)
    }
}
