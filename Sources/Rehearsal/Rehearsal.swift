import BotModel
import Dialogs
import Foundation
import MentorBotCore
import Safeguarding

/// The real core, played in memory without a homeserver: a coordinator, a mentor and a mentee
/// in one pair, a clock that moves only when told, and a transcript of everything each of them
/// would receive. Dialog authors use it through `mentorbot play`; golden transcripts use it to
/// pin every dialog in several languages.
public struct Rehearsal {
    public static let coordinator = "@coordinator:rehearsal"
    public static let mentor = "@mentor:rehearsal"
    public static let mentee = "@mentee:rehearsal"
    /// Monday 23 November 2026, 10:00 in Brussels: fixed, so "friday" always means the same day.
    public static let defaultStart = Date(timeIntervalSince1970: 1_795_424_400)

    public let core: BotCore
    /// The programme's time zone, in which `:until` times are read and transcripts show times.
    public var zone: TimeZone { core.programmeZone }
    public private(set) var state = BotState()
    public private(set) var now: Date
    private var eventCounter = 0
    private var lastQuestionEvent: [String: String] = [:]

    public init(library: DialogLibrary, screener: Screener, mentorLanguage: String, menteeLanguage: String, programmeLanguage: String = "en",
                timeZone: String = "Europe/Brussels", start: Date = Rehearsal.defaultStart) {
        let configuration = Configuration(
            homeserver: "http://rehearsal.invalid",
            bot: BotAccount(userID: "@mentorbot:rehearsal", credential: .accessToken(.environment("UNUSED")), deviceID: "R"),
            dataDirectory: "", dialogsDirectory: "", coordinatorsRoom: "#coordinators:rehearsal",
            programme: Programme(defaultLanguage: programmeLanguage, timeZone: timeZone),
            roster: Roster(
                people: [
                    Person(id: "C1", matrixID: Self.coordinator, role: .coordinator, language: programmeLanguage, timeZone: timeZone),
                    Person(id: "M1", matrixID: Self.mentor, role: .mentor, language: mentorLanguage, timeZone: timeZone),
                    Person(id: "E1", matrixID: Self.mentee, role: .mentee, language: menteeLanguage, timeZone: timeZone),
                ],
                // Matched on the rehearsal's first day, so that its cadence starts there too.
                pairs: [Pair(id: "P-001", mentorID: "M1", menteeID: "E1", startDate: "2026-11-23")]))
        core = BotCore(configuration: configuration, library: library, screener: screener)
        now = start
    }

    /// Starts the bot and opens every room, as the daemon would; returns what everyone received.
    public mutating func start() -> [Line] {
        handle(.started)
        for input in Self.roomsOpened(for: state.roomRequests) { handle(input) }
        return deliver()
    }

    /// What the shell would report once it has created every direct room ("!dm-<matrix id>") and
    /// the coordinators' room ("!coordinators").
    public static func roomsOpened(for requests: [RoomRequest]) -> [Input] {
        requests.compactMap { request in
            switch request.action {
            case .createDirectRoom(let who): .roomRequestSucceeded(requestID: request.id, roomID: "!dm-\(who)")
            case .joinCoordinatorsRoom: .roomRequestSucceeded(requestID: request.id, roomID: "!coordinators")
            default: nil
            }
        }
    }

    public mutating func say(_ text: String, as who: String) -> [Line] {
        eventCounter += 1
        handle(.text(InboundText(eventID: "$in\(eventCounter)", roomID: "!dm-\(who)", sender: who, body: text, sentAt: now)))
        return deliver()
    }

    /// A reaction (e.g. "2️⃣") to the last question this person was asked.
    public mutating func react(_ key: String, as who: String) -> [Line] {
        eventCounter += 1
        handle(.reaction(InboundReaction(eventID: "$in\(eventCounter)", roomID: "!dm-\(who)", sender: who,
                                         relatesTo: lastQuestionEvent[who] ?? "", key: key, sentAt: now)))
        return deliver()
    }

    /// Starts any dialog directly (also those no word starts, like meeting_confirm), as the core would.
    public mutating func begin(_ dialogID: String, as who: String, parameters: [String: String] = [:]) -> [Line] {
        guard let person = core.configuration.roster.person(matrixID: who) else { return [] }
        for event in core.starting(dialogID, for: person, state: state, now: now, parameters: parameters) { state.apply(event) }
        return deliver()
    }

    /// Answers the onboarding "yes" to everything for the mentor and the mentee, so that a
    /// rehearsal of another dialog can start straight away. Returns nothing: it is set-up.
    public mutating func consentToEverything() {
        for who in [Self.mentor, Self.mentee] {
            for _ in 0..<BotCore.consentPurposes.count where state.person(who).dialog?.dialogID == "onboarding" {
                _ = say("yes", as: who)
            }
        }
    }

    /// Moves the clock and lets the core see the time pass.
    public mutating func wait(_ seconds: TimeInterval) -> [Line] {
        now = now.addingTimeInterval(seconds)
        handle(.tick)
        return deliver()
    }

    /// Lets time pass up to `target` as the daemon would see it: a tick at each hour and at each
    /// moment a job is due. Returns what everyone received, each with the time it was sent.
    public mutating func run(until target: Date) -> [Line] {
        var received: [Line] = []
        while now < target {
            var next = min(target, now.addingTimeInterval(3_600))
            if let due = state.nextJob?.dueAt, due > now, due < next { next = due }
            let sentAt = next
            received += wait(next.timeIntervalSince(now)).map { line in
                var line = line
                line.sentAt = sentAt
                return line
            }
        }
        return received
    }

    /// One message someone received.
    public struct Line: Equatable, Sendable {
        /// "mentor", "mentee", "coordinator" or "coordinators' room".
        public var recipient: String
        public var body: String
        public var notifies: [String]
        /// Set when time was run forward (`:until`), so that a transcript shows when each went out.
        public var sentAt: Date?
    }

    private mutating func handle(_ input: Input) {
        for event in core.handle(input, state: state, now: now) { state.apply(event) }
    }

    /// Marks every queued message delivered, as the outbox would, and returns them in order.
    private mutating func deliver() -> [Line] {
        var lines: [Line] = []
        while let message = state.outbox.first {
            eventCounter += 1
            let eventID = "$out\(eventCounter)"
            if let who = message.questionFor { lastQuestionEvent[who] = eventID }
            lines.append(Line(recipient: Self.name(of: message.target), body: message.body,
                              notifies: message.mentions.map(Self.name(ofMatrixID:))))
            handle(.messageDelivered(transactionID: message.transactionID, eventID: eventID))
        }
        return lines
    }

    static func name(of target: OutboxMessage.Target) -> String {
        switch target {
        case .person(let matrixID): name(ofMatrixID: matrixID)
        case .coordinatorsRoom: "coordinators' room"
        case .room(let id): id
        }
    }

    static func name(ofMatrixID matrixID: String) -> String {
        [coordinator: "coordinator", mentor: "mentor", mentee: "mentee"][matrixID] ?? matrixID
    }

    public static func matrixID(of name: String) -> String? {
        ["coordinator": coordinator, "mentor": mentor, "mentee": mentee][name]
    }
}

/// Plays a rehearsal script: lines like `mentor: 2`, `mentee: :react 1️⃣`, `mentor: :begin closure`,
/// `:wait 2d`, `:consent` (both say yes to every onboarding question, silently) and `# comments`. Returns the transcript as text, one block per input, so that it can be read by
/// a person and compared as a golden file.
public enum RehearsalScript {
    public struct Problem: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func play(_ script: String, on rehearsal: inout Rehearsal, echo: ((String) -> Void)? = nil) throws -> String {
        var out = ""
        func emit(_ text: String) {
            out += text
            echo?(text)
        }
        emit(render(rehearsal.start(), after: "(the bot starts)"))
        for (index, raw) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            emit(render(try step(line, number: index + 1, &rehearsal), after: line, zone: rehearsal.zone))
        }
        return out
    }

    public static func step(_ line: String, number: Int, _ rehearsal: inout Rehearsal) throws -> [Rehearsal.Line] {
        if line == ":consent" {
            rehearsal.consentToEverything()
            return []
        }
        if line.hasPrefix(":until ") {
            guard let target = localTime(String(line.dropFirst(7)), in: rehearsal.zone), target >= rehearsal.now else {
                throw Problem(line: number, message: "\":until\" takes a local time like 2026-12-07 10:00, not before the current one")
            }
            return rehearsal.run(until: target)
        }
        if line.hasPrefix(":wait ") {
            guard let seconds = duration(String(line.dropFirst(6))) else {
                throw Problem(line: number, message: "\":wait\" takes a duration like 30m, 48h or 7d")
            }
            return rehearsal.wait(seconds)
        }
        guard let colon = line.firstIndex(of: ":"), let who = Rehearsal.matrixID(of: String(line[..<colon])) else {
            throw Problem(line: number, message: "write \"mentor: text\", \"mentee: text\", \"coordinator: text\", \":wait 2d\" or \":consent\"")
        }
        let text = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if text.hasPrefix(":react ") { return rehearsal.react(String(text.dropFirst(7)), as: who) }
        if text.hasPrefix(":begin ") { return rehearsal.begin(String(text.dropFirst(7)), as: who) }
        return rehearsal.say(text, as: who)
    }

    /// "2026-12-07 10:00" in the rehearsal's time zone.
    static func localTime(_ text: String, in zone: TimeZone) -> Date? {
        let numbers = text.split(whereSeparator: { " -:".contains($0) }).compactMap { Int($0) }
        guard numbers.count == 5 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3], minute: numbers[4]))
    }

    /// Times in transcripts: the same in every language, so that transcripts compare across them.
    static func stamp(_ date: Date, in zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = "EEE d MMM yyyy HH:mm"
        return formatter.string(from: date)
    }

    static func duration(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()) else { return nil }
        return amount * unit
    }

    public static func render(_ lines: [Rehearsal.Line], after input: String, zone: TimeZone = .gmt) -> String {
        var text = "> \(input)\n"
        for line in lines {
            let ping = line.notifies.isEmpty ? "" : " (notifies \(line.notifies.joined(separator: ", ")))"
            let time = line.sentAt.map { " · \(stamp($0, in: zone))" } ?? ""
            text += "  [\(line.recipient)\(ping)\(time)]\n"
            text += line.body.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)\n" }.joined()
        }
        return text
    }
}
