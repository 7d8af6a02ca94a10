import BotModel
import Dialogs
import Foundation
@testable import MentorBotCore
import Rehearsal
import Safeguarding

/// A small programme: one coordinator, a French-speaking mentor and an English-speaking mentee,
/// driven through the pure core with a hand-moved clock.
struct CoreFixture {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let library: DialogLibrary = try! DialogLibrary.load(directory: repoRoot.appendingPathComponent("Dialogs"))
    /// The shipped phrase lists; empty (and a failing ScreeningTests) if one cannot be read.
    static let screener = (try? Screener.load(directory: repoRoot.appendingPathComponent("Dialogs/safety"))) ?? Screener(lists: [:])

    static let bot = "@mentorbot:test"
    static let coordinator = "@coord:test"
    static let mentor = "@mentor:test"
    static let mentee = "@mentee:test"
    static let stranger = "@stranger:test"

    static let configuration = Configuration(
        homeserver: "http://127.0.0.1:1",
        bot: BotAccount(userID: bot, credential: .accessToken(.environment("T")), deviceID: "D"),
        dataDirectory: "/tmp/unused", dialogsDirectory: repoRoot.appendingPathComponent("Dialogs").path,
        coordinatorsRoom: "#coordinators:test",
        programme: Programme(defaultLanguage: "en", timeZone: "Europe/Brussels", cadence: withoutRoutine),
        roster: Roster(
            people: [
                Person(id: "C1", matrixID: coordinator, role: .coordinator, language: "en", timeZone: "Europe/Brussels"),
                Person(id: "M1", matrixID: mentor, role: .mentor, language: "fr", timeZone: "Europe/Brussels"),
                Person(id: "E1", matrixID: mentee, role: .mentee, language: "en", timeZone: "Europe/Brussels"),
            ],
            pairs: [Pair(id: "P-001", mentorID: "M1", menteeID: "E1", startDate: "2026-11-01", endDate: "2028-12-31")]))

    /// No check-ins, quiet-pair invitations or monthly review, and (with the far end date above)
    /// no closure: tests of one feature see only its messages. CadenceTests turn them on.
    static let withoutRoutine = Cadence(mentorFirstCheckIn: nil, menteeCheckInEvery: nil, meetingsPerMonth: 0,
                                        noMeetingAfter: nil, bookNextAfter: nil)

    let core: BotCore
    init(configuration: Configuration = CoreFixture.configuration) {
        core = BotCore(configuration: configuration, library: Self.library, screener: Self.screener)
    }

    /// The same programme where the mentor also has a second mentee, Sam (English), in pair P-002.
    static let secondMentee = "@mentee2:test"
    static var mentorWithTwoMentees: Configuration {
        var configuration = configuration
        configuration.roster.people.append(Person(id: "E2", matrixID: secondMentee, role: .mentee, language: "en",
                                                  timeZone: "Europe/Brussels"))
        configuration.roster.pairs[0].knownAs = "Amal"
        configuration.roster.pairs.append(Pair(id: "P-002", mentorID: "M1", menteeID: "E2", startDate: "2026-11-10", knownAs: "Sam"))
        return configuration
    }

    var state = BotState()
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    private var eventCounter = 0

    /// Handles an input, applies its events, and returns them.
    @discardableResult
    mutating func handle(_ input: Input) -> [DomainEvent] {
        let events = core.handle(input, state: state, now: now)
        for event in events { state.apply(event) }
        return events
    }

    /// Starts the bot and completes all room work, as the shell would.
    mutating func startAndLinkRooms() {
        handle(.started)
        for input in Rehearsal.roomsOpened(for: state.roomRequests) { handle(input) }
        deliverAll()
    }

    /// Marks every queued message as delivered and returns them.
    @discardableResult
    mutating func deliverAll() -> [OutboxMessage] {
        let sent = state.outbox
        for message in sent {
            eventCounter += 1
            handle(.messageDelivered(transactionID: message.transactionID, eventID: "$out\(eventCounter)"))
        }
        return sent
    }

    mutating func nextEventID() -> String {
        eventCounter += 1
        return "$in\(eventCounter)"
    }

    /// Starts, opens rooms, and has the mentor and the mentee answer "1" (yes) to every consent question.
    mutating func startAndConsent() {
        startAndLinkRooms()
        for who in [Self.mentor, Self.mentee, Self.secondMentee] {
            while state.person(who).dialog?.dialogID == "onboarding" { say("1", from: who) }
        }
    }

    /// A catalog message as the person reads it.
    func text(_ key: String, _ language: String, _ parameters: [String: String] = [:]) -> String {
        core.localizer.text(key, in: language, parameters)
    }

    /// A person types `text` in their direct room; returns what the bot sends back.
    @discardableResult
    mutating func say(_ text: String, from sender: String, eventID: String? = nil) -> [OutboxMessage] {
        now += 5
        let id = eventID ?? nextEventID()
        handle(.text(InboundText(eventID: id, roomID: "!dm-\(sender)", sender: sender, body: text, sentAt: now)))
        return deliverAll()
    }
}

extension CoreFixture {
    /// Someone writes in the coordinators' room; returns what the bot sends back.
    @discardableResult
    mutating func sayInCoordinatorsRoom(_ text: String, from sender: String = CoreFixture.coordinator) -> [OutboxMessage] {
        now += 5
        let id = nextEventID()
        handle(.text(InboundText(eventID: id, roomID: "!coordinators", sender: sender, body: text, sentAt: now)))
        return deliverAll()
    }
}

extension [OutboxMessage] {
    var bodies: [String] { map(\.body) }
    func to(_ matrixID: String) -> [OutboxMessage] { filter { $0.target == .person(matrixID: matrixID) } }
    var toCoordinators: [OutboxMessage] { filter { $0.target == .coordinatorsRoom } }
}
