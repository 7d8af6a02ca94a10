import Foundation
import Logging
import MatrixClient
import MentorBotCore

/// Long-polls /sync and feeds what it sees to the runtime, in order. The sync position is
/// stored only after the whole batch has been handled and journaled, so a crash replays the
/// batch and the core's memory of handled event ids makes the replay change nothing.
struct SyncWorker {
    let client: MatrixClient
    let runtime: BotRuntime
    let botUserID: String
    let logger: Logger
    static let pollTimeoutMs = 30_000

    func run() async throws {
        let filter = SyncFilter.json(timelineLimit: 50)
        while !Task.isCancelled {
            let since = await runtime.state.syncToken
            let response = try await client.sync(since: since, filter: filter, timeoutMs: since == nil ? 0 : Self.pollTimeoutMs)
            // On the very first sync everything in the timelines predates the bot: history, never commands.
            let isFirstSync = since == nil
            for input in inputs(from: response, includeTimelines: !isFirstSync) {
                try await runtime.process(input)
            }
            try await runtime.process(.syncCompleted(nextBatch: response.nextBatch))
        }
    }

    func inputs(from response: SyncResponse, includeTimelines: Bool) -> [Input] {
        var inputs: [Input] = []
        for (roomID, room) in response.invitedRooms.sorted(by: { $0.key < $1.key }) {
            if let inviter = room.inviter(of: botUserID) { inputs.append(.invited(roomID: roomID, inviter: inviter)) }
        }
        guard includeTimelines else { return inputs }
        for (roomID, room) in response.joinedRooms.sorted(by: { $0.key < $1.key }) {
            for event in room.timelineEvents where event.sender != botUserID {
                let sentAt = Date(timeIntervalSince1970: Double(event.originServerTs) / 1000)
                if let text = TextMessage(event: event) {
                    inputs.append(.text(InboundText(eventID: event.eventId, roomID: roomID, sender: event.sender,
                                                    body: text.plainReplyText, sentAt: sentAt)))
                } else if let reaction = Reaction(event: event) {
                    inputs.append(.reaction(InboundReaction(eventID: event.eventId, roomID: roomID, sender: event.sender,
                                                            relatesTo: reaction.relatesTo, key: reaction.key, sentAt: sentAt)))
                }
            }
        }
        return inputs
    }
}
