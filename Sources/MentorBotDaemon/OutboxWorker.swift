import Foundation
import Logging
import MatrixClient
import MentorBotCore

/// Sends queued messages, each with the transaction id it was journaled with, and records the
/// delivery. Up to `inFlight` messages are on their way at once, to different rooms; which one
/// goes next is `OutboxSchedule`'s choice (safety first, then room by room in turn).
/// Retryable failures (rate limits, server errors, network) are retried by the client until they
/// succeed: a message is never dropped. Only a permanent refusal (e.g. the person left the room)
/// abandons a message, and that is journaled and logged.
struct OutboxWorker {
    let client: MatrixClient
    let runtime: BotRuntime
    let logger: Logger
    /// No more than the client's parallel request lanes can carry.
    var inFlight = 4

    private enum Wake: Sendable {
        case changed
        case delivered(roomID: String)
        case failed(any Error)
    }

    func run() async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let changes = await runtime.changes()
            group.addTask {
                for await _ in changes { wake.yield(.changed) }
            }
            var busy: Set<String> = []
            var lastServed: [String: Int] = [:]
            var turn = 0
            for await event in wakes {
                switch event {
                case .changed: break
                case .delivered(let roomID): busy.remove(roomID)
                case .failed(let error):
                    group.cancelAll()
                    throw error
                }
                while busy.count < inFlight, !Task.isCancelled,
                      let (message, roomID) = await runtime.nextSendable(busyRooms: busy, lastServed: lastServed) {
                    busy.insert(roomID)
                    turn += 1
                    lastServed[roomID] = turn
                    group.addTask {
                        do {
                            try await deliver(message, in: roomID)
                            wake.yield(.delivered(roomID: roomID))
                        } catch {
                            wake.yield(.failed(error))
                        }
                    }
                }
            }
            group.cancelAll()
        }
    }

    func deliver(_ message: OutboxMessage, in roomID: String) async throws {
        var content = MessageContent(kind: message.kind == .notice ? .notice : .text, body: message.body, html: message.html)
        content.mentions = message.mentions
        do {
            let eventID = try await client.send(roomId: roomID, txnId: message.transactionID, content: content)
            try await runtime.process(.messageDelivered(transactionID: message.transactionID, eventID: eventID))
        } catch let error as MatrixError where error.isPermanent {
            logger.warning("message abandoned by the homeserver", metadata: [
                "txn": "\(message.transactionID)", "room": "\(roomID)", "error": "\(error)",
            ])
            try await runtime.process(.messageRejected(transactionID: message.transactionID, reason: error.summary))
        }
    }
}
