import BotModel
import Dialogs
import Foundation
@testable import MentorBotCore
import ProgrammeReport
import Safeguarding
import Testing

/// The monthly figures against a state whose every figure was counted by hand (below, in the
/// comments): four pairs, one with a mentee who did not agree to anonymous figures, one closed
/// early; check-ins, a record kept anonymously after an erasure, support requests, incidents.
@Suite struct ProgrammeReportTests {
    static let zone = TimeZone(identifier: "Europe/Brussels")!

    static func at(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.date(from: text)!
    }

    static var configuration: Configuration {
        var configuration = CoreFixture.configuration
        configuration.programme.cadence.meetingsPerMonth = 2
        var people = [configuration.roster.people[0]]
        var pairs: [Pair] = []
        for (number, start) in [(1, "2026-09-01"), (2, "2026-11-10"), (3, "2026-10-01"), (4, "2026-08-01")] {
            people.append(Person(id: "M\(number)", matrixID: "@m\(number):test", role: .mentor, language: "en", timeZone: "Europe/Brussels"))
            people.append(Person(id: "E\(number)", matrixID: "@e\(number):test", role: .mentee, language: "en", timeZone: "Europe/Brussels"))
            pairs.append(Pair(id: "P-00\(number)", mentorID: "M\(number)", menteeID: "E\(number)", startDate: start, endDate: "2027-06-30"))
        }
        configuration.roster = Roster(people: people, pairs: pairs)
        return configuration
    }

    static func state() -> BotState {
        var state = BotState()
        var records = 0
        func record(_ dialog: String, _ person: String, role: String, pair: String, _ answers: [String: AnswerValue], _ when: String) {
            records += 1
            state.apply(.answersRecorded(AnswerRecord(id: "r\(records)", dialogID: dialog, personID: person, role: role,
                                                      pairIDs: pair.isEmpty ? [] : [pair], answers: answers, completedAt: Self.at(when))))
        }
        func log(_ pair: String, _ day: String, _ from: String, _ to: String) {
            record("log_meeting", "M" + pair.suffix(1), role: "mentor", pair: pair,
                   ["date": .date(day), "start_time": .time(from), "end_time": .time(to), "form": .choice("in_person")], day + "T21:00:00")
        }
        func at(_ text: String) -> Date { Self.at(text) }
        for number in 1...4 {
            state.apply(.consentRecorded(matrixID: "@m\(number):test", consents: ["evaluation": true, "checkins": true], at: at("2026-08-01T10:00:00")))
            state.apply(.consentRecorded(matrixID: "@e\(number):test", consents: ["evaluation": number != 3, "checkins": true], at: at("2026-08-01T10:00:00")))
        }
        // Meetings: P-001 twice in November (1.5 h + 1 h) and once in October; P-002 once (1.5 h);
        // P-003 once (its mentee is not counted, so the pair is not); P-004 last met in October.
        log("P-001", "2026-11-03", "10:00", "11:30")
        log("P-001", "2026-11-17", "14:00", "15:00")
        log("P-001", "2026-10-28", "10:00", "12:00")
        log("P-002", "2026-11-20", "18:00", "19:30")
        log("P-003", "2026-11-05", "10:00", "11:00")
        log("P-004", "2026-10-10", "23:30", "00:30")
        // P-004 closed early by a coordinator on 20 November.
        state.apply(.pairClosed(pairID: "P-004", by: "C1", at: at("2026-11-20T10:00:00")))
        // Check-ins sent in November: M1, M2, M4, E1, E2, E3 (E3 not counted).
        for (index, who) in ["@m1:test", "@m2:test", "@m4:test", "@e1:test", "@e2:test", "@e3:test"].enumerated() {
            let pair = "P-00" + who.dropFirst(2).prefix(1)
            let job = ScheduledJob(id: "j\(index)", kind: .checkIn(pairID: pair, matrixID: who), dueAt: at("2026-11-02T10:00:00"))
            state.apply(.jobScheduled(job))
            state.apply(.jobFinished(jobID: job.id, outcome: .done, at: at("2026-11-02T10:00:00")))
        }
        // Answers: mentors 4 and 3; mentees 4, 2, an anonymous 3 (kept after an erasure), and E3's 1 (not counted).
        record("mentor_checkin", "M1", role: "mentor", pair: "P-001", ["satisfaction": .number(4), "progress": .choice("yes")], "2026-11-03T09:00:00")
        record("mentor_checkin", "M2", role: "mentor", pair: "P-002", ["satisfaction": .number(3), "progress": .choice("a_little")], "2026-11-04T09:00:00")
        record("mentor_checkin", "M1", role: "mentor", pair: "P-001", ["satisfaction": .number(2), "progress": .choice("not_yet")], "2026-10-04T09:00:00")
        record("mentee_checkin", "E1", role: "mentee", pair: "P-001", ["useful": .number(4), "progress": .choice("yes"), "change_match": .yesNo(false)], "2026-11-05T09:00:00")
        record("mentee_checkin", "E2", role: "mentee", pair: "P-002", ["useful": .number(2), "progress": .choice("not_yet"), "change_match": .yesNo(true)], "2026-11-06T09:00:00")
        record("mentee_checkin", "", role: "mentee", pair: "", ["useful": .number(3)], "2026-11-07T09:00:00")
        record("mentee_checkin", "E3", role: "mentee", pair: "P-003", ["useful": .number(1), "change_match": .yesNo(true)], "2026-11-07T09:00:00")
        // Support: two housing requests counted, one answered after 3 hours; E3's is not counted.
        func ticket(_ reference: String, _ person: String, _ opened: String) {
            state.apply(.ticketOpened(SupportTicket(reference: reference, personID: person, pairIDs: [], area: "housing", urgency: "soon",
                                                    forWhom: "me", description: "", status: .open, openedAt: at(opened))))
        }
        ticket("S-001", "E1", "2026-11-04T10:00:00")
        state.apply(.ticketUpdated(reference: "S-001", status: .inProgress, by: "C1", at: at("2026-11-04T13:00:00"), note: nil))
        state.apply(.ticketUpdated(reference: "S-001", status: .resolved, by: "C1", at: at("2026-11-09T13:00:00"), note: "done"))
        ticket("S-002", "E2", "2026-11-10T09:00:00")
        ticket("S-003", "E3", "2026-11-11T09:00:00")
        // Incidents: acknowledged after 12 and 30 minutes; E3's and October's are not counted.
        func incident(_ reference: String, _ person: String, _ category: DangerCategory, _ raised: String, acknowledgedAfter minutes: Double?) {
            state.apply(.incidentRaised(Incident(reference: reference, personID: person, matrixID: "@\(person.lowercased()):test", role: "mentee",
                                                 pairIDs: [], category: category, phrase: nil, raisedAt: at(raised))))
            if let minutes {
                state.apply(.incidentAcknowledged(reference: reference, by: "C1", at: at(raised).addingTimeInterval(minutes * 60)))
            }
        }
        incident("I-001", "E1", .threat, "2026-11-08T20:00:00", acknowledgedAfter: 12)
        incident("I-002", "E2", .selfHarm, "2026-11-12T08:00:00", acknowledgedAfter: 30)
        incident("I-003", "E3", .threat, "2026-11-13T08:00:00", acknowledgedAfter: 5)
        incident("I-004", "E1", .threat, "2026-10-13T08:00:00", acknowledgedAfter: 50)
        return state
    }

    static let november = ReportMonth(year: 2026, month: 11)

    @Test func theFiguresMatchAHandCount() throws {
        let core = CoreFixture(configuration: Self.configuration).core
        let figures = core.figures(for: Self.november, in: Self.state())
        // Pairs: P-003 is left out (its mentee did not agree); 7 of the 8 people count.
        #expect(figures.pairs.map(\.pairID) == ["P-001", "P-002", "P-004"])
        #expect(figures.peopleCounted == 7 && figures.peopleNotCounted == 1)
        let p1 = try #require(figures.pairs.first { $0.pairID == "P-001" })
        #expect(p1.meetings == 2 && p1.hours == 2.5 && p1.metTarget)
        #expect(p1.daysSinceLastMeeting == 13)   // 17 → 30 November
        #expect(p1.matchLengthDays == 91)        // 1 September → 1 December
        #expect(!p1.endedThisMonth && !p1.endedEarly)
        let p2 = try #require(figures.pairs.first { $0.pairID == "P-002" })
        #expect(p2.meetings == 1 && p2.hours == 1.5 && !p2.metTarget && p2.daysSinceLastMeeting == 10 && p2.matchLengthDays == 21)
        let p4 = try #require(figures.pairs.first { $0.pairID == "P-004" })
        #expect(p4.meetings == 0 && p4.endedEarly && p4.endedThisMonth)
        #expect(p4.daysSinceLastMeeting == 41)   // 10 October → 20 November, the day it was closed
        #expect(p4.matchLengthDays == 111)       // 1 August → 20 November
        #expect(figures.meetings == 3 && figures.pairsAtTarget == 1 && figures.hours == 4 && figures.prematureEndings == 1)

        // Check-ins: mentors 3 sent (M1, M2, M4), 2 answered, mean (4 + 3) / 2; mentees 2 sent
        // (E1, E2), 3 answered (with the anonymous one), mean (4 + 2 + 3) / 3, one asks for another match.
        #expect(figures.mentors.checkInsSent == 3 && figures.mentors.checkInsAnswered == 2)
        #expect(figures.mentors.satisfactionMean == 3.5 && figures.mentors.progress == ["yes": 1, "a_little": 1])
        #expect(figures.mentees.checkInsSent == 2 && figures.mentees.checkInsAnswered == 3 && figures.mentees.answeredShare == 1)
        #expect(figures.mentees.satisfactionMean == 3 && figures.mentees.changeMatchRequests == 1)
        #expect(figures.mentees.progress == ["yes": 1, "not_yet": 1])

        #expect(figures.support.map(\.area) == ["housing"])
        #expect(figures.support.first.map { [$0.requests, $0.answered] } == [2, 1] && figures.support.first?.hoursToAnswer == [3])
        #expect(figures.incidents.raised == 2 && figures.incidents.byCategory == ["threat": 1, "self_harm": 1])
        #expect(figures.incidents.minutesToAcknowledge == [12, 30] && figures.incidents.medianMinutesToAcknowledge == 21)

        let october = try #require(figures.satisfactionOverTime.first { $0.month == ReportMonth(year: 2026, month: 10) })
        #expect(october.mentors == 2 && october.mentees == nil)
        #expect(figures.satisfactionOverTime.map(\.month.description) == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"])
    }

    @Test func theCSVFilesCarryTheFiguresQuotedByTheLibrary() throws {
        let core = CoreFixture(configuration: Self.configuration).core
        var figures = core.figures(for: Self.november, in: Self.state())
        figures.pairs[0].pairID = "P-001, \"north\""
        let files = Dictionary(uniqueKeysWithValues: try ReportTables.files(figures).map { ($0.name, $0.contents) })
        #expect(files.keys.sorted() == ["checkins.csv", "incidents.csv", "pairs.csv", "satisfaction.csv", "summary.csv", "support.csv"])
        let pairs = try #require(files["pairs.csv"]).split(separator: "\n")
        #expect(pairs[0] == "pair,meetings,target,met_target,hours,days_since_last_meeting,match_length_days,ended_this_month,ended_early")
        #expect(pairs[1] == "\"P-001, \"\"north\"\"\",2,2,yes,2.50,13,91,no,no")
        #expect(pairs[3] == "P-004,0,2,no,0.00,41,111,yes,yes")
        let summary = try #require(files["summary.csv"])
        #expect(summary.contains("meetings,3\n") && summary.contains("median_minutes_to_acknowledge,21.00\n"))
        #expect(summary.contains("people_not_counted_no_consent,1\n"))
        #expect(try #require(files["checkins.csv"]).contains("mentee,2,3,1.00,3.00,3,1,0,1,1\n"))
    }

    @Test func thePageIsInTheProgrammesLanguageWithThreeChartsAndNoNames() throws {
        var configuration = Self.configuration
        configuration.programme.defaultLanguage = "fr"
        let core = CoreFixture(configuration: configuration).core
        let figures = core.figures(for: Self.november, in: Self.state())
        let html = core.reportPage(figures).html()
        #expect(html.contains("<html lang=\"fr\" dir=\"ltr\">"))
        #expect(html.contains(core.localizer.text("figures.chart.satisfaction", in: "fr")))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
        // One bar per counted pair, one per acknowledged incident.
        #expect(html.components(separatedBy: "fill=\"\(ReportPage.Colour.meetings)\"").count - 1 == 3)
        #expect(html.components(separatedBy: "fill=\"\(ReportPage.Colour.acknowledge)\"").count - 1 == 2)
        for person in Self.configuration.roster.people { #expect(!html.contains(person.matrixID)) }
        #expect(!html.contains("<script"))

        configuration.programme.defaultLanguage = "ar"
        let arabic = CoreFixture(configuration: configuration).core
        #expect(arabic.reportPage(figures).html().contains("dir=\"rtl\""))
    }

    @Test func onTheFirstOfTheMonthTheCoordinatorsGetTheFiguresAndThePage() throws {
        var fixture = CoreFixture(configuration: Self.configuration)
        fixture.state = Self.state()
        fixture.now = Self.at("2026-12-01T10:00:00")
        let job = ScheduledJob(id: "review", kind: .monthlyReview, dueAt: fixture.now)
        fixture.state.apply(.jobScheduled(job))
        fixture.state.apply(.coordinatorsRoomLinked(roomID: "!coordinators"))
        fixture.handle(.tick)
        let toCoordinators = fixture.state.outbox.filter { $0.target == .coordinatorsRoom }
        let headline = try #require(toCoordinators.first { $0.body.contains("Meetings logged: 3.") })
        #expect(headline.body.contains("Pairs: 3.") && headline.body.contains("Safety incidents: 2."))
        #expect(headline.body.contains("21 minutes"))
        let file = try #require(toCoordinators.first { $0.attachment != nil })
        #expect(file.body == "mentorbot-report-2026-11.html" && file.attachment?.mimeType == "text/html")
        let page = String(decoding: try #require(file.attachment).data, as: UTF8.self)
        #expect(page.contains("<svg ") && page.contains("P-002"))
    }
}
