import Foundation

/// A calendar month in the programme's time zone ("2026-11"): what a monthly report covers.
public struct ReportMonth: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(year: Int, month: Int) {
        precondition((1...12).contains(month), "a month is 1 to 12")
        self.year = year
        self.month = month
    }

    /// "2026-11"; anything else is refused with what was expected.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
              (2000...2999).contains(year), (1...12).contains(month)
        else { throw Invalid(description: "\"\(text)\" is not a month; write it as YYYY-MM, for example 2026-11") }
        self.init(year: year, month: month)
    }

    /// The month `instant` falls in, in `zone`.
    public init(containing instant: Date, in zone: TimeZone) {
        let parts = Self.calendar(zone).dateComponents([.year, .month], from: instant)
        self.init(year: parts.year!, month: parts.month!)
    }

    public var description: String { String(format: "%04d-%02d", year, month) }

    /// The first and last days, as ISO days ("2026-11-01", "2026-11-30"), which compare as text.
    public var firstDay: String { description + "-01" }
    public var lastDay: String { String(format: "%@-%02d", description, Self.days(inYear: year, month: month)) }

    public func previous(_ count: Int = 1) -> ReportMonth {
        let index = year * 12 + (month - 1) - count
        return ReportMonth(year: index / 12, month: index % 12 + 1)
    }

    public var next: ReportMonth { previous(-1) }

    /// The instant the month starts, in `zone`.
    public func start(in zone: TimeZone) -> Date {
        Self.calendar(zone).date(from: DateComponents(year: year, month: month, day: 1))!
    }

    /// The instant the next month starts: the month is `start..<end`.
    public func end(in zone: TimeZone) -> Date { next.start(in: zone) }

    public func contains(_ instant: Date, in zone: TimeZone) -> Bool {
        instant >= start(in: zone) && instant < end(in: zone)
    }

    public func contains(day iso: String) -> Bool { iso >= firstDay && iso <= lastDay }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    private static func days(inYear year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
