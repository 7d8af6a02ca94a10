import BotModel
import Dialogs
import Foundation
@testable import MentorBotCore
import Rehearsal
import Testing

/// One pair through six months of simulated time (Tests/Golden/six_months.script, pinned word
/// for word and minute for minute by GoldenTranscriptTests). These tests check, on the same run,
/// the rules each message must keep: the cadence dates, people's hours, the daily limit, and
/// silence once the pair has ended.
@Suite struct SixMonthSimulationTests {
    static let zone = TimeZone(identifier: "Europe/Brussels")!

    /// Every message sent while the clock ran forward, with its time.
    static func play(language: String) throws -> (lines: [Rehearsal.Line], core: BotCore) {
        let source = try String(contentsOf: GoldenTranscriptTests.folder.appendingPathComponent("six_months.script"), encoding: .utf8)
        var rehearsal = Rehearsal(library: CoreFixture.library, screener: CoreFixture.screener, mentorLanguage: language, menteeLanguage: language)
        _ = rehearsal.start()
        var lines: [Rehearsal.Line] = []
        for (number, line) in source.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            lines += try RehearsalScript.step(String(line), number: number + 1, &rehearsal).filter { $0.sentAt != nil }
        }
        return (lines, rehearsal.core)
    }

    static func local(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    }

    static func at(_ month: Int, _ day: Int, _ hour: Int = 10, year: Int? = nil) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year ?? (month >= 11 ? 2026 : 2027), month: month, day: day, hour: hour))!
    }

    static func times(of key: String, to recipient: String, in lines: [Rehearsal.Line], _ core: BotCore, _ language: String) -> [Date] {
        // The words before the first placeholder, which every copy of the message starts with.
        let text = String(core.localizer.text(key, in: language, [:]).prefix { $0 != "{" })
        return lines.filter { $0.recipient == recipient && $0.body.hasPrefix(text) }.compactMap(\.sentAt)
    }

    @Test(arguments: ["en", "fr"])
    func checkInsFollowTheCadenceFromThePairsStart(language: String) throws {
        let (lines, core) = try Self.play(language: language)
        // Mentor: two weeks after the start (23 November), then monthly; none in the week
        // before the closing questions (9 May), so 7 May is left out.
        #expect(Self.times(of: "checkin.welcome", to: "mentor", in: lines, core, language)
                == [Self.at(12, 7), Self.at(1, 7), Self.at(2, 7), Self.at(3, 7), Self.at(4, 7)])
        // Mentee: monthly from the start, at 10:00 local on both sides of the March clock change.
        #expect(Self.times(of: "checkin.welcome", to: "mentee", in: lines, core, language)
                == [Self.at(12, 23), Self.at(1, 23), Self.at(2, 23), Self.at(3, 23), Self.at(4, 23)])
    }

    @Test(arguments: ["en", "fr"])
    func theEndIsAnnouncedToCoordinatorsAndTheClosingQuestionsGoToBoth(language: String) throws {
        let (lines, core) = try Self.play(language: language)
        let notice = lines.filter { $0.recipient == "coordinators' room" && $0.body.contains("P-001") && $0.sentAt == Self.at(4, 25) }
        #expect(notice.count == 1, "four weeks before the end (23 May), the coordinators hear")
        for who in ["mentor", "mentee"] {
            #expect(Self.times(of: "closure.intro", to: who, in: lines, core, language) == [Self.at(5, 9)])
        }
    }

    @Test(arguments: ["en", "fr"])
    func aQuietPairIsInvitedAndTheCoordinatorsHearAWeekLater(language: String) throws {
        let (lines, core) = try Self.play(language: language)
        // Last meeting 28 November: invitation three weeks later, notice a week after that.
        for who in ["mentor", "mentee"] {
            #expect(Self.times(of: "bot.nudge.no_meeting", to: who, in: lines, core, language).first == Self.at(12, 19))
        }
        let notices = lines.filter { $0.recipient == "coordinators' room" && $0.body.contains("28") }.compactMap(\.sentAt)
        #expect(notices.first == Self.at(12, 26))
        // After the meeting of 28 November the mentee is asked about the next one, the next morning.
        #expect(Self.times(of: "bot.nudge.book_next", to: "mentee", in: lines, core, language).first == Self.at(11, 29))
    }

    @Test func nothingReachesAPersonInQuietHoursOrMoreThanThreeTimesADay() throws {
        let (lines, _) = try Self.play(language: "en")
        #expect(lines.count > 60, "the simulation should have sent plenty: \(lines.count)")
        var contactsPerDay: [String: Set<Date>] = [:]
        for line in lines where line.recipient != "coordinators' room" {
            let time = Self.local(line.sentAt!)
            #expect((8..<21).contains(time.hour!), "\(line.recipient) got a message at \(time.hour!):\(time.minute!)")
            contactsPerDay["\(line.recipient) \(time.year!)-\(time.month!)-\(time.day!)", default: []].insert(line.sentAt!)
        }
        for (day, times) in contactsPerDay {
            #expect(times.count <= 3, "\(day): \(times.count) separate contacts")
        }
    }

    @Test func onceThePairHasEndedOnlyTheOpenQuestionsAreClosed() throws {
        let (lines, core) = try Self.play(language: "en")
        let end = Self.at(5, 23, 0)
        let after = lines.filter { $0.sentAt! >= end }
        #expect(!after.isEmpty)
        #expect(after.allSatisfy { $0.body == core.localizer.text("bot.dialog.expired", in: "en") }, "\(after.map(\.body))")
    }
}
