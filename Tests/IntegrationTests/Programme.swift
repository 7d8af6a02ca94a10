import Foundation
import MatrixClient
import Testing

/// Every integration test runs one after another: each starts real processes against one
/// homeserver, and on a two-core machine running them at once only measures contention.
@Suite(.serialized) struct IntegrationSuite {}

/// One programme on the test homeserver: a bot, a coordinator, a French-speaking mentor and an
/// English-speaking mentee, each a real Matrix account, and the bot process configured for them.
struct Programme {
    let homeserver: TestHomeserver
    let bot: TestHomeserver.Account
    let coordinator: ChatParticipant
    let mentor: ChatParticipant
    let mentee: ChatParticipant
    let process: BotProcess

    init(exemptBot: Bool = true, mentorLanguage: String = "fr", homeserverURL: String? = nil, token: String? = nil) throws {
        homeserver = try TestHomeserver.current()
        bot = try homeserver.register("bot")
        if exemptBot { try homeserver.exemptFromRateLimits(bot.userID) }
        coordinator = ChatParticipant(try homeserver.register("coord"), homeserver: homeserver)
        mentor = ChatParticipant(try homeserver.register("mentor"), homeserver: homeserver)
        mentee = ChatParticipant(try homeserver.register("mentee"), homeserver: homeserver)
        process = try BotProcess(
            homeserver: homeserver, homeserverURL: homeserverURL, bot: bot, token: token,
            members: [
                .init(id: "C1", userID: coordinator.account.userID, role: "coordinator", language: "en"),
                .init(id: "M1", userID: mentor.account.userID, role: "mentor", language: mentorLanguage),
                .init(id: "E1", userID: mentee.account.userID, role: "mentee", language: "en"),
            ],
            pairs: [("P-001", "M1", "E1")])
    }

    /// Starts the bot and waits until the mentor has joined the bot's direct room and seen the greeting.
    func startAndOpenMentorRoom() async throws -> String {
        try process.start()
        let room = try await mentor.acceptInvite(from: bot.userID)
        try await mentor.waitForMessages(from: bot.userID, in: room, count: 1)
        return room
    }

    /// Starts a bot that must refuse to run; returns its exit status and its stderr lines.
    func startExpectingFailure() async throws -> (status: Int32?, lines: [Substring]) {
        try process.start()
        let status = await process.waitForExit(timeout: 20)
        return (status, process.stderr.split(separator: "\n"))
    }

    /// The mentor's answers for a full check-in, and the bot messages each one produces.
    static let frenchCheckIn: [(answer: String, replies: Int)] = [
        ("bilan", 2), ("2", 1), ("3", 1), ("oui", 1), ("1", 1), ("2", 1), ("non", 1), ("oui", 1),
    ]
}
