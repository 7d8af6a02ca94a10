import Dialogs
import Foundation

/// What coordinators write in the coordinators' room: a command word in their language (or
/// English) and a pair's reference, such as "pause P-001". Anyone else writing there gets no
/// answer at all, so that trying teaches nothing about the programme.
extension BotCore {
    enum CoordinatorCommand: Equatable {
        case pause(pairID: String)
        case resume(pairID: String)
        case unknownPair(reference: String)
    }

    /// The command in `text`, or nil for ordinary conversation between coordinators.
    func coordinatorCommand(_ text: String, language: String) -> CoordinatorCommand? {
        let words = TextNormalizer.normalize(text).split(separator: " ").map(String.init)
        guard words.count == 2 else { return nil }
        let reference = words[1]
        let pair = roster.pairs.first { TextNormalizer.normalize($0.id) == reference }
        let make: (String) -> CoordinatorCommand
        if localizer.matches(words[0], meaning: "pause_pair", in: language) {
            make = { .pause(pairID: $0) }
        } else if localizer.matches(words[0], meaning: "resume_pair", in: language) {
            make = { .resume(pairID: $0) }
        } else {
            return nil
        }
        return pair.map { make($0.id) } ?? .unknownPair(reference: text.split(separator: " ").last.map(String.init) ?? reference)
    }

    /// Handles a message in the coordinators' room; false if it was not for the bot.
    func receiveInCoordinatorsRoom(_ text: InboundText, _ decision: inout Decision) -> Bool {
        guard text.roomID == decision.state.coordinatorsRoomID, let firstStart = decision.state.firstStartedAt,
              text.sentAt >= firstStart, !decision.state.hasHandled(text.eventID) else { return false }
        guard let coordinator = roster.person(matrixID: text.sender), coordinator.role == .coordinator else { return true }
        let language = language(of: coordinator, in: decision.state)
        guard let command = coordinatorCommand(text.body, language: language) else { return true }
        decision.record(.inboundHandled(eventID: text.eventID))
        let reply: (String, [String: String])
        switch command {
        case .pause(let pairID):
            if !decision.state.pausedPairs.contains(pairID) {
                decision.record(.pairPaused(pairID: pairID, by: coordinator.id, at: text.sentAt))
            }
            reply = ("coordinator.paused", ["pair": pairID])
        case .resume(let pairID):
            if decision.state.pausedPairs.contains(pairID) {
                decision.record(.pairResumed(pairID: pairID, by: coordinator.id, at: text.sentAt))
            }
            reply = ("coordinator.resumed", ["pair": pairID])
        case .unknownPair(let reference):
            reply = ("coordinator.no_pair", ["pair": reference])
        }
        let (body, html) = composer.compose(lines: [localizer.text(reply.0, in: language, reply.1)], in: language)
        decision.record(.messageQueued(OutboxMessage(
            transactionID: decision.nextID("mb-"), target: .coordinatorsRoom, kind: .notice, body: body, html: html)))
        return true
    }
}
