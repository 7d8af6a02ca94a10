import CSV
import Foundation

/// The figures as CSV files for spreadsheets and funders' templates: stable English column names,
/// numbers with a point, empty where there is nothing to measure. Written by the CSV package, which
/// quotes what needs quoting.
public enum ReportTables {
    public static func files(_ figures: ProgrammeFigures) throws -> [(name: String, contents: String)] {
        [
            ("summary.csv", try csv(["indicator", "value"], summaryRows(figures))),
            ("pairs.csv", try csv(["pair", "meetings", "target", "met_target", "hours", "days_since_last_meeting",
                                   "match_length_days", "ended_this_month", "ended_early"], figures.pairs.map(pairRow))),
            ("checkins.csv", try csv(["side", "checkins_sent", "checkins_answered", "answered_share", "satisfaction_mean_1_to_4",
                                      "satisfaction_answers", "progress_yes", "progress_a_little", "progress_not_yet",
                                      "change_match_requests"], [figures.mentors, figures.mentees].map(sideRow))),
            ("support.csv", try csv(["area", "requests", "answered", "median_hours_to_answer"], figures.support.map(supportRow))),
            ("incidents.csv", try csv(["category", "raised"], figures.incidents.byCategory.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] })),
            ("satisfaction.csv", try csv(["month", "mentors_mean_1_to_4", "mentees_mean_1_to_4"], figures.satisfactionOverTime.map(satisfactionRow))),
        ]
    }

    static func pairRow(_ pair: ProgrammeFigures.PairFigures) -> [String] {
        let days: String = pair.daysSinceLastMeeting.map { String($0) } ?? ""
        return [pair.pairID, String(pair.meetings), String(pair.target), yes(pair.metTarget), number(pair.hours), days,
                String(pair.matchLengthDays), yes(pair.endedThisMonth), yes(pair.endedEarly)]
    }

    static func sideRow(_ side: ProgrammeFigures.SideFigures) -> [String] {
        let progress: [String] = ["yes", "a_little", "not_yet"].map { String(side.progress[$0, default: 0]) }
        return [side.role, String(side.checkInsSent), String(side.checkInsAnswered), number(side.answeredShare),
                number(side.satisfactionMean), String(side.satisfactionAnswers)] + progress + [String(side.changeMatchRequests)]
    }

    static func supportRow(_ area: ProgrammeFigures.SupportArea) -> [String] {
        [area.area, String(area.requests), String(area.answered), number(area.medianHoursToAnswer)]
    }

    static func satisfactionRow(_ month: ProgrammeFigures.MonthSatisfaction) -> [String] {
        [month.month.description, number(month.mentors), number(month.mentees)]
    }

    static func summaryRows(_ figures: ProgrammeFigures) -> [[String]] {
        let incidents = figures.incidents
        return [
            ["month", figures.month.description],
            ["people_counted", String(figures.peopleCounted)],
            ["people_not_counted_no_consent", String(figures.peopleNotCounted)],
            ["pairs", String(figures.pairs.count)],
            ["meetings_target_per_pair", String(figures.target)],
            ["meetings", String(figures.meetings)],
            ["pairs_at_target", String(figures.pairsAtTarget)],
            ["hours", number(figures.hours)],
            ["median_match_length_days", number(figures.medianMatchLengthDays)],
            ["premature_endings", String(figures.prematureEndings)],
            ["change_match_requests", String(figures.mentors.changeMatchRequests + figures.mentees.changeMatchRequests)],
            ["support_requests", String(figures.support.map(\.requests).reduce(0, +))],
            ["incidents_raised", String(incidents.raised)],
            ["incidents_acknowledged", String(incidents.acknowledged)],
            ["median_minutes_to_acknowledge", number(incidents.medianMinutesToAcknowledge)],
            ["longest_minutes_to_acknowledge", number(incidents.longestMinutesToAcknowledge)],
        ]
    }

    static func csv(_ header: [String], _ rows: [[String]]) throws -> String {
        let writer = try CSVWriter(stream: .toMemory())
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        guard let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else { return "" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        return String(format: "%.2f", value)
    }

    static func yes(_ flag: Bool) -> String { flag ? "yes" : "no" }
}
