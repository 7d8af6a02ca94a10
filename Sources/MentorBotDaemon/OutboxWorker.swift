import Foundation
import Logging
import MatrixClient
import MentorBotCore

/// Sends queued messages in order, each with the transaction id it was journaled with, and
/// records the delivery. Retryable failures (rate limits, server errors, network) are retried
/// by the client until they succeed: a message is never dropped. Only a permanent refusal
/// (e.g. the person left the room) abandons a message, and that is journaled and logged.
struct OutboxWorker {
    let client: MatrixClient
    let runtime: BotRuntime
    let logger: Logger

    func run() async throws {
        for await _ in await runtime.changes() {
            while !Task.isCancelled, let (message, roomID) = await runtime.nextSendable(skipping: []) {
                try await deliver(message, in: roomID)
            }
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
