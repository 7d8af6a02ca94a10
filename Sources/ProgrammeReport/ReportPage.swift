import Dialogs
import Foundation

/// The month's figures as one self-contained HTML page (no script, no outside file: it opens from
/// a chat attachment on a phone as well as on a desk), in the programme's language, with three
/// charts drawn as inline SVG: meetings per pair against the target, satisfaction over time, and
/// the time to acknowledge each safety incident.
public struct ReportPage {
    public let figures: ProgrammeFigures
    public let localizer: Localizer
    public let language: String
    public let timeZone: TimeZone
    /// The programme's limit for acknowledging an incident, drawn on its chart.
    public let acknowledgeWithin: TimeInterval

    /// Every catalog key the page reads (`mentorbot check` insists each exists in every language).
    public static let catalogKeys: [String] = [
        "figures.title", "figures.counted", "figures.headline.pairs", "figures.headline.meetings", "figures.headline.at_target",
        "figures.headline.hours", "figures.headline.support", "figures.headline.incidents", "figures.chart.meetings",
        "figures.chart.satisfaction", "figures.chart.acknowledge", "figures.legend.target", "figures.legend.mentors",
        "figures.legend.mentees", "figures.legend.limit", "figures.none.pairs", "figures.none.incidents", "figures.none.support",
        "figures.incidents.summary", "figures.section.checkins", "figures.section.pairs", "figures.section.support",
        "figures.side.mentor", "figures.side.mentee", "figures.column.sent", "figures.column.answered", "figures.column.satisfaction",
        "figures.column.progress", "figures.column.change_match", "figures.column.pair", "figures.column.meetings",
        "figures.column.hours", "figures.column.days_since", "figures.column.length_days", "figures.column.ended",
        "figures.column.area", "figures.column.requests", "figures.column.median_hours", "figures.ended.early",
        "figures.ended.planned", "figures.footer",
    ]

    /// Colours the charts are drawn in (a screenshot test looks for them).
    public enum Colour {
        public static let meetings = "#1f6feb"
        public static let mentors = "#d9480f"
        public static let mentees = "#2f9e44"
        public static let acknowledge = "#9c36b5"
        static let target = "#333333"
        static let grid = "#dddddd"
    }

    public init(figures: ProgrammeFigures, localizer: Localizer, language: String, timeZone: TimeZone, acknowledgeWithin: TimeInterval) {
        self.figures = figures
        self.localizer = localizer
        self.language = language
        self.timeZone = timeZone
        self.acknowledgeWithin = acknowledgeWithin
    }

    func t(_ key: String, _ parameters: [String: String] = [:]) -> String {
        escape(localizer.text(key, in: language, parameters))
    }

    public var monthName: String {
        DateWording(language: language, timeZone: timeZone).month(of: figures.month.start(in: timeZone).addingTimeInterval(12 * 3600))
    }

    public func html() -> String {
        let direction = localizer.direction(language) == .rtl ? "rtl" : "ltr"
        var page = """
        <!DOCTYPE html>
        <html lang="\(escape(language))" dir="\(direction)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(t("figures.title", ["month": monthName]))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 0 auto; padding: 12px; max-width: 760px; color: #222; line-height: 1.4; }
        h1 { font-size: 1.35em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px; }
        .tile { background: #f3f5f8; border-radius: 8px; padding: 10px; }
        .tile b { display: block; font-size: 1.6em; }
        figure { margin: 1em 0; } svg { width: 100%; height: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
        th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: start; }
        td:first-child, th:first-child { white-space: nowrap; }
        .scroll { overflow-x: auto; } .note { color: #555; font-size: 0.9em; }
        </style>
        </head>
        <body>
        <h1>\(t("figures.title", ["month": monthName]))</h1>
        <p class="note">\(t("figures.counted", ["counted": String(figures.peopleCounted), "not_counted": String(figures.peopleNotCounted)]))</p>

        """
        page += tiles()
        page += "<h2>\(t("figures.chart.meetings", ["target": String(figures.target)]))</h2>\n" + meetingsChart()
        page += "<h2>\(t("figures.chart.satisfaction"))</h2>\n" + satisfactionChart()
        page += "<h2>\(t("figures.chart.acknowledge"))</h2>\n" + acknowledgeChart()
        page += checkInTable() + pairTable() + supportTable()
        page += "<p class=\"note\">\(t("figures.footer"))</p>\n</body>\n</html>\n"
        return page
    }

    // MARK: - Headline figures

    func tiles() -> String {
        let tiles: [(String, String)] = [
            ("figures.headline.pairs", String(figures.pairs.count)),
            ("figures.headline.meetings", String(figures.meetings)),
            ("figures.headline.at_target", "\(figures.pairsAtTarget) / \(figures.pairs.count)"),
            ("figures.headline.hours", number(figures.hours, digits: 1)),
            ("figures.headline.support", String(figures.support.map(\.requests).reduce(0, +))),
            ("figures.headline.incidents", String(figures.incidents.raised)),
        ]
        return "<div class=\"tiles\">\n" + tiles.map { "<div class=\"tile\"><b>\(escape($0.1))</b>\(t($0.0))</div>" }.joined(separator: "\n")
            + "\n</div>\n"
    }

    // MARK: - Charts

    /// One horizontal bar per pair, with the target as a dashed line.
    func meetingsChart() -> String {
        guard !figures.pairs.isEmpty else { return "<p>\(t("figures.none.pairs"))</p>\n" }
        let (width, label, row) = (360.0, 56.0, 22.0)
        let most = Double(max(figures.pairs.map(\.meetings).max() ?? 0, figures.target, 1))
        let scale = (width - label - 24) / most
        let height = Double(figures.pairs.count) * row + 24
        var svg = svgStart(width: width, height: height, title: t("figures.chart.meetings", ["target": String(figures.target)]))
        for (index, pair) in figures.pairs.enumerated() {
            let y = Double(index) * row + 4
            svg += text(x: label - 4, y: y + 14, escape(pair.pairID), anchor: "end")
            svg += "<rect x=\"\(label)\" y=\"\(fmt(y + 3))\" width=\"\(fmt(max(Double(pair.meetings) * scale, 1)))\" height=\"14\" fill=\"\(Colour.meetings)\"/>\n"
            svg += text(x: label + Double(pair.meetings) * scale + 4, y: y + 14, String(pair.meetings))
        }
        let targetX = label + Double(figures.target) * scale
        svg += "<line x1=\"\(fmt(targetX))\" y1=\"0\" x2=\"\(fmt(targetX))\" y2=\"\(fmt(height - 20))\" stroke=\"\(Colour.target)\" stroke-dasharray=\"4 3\" stroke-width=\"1.5\"/>\n"
        svg += text(x: targetX, y: height - 6, t("figures.legend.target"), anchor: "middle")
        return svg + "</svg></figure>\n"
    }

    /// Mentors' and mentees' mean answer (1 to 4) in each of the last six months.
    func satisfactionChart() -> String {
        let months = figures.satisfactionOverTime
        let (width, height, left, bottom, top) = (360.0, 210.0, 28.0, 40.0, 12.0)
        let step = (width - left - 44) / Double(max(months.count - 1, 1))
        func x(_ index: Int) -> Double { left + 18 + Double(index) * step }
        func y(_ value: Double) -> Double { top + (4 - value) / 3 * (height - top - bottom) }
        var svg = svgStart(width: width, height: height, title: t("figures.chart.satisfaction"))
        for level in 1...4 {
            svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(Double(level))))\" x2=\"\(fmt(width - 4))\" y2=\"\(fmt(y(Double(level))))\" stroke=\"\(Colour.grid)\"/>\n"
            svg += text(x: left - 6, y: y(Double(level)) + 4, String(level), anchor: "end")
        }
        let wording = DateWording(language: language, timeZone: timeZone)
        for (index, month) in months.enumerated() {
            let name = wording.shortMonth(of: month.month.start(in: timeZone).addingTimeInterval(12 * 3600))
            svg += text(x: x(index), y: height - bottom + 16, escape(name), anchor: "middle")
        }
        for (values, colour) in [(months.map(\.mentors), Colour.mentors), (months.map(\.mentees), Colour.mentees)] {
            let points = values.enumerated().compactMap { index, value in value.map { (x(index), y($0)) } }
            if points.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"3\" points=\"\(points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " "))\"/>\n"
            }
            for point in points { svg += "<circle cx=\"\(fmt(point.0))\" cy=\"\(fmt(point.1))\" r=\"4.5\" fill=\"\(colour)\"/>\n" }
        }
        svg += legend(y: height - 8, [(Colour.mentors, t("figures.legend.mentors")), (Colour.mentees, t("figures.legend.mentees"))])
        return svg + "</svg></figure>\n"
    }

    /// One bar per acknowledged incident, in the order raised, with the programme's limit.
    func acknowledgeChart() -> String {
        let incidents = figures.incidents
        guard incidents.raised > 0 else { return "<p>\(t("figures.none.incidents"))</p>\n" }
        var html = "<p>\(t("figures.incidents.summary", ["raised": String(incidents.raised), "acknowledged": String(incidents.acknowledged), "median": number(incidents.medianMinutesToAcknowledge, digits: 0), "longest": number(incidents.longestMinutesToAcknowledge, digits: 0)]))</p>\n"
        guard !incidents.minutesToAcknowledge.isEmpty else { return html }
        let (width, height, left, bottom) = (360.0, 190.0, 36.0, 24.0)
        let limit = acknowledgeWithin / 60
        let most = max(incidents.minutesToAcknowledge.max() ?? 0, limit, 1) * 1.1
        func y(_ minutes: Double) -> Double { (height - bottom) - minutes / most * (height - bottom - 8) }
        let slot = (width - left - 8) / Double(incidents.minutesToAcknowledge.count)
        var svg = svgStart(width: width, height: height, title: t("figures.chart.acknowledge"))
        svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width - 4))\" y2=\"\(fmt(height - bottom))\" stroke=\"\(Colour.target)\"/>\n"
        for (index, minutes) in incidents.minutesToAcknowledge.enumerated() {
            let x = left + Double(index) * slot + slot * 0.15
            // A few seconds still shows as a bar: an incident taken on at once is a bar, not nothing.
            let barHeight = max(height - bottom - y(minutes), 3)
            svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(height - bottom - barHeight))\" width=\"\(fmt(max(slot * 0.7, 2)))\" height=\"\(fmt(barHeight))\" fill=\"\(Colour.acknowledge)\"/>\n"
            if slot >= 18 { svg += text(x: x + slot * 0.35, y: height - bottom - barHeight - 3, number(minutes, digits: 0), anchor: "middle") }
        }
        svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(limit)))\" x2=\"\(fmt(width - 4))\" y2=\"\(fmt(y(limit)))\" stroke=\"\(Colour.target)\" stroke-dasharray=\"4 3\" stroke-width=\"1.5\"/>\n"
        svg += text(x: left - 4, y: y(limit) + 4, number(limit, digits: 0), anchor: "end")
        svg += text(x: left - 4, y: height - bottom + 4, "0", anchor: "end")
        svg += text(x: width - 4, y: height - 6, t("figures.legend.limit", ["minutes": number(limit, digits: 0)]), anchor: "end")
        html += svg + "</svg></figure>\n"
        return html
    }

    // MARK: - Tables

    func checkInTable() -> String {
        var html = "<h2>\(t("figures.section.checkins"))</h2>\n<div class=\"scroll\"><table>\n<tr><th></th><th>\(t("figures.column.sent"))</th><th>\(t("figures.column.answered"))</th><th>\(t("figures.column.satisfaction"))</th><th>\(t("figures.column.progress"))</th><th>\(t("figures.column.change_match"))</th></tr>\n"
        for side in [figures.mentors, figures.mentees] {
            let progress = ["yes", "a_little", "not_yet"].map { String(side.progress[$0, default: 0]) }.joined(separator: " / ")
            html += "<tr><th>\(t("figures.side.\(side.role)"))</th><td>\(side.checkInsSent)</td><td>\(side.checkInsAnswered)</td><td>\(number(side.satisfactionMean, digits: 1))</td><td>\(progress)</td><td>\(side.changeMatchRequests)</td></tr>\n"
        }
        return html + "</table></div>\n"
    }

    func pairTable() -> String {
        guard !figures.pairs.isEmpty else { return "" }
        var html = "<h2>\(t("figures.section.pairs"))</h2>\n<div class=\"scroll\"><table>\n<tr><th>\(t("figures.column.pair"))</th><th>\(t("figures.column.meetings"))</th><th>\(t("figures.column.hours"))</th><th>\(t("figures.column.days_since"))</th><th>\(t("figures.column.length_days"))</th><th>\(t("figures.column.ended"))</th></tr>\n"
        for pair in figures.pairs {
            let ended = pair.endedEarly ? t("figures.ended.early") : pair.endedThisMonth ? t("figures.ended.planned") : ""
            html += "<tr><td>\(escape(pair.pairID))</td><td>\(pair.meetings)</td><td>\(number(pair.hours, digits: 1))</td><td>\(pair.daysSinceLastMeeting.map(String.init) ?? "")</td><td>\(pair.matchLengthDays)</td><td>\(ended)</td></tr>\n"
        }
        return html + "</table></div>\n"
    }

    func supportTable() -> String {
        var html = "<h2>\(t("figures.section.support"))</h2>\n"
        guard !figures.support.isEmpty else { return html + "<p>\(t("figures.none.support"))</p>\n" }
        html += "<div class=\"scroll\"><table>\n<tr><th>\(t("figures.column.area"))</th><th>\(t("figures.column.requests"))</th><th>\(t("figures.column.answered"))</th><th>\(t("figures.column.median_hours"))</th></tr>\n"
        for area in figures.support {
            html += "<tr><td>\(t("option.area.\(area.area)"))</td><td>\(area.requests)</td><td>\(area.answered)</td><td>\(number(area.medianHoursToAnswer, digits: 1))</td></tr>\n"
        }
        return html + "</table></div>\n"
    }

    // MARK: - Drawing helpers

    func svgStart(width: Double, height: Double, title: String) -> String {
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" font-size=\"11\"><title>\(title)</title>\n"
    }

    func text(x: Double, y: Double, _ content: String, anchor: String = "start") -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" text-anchor=\"\(anchor)\" direction=\"ltr\">\(content)</text>\n"
    }

    func legend(y: Double, _ entries: [(colour: String, label: String)]) -> String {
        var svg = ""
        var x = 30.0
        for entry in entries {
            svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y - 9))\" width=\"12\" height=\"10\" fill=\"\(entry.colour)\"/>\n"
            svg += text(x: x + 16, y: y, entry.label)
            x += 110
        }
        return svg
    }

    func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    func number(_ value: Double?, digits: Int) -> String {
        guard let value else { return "–" }
        return String(format: "%.\(digits)f", value)
    }
}

/// Text made safe to put between HTML tags or in an attribute.
func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
