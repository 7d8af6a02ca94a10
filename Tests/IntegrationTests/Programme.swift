import Dialogs
import Foundation
import MatrixClient
import Testing

/// Every integration test runs one after another: each starts real processes against one
/// homeserver, and on a two-core machine running them at once only measures contention.
@Suite(.serialized) struct IntegrationSuite {}

/// The shipped catalogs, so that tests compare with what the bot is meant to say in each
/// language rather than with copied sentences.
let shippedLibrary: DialogLibrary = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try! DialogLibrary.load(directory: root.appendingPathComponent("Dialogs"))
}()
let shippedText = Localizer(catalogs: shippedLibrary.catalogs, defaultLanguage: "en")

/// A catalog message as its reader sees it, up to its first placeholder: enough to recognise it.
func opening(_ key: String, _ language: String) -> String {
    let text = shippedText.text(key, in: language)
    return String(text[..<(text.firstIndex(of: "{") ?? text.endIndex)])
}

/// The first word people can type for `meaning` in `language` ("bilan", "نعم").
func word(_ meaning: String, _ language: String) -> String {
    shippedLibrary.catalogs[language]?.words[meaning]?.first ?? meaning
}

/// The test programmes' calendar: Europe/Brussels, where the bot counts days and hours.
let brussels: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/Brussels")!
    return calendar
}()

/// `days` after today, then `months` on, at `hour`:00 in Brussels (the order in which the bot
/// counts a check-in: two weeks after the start, then monthly from there).
func brusselsTime(daysFromToday days: Int = 0, thenMonths months: Int = 0, hour: Int) -> Date {
    let first = brussels.date(byAdding: .day, value: days, to: brussels.startOfDay(for: Date()))!
    return brussels.date(bySettingHour: hour, minute: 0, second: 0, of: brussels.date(byAdding: .month, value: months, to: first)!)!
}

/// One programme on the test homeserver: a bot, a coordinator, a mentor (French unless told
/// otherwise) and a mentee (English unless told otherwise), each a real Matrix account, and the
/// bot process configured for them.
struct Programme {
    let homeserver: TestHomeserver
    let bot: TestHomeserver.Account
    let coordinator: ChatParticipant
    let mentor: ChatParticipant
    let mentee: ChatParticipant
    /// A backup coordinator, alerted directly when nobody takes a safety alert on (if asked for).
    let backup: ChatParticipant?
    let process: BotProcess

    init(exemptBot: Bool = true, mentorLanguage: String = "fr", menteeLanguage: String = "en", homeserverURL: String? = nil,
         token: String? = nil, withBackup: Bool = false, monitoringPort: Int? = nil) throws {
        homeserver = try TestHomeserver.current()
        bot = try homeserver.register("bot")
        if exemptBot { try homeserver.exemptFromRateLimits(bot.userID) }
        coordinator = ChatParticipant(try homeserver.register("coord"), homeserver: homeserver)
        mentor = ChatParticipant(try homeserver.register("mentor"), homeserver: homeserver)
        mentee = ChatParticipant(try homeserver.register("mentee"), homeserver: homeserver)
        backup = withBackup ? ChatParticipant(try homeserver.register("backup"), homeserver: homeserver) : nil
        var members: [BotProcess.Member] = [
            .init(id: "C1", userID: coordinator.account.userID, role: "coordinator", language: "en"),
            .init(id: "M1", userID: mentor.account.userID, role: "mentor", language: mentorLanguage),
            .init(id: "E1", userID: mentee.account.userID, role: "mentee", language: menteeLanguage),
        ]
        if let backup { members.append(.init(id: "C2", userID: backup.account.userID, role: "coordinator", language: "en", backup: true)) }
        process = try BotProcess(
            homeserver: homeserver, homeserverURL: homeserverURL, bot: bot, token: token,
            members: members,
            pairs: [("P-001", "M1", "E1")], monitoringPort: monitoringPort)
    }

    /// The greeting and the onboarding up to its first consent question.
    static let welcomeMessages = 6

    /// Starts the bot, opens the mentor's direct room, and answers onboarding "yes" throughout.
    /// Returns the room and how many bot messages the mentor has seen by then.
    func startAndOpenMentorRoom() async throws -> (room: String, seen: Int) {
        try process.start()
        return try await open(mentor)
    }

    /// Accepts the bot's invite and answers every consent question "1" (yes).
    func open(_ participant: ChatParticipant) async throws -> (room: String, seen: Int) {
        let room = try await participant.acceptInvite(from: bot.userID)
        var seen = try await participant.waitForMessages(from: bot.userID, in: room, count: Self.welcomeMessages).count
        for _ in 0..<3 {
            try await participant.say("1", in: room)
            seen += 1
            try await participant.waitForMessages(from: bot.userID, in: room, count: seen)
        }
        return (room, seen)
    }

    /// The coordinator joins the coordinators' room the bot created; returns its id.
    func joinCoordinatorsRoom(_ participant: ChatParticipant) async throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let room = try? await participant.client.join(roomIdOrAlias: process.coordinatorsRoom) { return room }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw TestHomeserver.Missing(description: "\(participant.account.userID) could not join \(process.coordinatorsRoom) within 30 s")
    }

    /// Says `text` and waits for `replies` more bot messages; returns just those.
    func exchange(_ participant: ChatParticipant, in room: String, _ text: String, replies: Int,
                  timeout: Double = 60) async throws -> [String] {
        let before = await participant.bodies(from: bot.userID, in: room).count
        try await participant.say(text, in: room)
        let all = try await participant.waitForMessages(from: bot.userID, in: room, count: before + replies, timeout: timeout)
        return Array(all[before...])
    }

    /// Starts a bot that must refuse to run; returns its exit status and its stderr lines.
    func startExpectingFailure() async throws -> (status: Int32?, lines: [Substring]) {
        try process.start()
        let status = await process.waitForExit(timeout: 20)
        return (status, process.stderr.split(separator: "\n"))
    }

    /// The mentor's answers for a full check-in, and the bot messages each one produces.
    static let frenchCheckIn: [(answer: String, replies: Int)] = [
        ("bilan", 2), ("2", 1), ("3", 1), ("oui", 1), ("1", 1), ("non", 1), ("2", 1), ("non", 1), ("oui", 1),
    ]
}
