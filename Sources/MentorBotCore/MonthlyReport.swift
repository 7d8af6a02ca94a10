import BotModel
import Dialogs
import Foundation
import ProgrammeReport

/// The programme's monthly figures (`mentorbot report`, and on the first of each month in the
/// coordinators' room): the core knows when pairs end and speaks the programme's language; the
/// figures themselves are ProgrammeReport's.
extension BotCore {
    /// Each pair's first day over, closings included.
    public func pairEnds(in state: BotState) -> [String: Date] {
        Dictionary(roster.pairs.map { ($0.id, end(of: $0, in: state)) }, uniquingKeysWith: { first, _ in first })
    }

    /// `asOf`: a month still running is measured up to then.
    public func figures(for month: ReportMonth, in state: BotState, asOf: Date = .distantFuture) -> ProgrammeFigures {
        ProgrammeFigures(month: month, from: ReportSource(state: state, roster: roster, meetingsPerMonth: cadence.meetingsPerMonth,
                                                          timeZone: programmeZone, pairEnds: pairEnds(in: state), asOf: asOf))
    }

    /// The page in the programme's language.
    public func reportPage(_ figures: ProgrammeFigures) -> ReportPage {
        ReportPage(figures: figures, localizer: localizer, language: configuration.programme.defaultLanguage, timeZone: programmeZone,
                   acknowledgeWithin: configuration.programme.safety.acknowledgeWithin)
    }

    public static func reportFileName(_ month: ReportMonth) -> String { "mentorbot-report-\(month).html" }

    /// On the first of the month: the month before in a few figures, and the page as a file.
    func postMonthlyReport(before now: Date, _ decision: inout Decision) {
        let month = ReportMonth(containing: now, in: programmeZone).previous()
        let figures = figures(for: month, in: decision.state, asOf: now)
        let language = configuration.programme.defaultLanguage
        let page = reportPage(figures)
        var lines: [(String, [String: String])] = [("summary.monthly_report", [
            "month": page.monthName, "pairs": String(figures.pairs.count), "meetings": String(figures.meetings),
            "at_target": String(figures.pairsAtTarget), "target": String(figures.target),
            "hours": String(format: "%.1f", figures.hours), "support": String(figures.support.map(\.requests).reduce(0, +)),
            "incidents": String(figures.incidents.raised),
        ])]
        if let median = figures.incidents.medianMinutesToAcknowledge, let longest = figures.incidents.longestMinutesToAcknowledge {
            lines.append(("summary.monthly_report_acknowledge", ["median": String(format: "%.0f", median), "longest": String(format: "%.0f", longest)]))
        }
        tellCoordinators(lines: lines, in: language, &decision)
        decision.record(.messageQueued(OutboxMessage(
            transactionID: decision.nextID("mb-"), target: .coordinatorsRoom, kind: .notice, body: Self.reportFileName(month),
            attachment: OutboxMessage.Attachment(mimeType: "text/html", data: Data(page.html().utf8)))))
    }
}
