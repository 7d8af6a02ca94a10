import BotModel
import Foundation
import Logging
import MatrixClient
import MentorBotCore
import ServiceLifecycle

/// Sends queued messages, each with the transaction id it was journaled with, and records the
/// delivery. Up to `inFlight` messages are on their way at once, to different rooms; which one
/// goes next is `OutboxSchedule`'s choice (safety first, then room by room in turn).
/// Retryable failures (rate limits, server errors, network) are retried by the client until they
/// succeed: a message is never dropped. Only a permanent refusal (e.g. the person left the room)
/// abandons a message, and that is journaled and logged.
struct OutboxWorker: Service {
    let client: MatrixClient
    let runtime: BotRuntime
    let logger: Logger
    /// As many as the client's request lanes carry at once.
    var inFlight: Int { client.parallelRequests }

    private enum Wake: Sendable {
        case changed
        case delivered(transactionID: String)
        case failed(any Error)
    }

    func run() async throws { try await untilShutdown { try await send() } }

    func send() async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let changes = await runtime.changes()
            group.addTask {
                for await _ in changes { wake.yield(.changed) }
            }
            /// Transaction id → room, for the messages on their way.
            var sending: [String: String] = [:]
            var lastServed: [String: Int] = [:]
            var turn = 0
            for await event in wakes {
                switch event {
                case .changed: break
                case .delivered(let transactionID): sending[transactionID] = nil
                case .failed(let error):
                    group.cancelAll()
                    throw error
                }
                while sending.count < inFlight, !Task.isCancelled,
                      let (message, roomID) = await runtime.nextSendable(sending: sending, lastServed: lastServed) {
                    sending[message.transactionID] = roomID
                    turn += 1
                    lastServed[roomID] = turn
                    group.addTask {
                        do {
                            try await deliver(message, in: roomID)
                            wake.yield(.delivered(transactionID: message.transactionID))
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
            if let attachment = message.attachment {
                let url = try await client.upload(attachment.data, contentType: attachment.mimeType, fileName: message.body)
                content.file = MessageContent.File(url: url, mimeType: attachment.mimeType, size: attachment.data.count)
                content.html = nil
            }
            let eventID = try await client.send(roomId: roomID, txnId: message.transactionID, content: content)
            BotMetrics.messagesOut.increment()
            try await runtime.process(.messageDelivered(transactionID: message.transactionID, eventID: eventID))
        } catch let error as MatrixError where error.isPermanent {
            logger.warning("message abandoned by the homeserver", metadata: [
                "txn": "\(message.transactionID)", "room": "\(roomID)", "error": "\(error)",
            ])
            try await runtime.process(.messageRejected(transactionID: message.transactionID, reason: error.summary))
        }
    }
}
