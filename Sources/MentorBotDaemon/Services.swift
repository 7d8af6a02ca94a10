import BotModel
import Foundation
import Logging
import MatrixClient
import MentorBotCore
import ServiceLifecycle

// The daemon's parts as services of one ServiceGroup (swift-service-lifecycle). The group starts
// them in the order `Daemon` lists them and, on a stop signal or when one of them fails, shuts
// them down gracefully in reverse: first the stop-signal watch and the sync long-poll, then the
// outbox and the room work, the clock, and last the runtime, which writes its final snapshot
// once nothing can hand it another input.

/// Runs `work` until the group shuts down, which cancels it (a /sync long-poll or a send in
/// flight is aborted within a second). Being cancelled is how a worker ends, not an error.
func untilShutdown(_ work: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await cancelWhenGracefulShutdown(work)
    } catch is CancellationError {
        return
    }
}

/// Tells the core that time passed: due jobs run, unanswered questions time out, old dialogs close.
struct Ticker: Service {
    let runtime: BotRuntime
    /// A tick costs almost nothing when no job is due (the jobs are sorted), and a scheduled
    /// reminder must go out within a second of its time.
    static let interval: Duration = .seconds(1)

    func run() async throws {
        try await untilShutdown {
            while true {
                try await Task.sleep(for: Self.interval)
                try await runtime.process(.tick)
            }
        }
    }
}

/// `programme.retention`: once an hour (and at start), the people whose pairs ended longer ago
/// than the programme keeps data are erased from every file, and the coordinators told which
/// pairs (references only). Each erasure is in the audit log, by "retention".
struct RetentionService: Service {
    let runtime: BotRuntime
    let logger: Logger
    static let interval: Duration = .seconds(3_600)

    func run() async throws {
        try await untilShutdown {
            while true {
                try await purge()
                try await Task.sleep(for: Self.interval)
            }
        }
    }

    func purge() async throws {
        let due = await runtime.retentionDue()
        guard !due.isEmpty else { return }
        let roster = await runtime.core.configuration.roster
        for person in due {
            let erasure = try await runtime.erase(person, audit: AuditEntry(action: "erase", subject: person.id, by: "retention", at: Date()))
            logger.notice("retention: a person's data was erased", metadata: ["person": "\(person.id)", "erased": "\(erasure.summary)"])
        }
        let pairs = Set(due.flatMap { roster.pairs(of: $0).map(\.id) }).sorted()
        try await runtime.process(.purged(pairIDs: pairs))
    }
}

/// Erasures a coordinator confirmed in the coordinators' room ("erase E12", then "yes"): carried
/// out on every file as soon as the confirmation is written, audited "by" that coordinator, and
/// reported back in the room.
struct ConfirmedErasureService: Service {
    let runtime: BotRuntime
    let logger: Logger

    func run() async throws {
        try await untilShutdown {
            for await _ in await runtime.changes() {
                try await eraseConfirmed()
            }
        }
    }

    func eraseConfirmed() async throws {
        for (person, by) in await runtime.erasuresConfirmed() {
            let erasure = try await runtime.erase(person, audit: AuditEntry(action: "erase", subject: person.id, by: by, at: Date()))
            logger.notice("a coordinator had a person's data erased", metadata: [
                "person": "\(person.id)", "by": "\(by)", "erased": "\(erasure.summary)",
            ])
            try await runtime.process(.erased(personID: person.id, by: by))
        }
    }
}

/// Holds the runtime open until the group shuts down, then lets it write what was decided and a
/// final snapshot (which only shortens the next start: everything acted upon is journaled).
struct RuntimeService: Service {
    let runtime: BotRuntime

    func run() async throws {
        try? await gracefulShutdown()
        await runtime.finish()
    }
}

/// Ends the group when SIGTERM or SIGINT arrives. The watcher is made first thing in the process,
/// before the configuration, the phrase lists and the model load (a minute the first time), so a
/// stop signal in that time is kept and ends the daemon cleanly as soon as the group runs; the
/// group's own signal handling would only start then, and the signal would have killed the process.
struct StopSignalService: Service {
    let watcher: SignalWatcher
    let logger: Logger

    func run() async throws {
        try await untilShutdown {
            await watcher.wait()
            guard !Task.isCancelled else { return }
            logger.info("stop signal received: shutting down")
        }
    }
}

/// Marks each handled message as read, so that a person sees their message arrived even when the
/// answer takes a moment. Best effort: a receipt that fails is not retried beyond the client's own
/// retries, and none is sent before the message's decision is on disk.
struct ReadReceipts: Service {
    struct Receipt: Sendable {
        var roomID: String
        var eventID: String
    }

    let client: MatrixClient
    let logger: Logger
    private let receipts: AsyncStream<Receipt>
    private let continuation: AsyncStream<Receipt>.Continuation

    init(client: MatrixClient, logger: Logger) {
        self.client = client
        self.logger = logger
        (receipts, continuation) = AsyncStream.makeStream(of: Receipt.self)
    }

    func markRead(_ eventID: String, in roomID: String) {
        continuation.yield(Receipt(roomID: roomID, eventID: eventID))
    }

    func run() async throws {
        let receipts = self.receipts, client = self.client, logger = self.logger
        try await untilShutdown {
            for await receipt in receipts {
                do {
                    try await client.sendReadReceipt(roomId: receipt.roomID, eventId: receipt.eventID)
                } catch let error as MatrixError {
                    logger.debug("read receipt not sent", metadata: ["room": "\(receipt.roomID)", "error": "\(error)"])
                }
            }
        }
    }
}
