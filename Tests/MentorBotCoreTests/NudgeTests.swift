import BotModel
import Dialogs
import Foundation
@testable import MentorBotCore
import Testing

/// Reminders before meetings and the request to log them: durable jobs run by `.tick`, with a
/// hand-moved clock. The fixture's clock starts on Friday 15 January 2027, 09:00 in Brussels.
@Suite struct NudgeTests {
    static let brussels = TimeZone(identifier: "Europe/Brussels")!

    /// A local time in Brussels.
    static func local(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = brussels
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    /// The mentee plans a meeting and the mentor confirms it.
    static func planned(day: String, time: String, place: String = "park") -> CoreFixture {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        plan(&fixture, day: day, time: time, place: place)
        return fixture
    }

    static func plan(_ fixture: inout CoreFixture, day: String, time: String, place: String = "park") {
        for reply in ["plan", day, "yes", time, "yes", place, "1"] { fixture.say(reply, from: CoreFixture.mentee) }
        fixture.say("oui", from: CoreFixture.mentor)
    }

    /// Moves the clock to `time`, ticks, and returns what was sent.
    static func at(_ time: Date, _ fixture: inout CoreFixture) -> [OutboxMessage] {
        fixture.now = time
        fixture.handle(.tick)
        return fixture.deliverAll()
    }

    func opening(_ fixture: CoreFixture, _ key: String, _ language: String) -> String {
        let text = fixture.text(key, language)
        return String(text[..<(text.firstIndex(of: "{") ?? text.endIndex)])
    }

    @Test func bothPeopleAreRemindedInTheirOwnLanguageADayAndTwoHoursBeforeAndTheMentorIsAskedToLogIt() {
        var fixture = Self.planned(day: "monday", time: "10:00")
        #expect(fixture.meetingJobs.count == 5)
        #expect(Self.at(Self.local(2027, 1, 17, 9, 59), &fixture).isEmpty)
        let dayBefore = Self.at(Self.local(2027, 1, 17, 10), &fixture)
        #expect(dayBefore.to(CoreFixture.mentor).first?.body.hasPrefix(opening(fixture, "bot.nudge.meeting", "fr")) == true)
        #expect(dayBefore.to(CoreFixture.mentor).first?.body.contains("lundi 18 janvier") == true)
        #expect(dayBefore.to(CoreFixture.mentee).first?.body.contains("Monday 18 January at 10:00") == true)
        #expect(dayBefore.to(CoreFixture.mentee).first?.body.contains("park") == true)
        let twoHours = Self.at(Self.local(2027, 1, 18, 8), &fixture)
        #expect(twoHours.count == 2)
        #expect(Self.at(Self.local(2027, 1, 18, 13, 59), &fixture).isEmpty)
        let logRequest = Self.at(Self.local(2027, 1, 18, 14), &fixture)
        #expect(logRequest.to(CoreFixture.mentor).first?.body.hasPrefix(opening(fixture, "bot.nudge.log", "fr")) == true)
        #expect(logRequest.to(CoreFixture.mentor).last?.body.hasPrefix(fixture.text("log_meeting.date", "fr")) == true)
        #expect(logRequest.to(CoreFixture.mentee).isEmpty, "only the mentor logs meetings")
        // Logging it (about that meeting) removes the one reminder that was waiting.
        for reply in ["today", "oui", "10:00", "oui", "12:00", "oui", "1", "1", "1", "oui", "non", "non", "oui"] {
            fixture.say(reply, from: CoreFixture.mentor)
        }
        #expect(fixture.state.meetings.first?.status == .logged)
        #expect(fixture.meetingJobs.isEmpty)
    }

    @Test func anUnloggedMeetingGetsExactlyOneReminder() {
        var fixture = Self.planned(day: "monday", time: "10:00")
        _ = Self.at(Self.local(2027, 1, 18, 14), &fixture)
        fixture.say("later", from: CoreFixture.mentor)
        let reminder = Self.at(Self.local(2027, 1, 19, 14), &fixture)
        #expect(reminder.to(CoreFixture.mentor).first?.body.hasPrefix(opening(fixture, "bot.nudge.log", "fr")) == true)
        fixture.say("later", from: CoreFixture.mentor)
        #expect(Self.at(Self.local(2027, 2, 28, 14), &fixture).isEmpty)
        #expect(fixture.meetingJobs.isEmpty)
    }

    @Test func cancellingRemovesTheRemindersAndMovingReschedulesThem() throws {
        var fixture = Self.planned(day: "monday", time: "10:00")
        for reply in ["change", "1", "tuesday 15:00", "yes"] { fixture.say(reply, from: CoreFixture.mentee) }
        let reminders = fixture.state.jobs.filter { if case .meetingReminder = $0.kind { true } else { false } }
        #expect(reminders.map(\.dueAt).min() == Self.local(2027, 1, 18, 15), "the day before the new time")
        #expect(fixture.state.person(CoreFixture.mentor).dialog?.dialogID == "meeting_confirm")
        for reply in ["change", "2", "yes"] { fixture.say(reply, from: CoreFixture.mentee) }
        #expect(fixture.meetingJobs.isEmpty)
        #expect(fixture.state.person(CoreFixture.mentor).dialog == nil, "nothing left to confirm")
        #expect(Self.at(Self.local(2027, 1, 20, 12), &fixture).isEmpty)
    }

    @Test func afterDowntimeARemindThatNoLongerMakesSenseIsSkippedWithItsReason() throws {
        var fixture = Self.planned(day: "monday", time: "10:00")
        // The bot was down from Sunday morning until Monday 11:00, after the meeting began.
        fixture.now = Self.local(2027, 1, 18, 11)
        let events = fixture.handle(.tick)
        let skipped = events.compactMap { event -> String? in
            if case .jobFinished(_, .skipped(let reason), _) = event { reason } else { nil }
        }
        #expect(skipped == Array(repeating: "the meeting had already begun", count: 4))
        #expect(fixture.deliverAll().isEmpty)
        #expect(fixture.meetingJobs.count == 1, "the log request is still to come")
    }

    @Test func quietHoursHoldARoutineMessageUntilMorning() {
        var fixture = Self.planned(day: "monday", time: "7:30")
        // The day-before reminder (Sunday 07:30) waits for 08:00; the two-hour one (Monday 05:30)
        // would come after the meeting began, so it is skipped.
        #expect(Self.at(Self.local(2027, 1, 17, 7, 30), &fixture).isEmpty)
        #expect(Self.at(Self.local(2027, 1, 17, 8), &fixture).count == 2)
        #expect(Self.at(Self.local(2027, 1, 18, 5, 30), &fixture).isEmpty)
        #expect(Self.at(Self.local(2027, 1, 18, 8), &fixture).isEmpty)
    }

    @Test func noMoreThanThreeMessagesADayAndWhatIsHeldBackIsSentNextMorningInOrder() {
        var fixture = Self.planned(day: "monday", time: "10:00")
        Self.plan(&fixture, day: "monday", time: "16:00", place: "library")
        for hour in [10, 16] { _ = Self.at(Self.local(2027, 1, 17, hour), &fixture) }  // Sunday's reminders
        var mentor: [String] = []
        for hour in [8, 14, 20] { mentor += Self.at(Self.local(2027, 1, 18, hour), &fixture).to(CoreFixture.mentor).bodies }
        let opening = opening(fixture, "bot.nudge.log", "fr")
        // 08:00 reminder, 14:00 log request + reminder for 16:00: three; the 20:00 log request waits.
        #expect(mentor.filter { $0.hasPrefix(self.opening(fixture, "bot.nudge.meeting", "fr")) }.count == 2)
        #expect(mentor.filter { $0.hasPrefix(opening) }.count == 1)
        let nextMorning = Self.at(Self.local(2027, 1, 19, 8), &fixture).to(CoreFixture.mentor)
        #expect(nextMorning.first?.body.hasPrefix(opening) == true)
    }

    @Test func whoeverSaidStopGetsNoReminderAndTheOtherPersonStillDoes() {
        var fixture = Self.planned(day: "monday", time: "10:00")
        fixture.say("stop", from: CoreFixture.mentee)
        let sent = Self.at(Self.local(2027, 1, 17, 10), &fixture)
        #expect(sent.to(CoreFixture.mentee).isEmpty)
        #expect(sent.to(CoreFixture.mentor).count == 1)
    }

    /// Europe/Brussels moves to summer time on 28 March 2027 and back on 31 October 2027: the
    /// day-before reminder keeps its clock time on both sides of each switch.
    @Test(arguments: [("28/03", 28, 3), ("31/10", 31, 10)])
    func theDayBeforeReminderKeepsItsLocalTimeAcrossADaylightSavingChange(day: String, date: Int, month: Int) {
        var fixture = Self.planned(day: day, time: "10:00")
        let meeting = fixture.state.meetings[0]
        #expect(meeting.startsAt == Self.local(2027, month, date, 10))
        let dayBefore = Self.local(2027, month, date - 1, 10)
        #expect(dayBefore.distance(to: meeting.startsAt) != 86_400, "the switch makes that day 23 or 25 hours long")
        #expect(Self.at(dayBefore.addingTimeInterval(-1), &fixture).isEmpty)
        #expect(Self.at(dayBefore, &fixture).count == 2)
        #expect(Self.at(Self.local(2027, month, date, 8), &fixture).count == 2)
    }

    @Test func pendingJobsSurviveARestart() throws {
        let fixture = Self.planned(day: "monday", time: "10:00")
        let restored = try JSONDecoder().decode(BotState.self, from: JSONEncoder().encode(fixture.state))
        #expect(restored.jobs == fixture.state.jobs)
        #expect(restored.jobs.map(\.dueAt) == restored.jobs.map(\.dueAt).sorted(by: >))
    }
}

extension CoreFixture {
    /// The pending jobs about meetings (the pair's end and closure are always planned too).
    var meetingJobs: [ScheduledJob] { state.jobs.filter { $0.kind.meetingID != nil } }
}
