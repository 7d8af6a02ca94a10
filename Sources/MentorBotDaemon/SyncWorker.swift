import BotModel
import DedicatedThread
import Foundation
import Logging
import MatrixClient
import MentorBotCore
import Safeguarding
import ServiceLifecycle

/// Long-polls /sync and feeds what it sees to the runtime, in order. The sync position is
/// stored only after the whole batch has been handled and journaled, so a crash replays the
/// batch and the core's memory of handled event ids makes the replay change nothing.
struct SyncWorker: Service {
    let client: MatrixClient
    let runtime: BotRuntime
    let botUserID: String
    let logger: Logger
    /// The semantic layer of the screening, when its model is loaded.
    var semantic: SemanticScreening? = nil
    /// Where handled messages are marked read.
    var receipts: ReadReceipts? = nil
    static let pollTimeoutMs = 30_000

    func run() async throws { try await untilShutdown { try await poll() } }

    func poll() async throws {
        let filter = SyncFilter.json(timelineLimit: 50)
        var unreadable = 0
        while !Task.isCancelled {
            let since = await runtime.state.syncToken
            var response: SyncResponse
            do {
                response = try await client.sync(since: since, filter: filter, timeoutMs: since == nil ? 0 : Self.pollTimeoutMs)
                unreadable = 0
            } catch let error as MatrixError where error.isUnreadableAnswer || error.isPermanent {
                // Not a /sync answer (a proxy's error page, a redirect, an answer too big to
                // read): the daemon stays up and tries again; the next may be fine.
                unreadable += 1
                let wait = min(60, 5 * pow(2, Double(min(unreadable - 1, 4))))
                logger.error("the homeserver's /sync answer could not be read; trying again", metadata: [
                    "error": "\(error.summary)", "wait": "\(Int(wait))",
                ])
                try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
                continue
            }
            for skipped in response.skipped {
                logger.warning("skipped an event of a /sync answer that could not be read", metadata: ["event": "\(skipped)"])
            }
            if let since { try await fillGaps(in: &response, since: since) }
            await watchCoordinatorsRoom(response)
            // On the very first sync everything in the timelines predates the bot: history, never commands.
            let isFirstSync = since == nil
            var inputs: [Input] = []
            let screening = await runtime.screeningNow
            for input in SyncInputs.inputs(from: response, botUserID: botUserID, includeTimelines: !isFirstSync) {
                inputs.append(await semantic?.read(input, for: screening) ?? input)
            }
            // The batch and its sync position are decided in order and written together, after
            // everything in it: a crash replays the batch, and the handled event ids make that change nothing.
            try await runtime.process(inputs + [.syncCompleted(nextBatch: response.nextBatch)])
            await runtime.noteSynced()
            BotMetrics.messagesIn.increment(by: inputs.filter { if case .text = $0 { true } else { false } }.count)
            BotMetrics.skippedEvents.increment(by: response.skipped.count)
            // Handled and on disk: the last message of each room is marked read.
            var lastInRoom: [String: String] = [:]
            for input in inputs {
                switch input {
                case .text(let text): lastInRoom[text.roomID] = text.eventID
                case .reaction(let reaction): lastInRoom[reaction.roomID] = reaction.eventID
                default: break
                }
            }
            for (roomID, eventID) in lastInRoom.sorted(by: { $0.key < $1.key }) { receipts?.markRead(eventID, in: roomID) }
        }
    }
}

extension SyncWorker {
    /// Someone who is not a coordinator in the coordinators' room stops every post there until
    /// they are gone (the runtime holds the messages), and says so at the loudest level.
    func watchCoordinatorsRoom(_ response: SyncResponse) async {
        guard let roomID = await runtime.state.coordinatorsRoomID,
              let room = response.joinedRooms[roomID] else { return }
        for change in room.membershipChanges {
            guard await runtime.coordinatorsRoomMember(change.matrixID, isIn: change.isIn) else { continue }
            if change.isIn {
                logger.critical("COORDINATORS' ROOM HAS A STRANGER: nothing is posted there until they are gone; \(CoordinatorsRoomCheck.strangersFix)")
            } else {
                logger.notice("the coordinators' room holds only coordinators again: posting there resumes")
            }
        }
    }

    /// At most this many events are fetched to fill one room's gap: a burst bigger than that (a
    /// flood) loses its oldest messages, and says so in the log.
    static let gapLimit = 1_000

    /// A `limited` timeline skipped what happened between the last sync and its first event (a
    /// burst of messages, or a long outage): those events are fetched from /messages and put
    /// before it, so that no message, "sos" included, is missed.
    func fillGaps(in response: inout SyncResponse, since: String) async throws {
        for (roomID, room) in response.joinedRooms where room.limited {
            guard var from = room.previousBatch else { continue }
            var missed: [ClientEvent] = []
            while missed.count < Self.gapLimit {
                let page = try await client.messagesBefore(roomId: roomID, from: from, to: since, limit: 100,
                                                           filter: SyncFilter.roomEventsJSON)
                missed += page.chunk
                guard let end = page.end, !page.chunk.isEmpty else { break }
                from = end
            }
            if missed.count >= Self.gapLimit {
                logger.warning("a room's gap was larger than what is fetched; the oldest events are skipped",
                               metadata: ["room": "\(roomID)", "fetched": "\(missed.count)"])
            }
            let known = Set(room.timelineEvents.map(\.eventId))
            response.joinedRooms[roomID]?.timelineEvents = missed.reversed().filter { !known.contains($0.eventId) } + room.timelineEvents
        }
    }
}

/// What a /sync answer means to the core, in order: invites first (by room), then for each joined
/// room what the batch says about the room itself (members, encryption, who left), then its texts
/// (not notices), edits and reactions from anyone but the bot itself. Pure, so it is tested
/// without a homeserver.
enum SyncInputs {
    static func inputs(from response: SyncResponse, botUserID: String, includeTimelines: Bool) -> [Input] {
        var inputs: [Input] = []
        for (roomID, room) in response.invitedRooms.sorted(by: { $0.key < $1.key }) {
            if let inviter = room.inviter(of: botUserID) { inputs.append(.invited(roomID: roomID, inviter: inviter)) }
        }
        // Put out of a room (kicked, banned): it is no one's direct room any more.
        for (roomID, room) in response.leftRooms.sorted(by: { $0.key < $1.key }) where room.departures.contains(botUserID) {
            inputs.append(.memberLeft(roomID: roomID, matrixID: botUserID))
        }
        for (roomID, room) in response.joinedRooms.sorted(by: { $0.key < $1.key }) {
            // Before the room's texts: whether the room is one the bot may talk in is decided first.
            if room.memberCount != nil || room.isEncrypted {
                inputs.append(.roomObserved(RoomObservation(roomID: roomID, members: room.memberCount, encrypted: room.isEncrypted)))
            }
            for matrixID in room.departures { inputs.append(.memberLeft(roomID: roomID, matrixID: matrixID)) }
            if let replacement = room.replacementRoom { inputs.append(.roomUpgraded(roomID: roomID, replacement: replacement)) }
            guard includeTimelines else { continue }
            for event in room.timelineEvents where event.sender != botUserID {
                let sentAt = Date(timeIntervalSince1970: Double(event.originServerTs) / 1000)
                // m.notice is what bots send; the specification says never to answer one (two
                // bots answering each other would never stop).
                if let text = TextMessage(event: event), text.msgtype != "m.notice" {
                    inputs.append(.text(InboundText(eventID: event.eventId, roomID: roomID, sender: event.sender,
                                                    body: text.plainReplyText, sentAt: sentAt)))
                } else if let edit = Edit(event: event) {
                    inputs.append(.edited(InboundEdit(eventID: event.eventId, roomID: roomID, sender: event.sender,
                                                      replaces: edit.replaces, body: edit.body, sentAt: sentAt)))
                } else if let reaction = Reaction(event: event) {
                    inputs.append(.reaction(InboundReaction(eventID: event.eventId, roomID: roomID, sender: event.sender,
                                                            relatesTo: reaction.relatesTo, key: reaction.key, sentAt: sentAt)))
                }
            }
        }
        return inputs
    }
}

/// Runs the semantic layer on inbound texts before they reach the core, on a thread of its own:
/// the model takes tens of milliseconds a message and must not hold up Swift's few cooperative
/// threads. Its cost per message is bounded (SemanticScreener reads at most three windows and eight pieces).
final class SemanticScreening: Sendable {
    private let screener: SemanticScreener
    private let thread = DedicatedThread(name: "semantic-screening")

    init(screener: SemanticScreener) {
        self.screener = screener
    }

    /// The engine starts worker threads of its own (OpenMP) from the thread that calls it, and they
    /// inherit its signal mask. SIGTERM and SIGINT are ignored and read through a dispatch source
    /// (SignalWatcher): a thread that does not block them can take one and drop it, and the daemon
    /// would never stop. So the threads that call the engine block them first.
    static func leaveStopSignalsToTheDaemon() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, number) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// The input with the semantic layer's reading attached, when it is a text from a screened
    /// sender. It reads no more of the text than can change the verdict `screening` would give
    /// (`SemanticScreener.match(_:excludingExample:decidingWith:beside:)`): should the core judge
    /// by something else (a reload changed the thresholds, the person changed language), the
    /// core asks rather than lets pass what was left unread.
    func read(_ input: Input, for screening: ScreeningNow) async -> Input {
        guard case .text(var text) = input, let language = screening.languages[text.sender] else { return input }
        let screener = self.screener, body = text.body
        text.semantic = try? await thread.run {
            // Before the engine's first call on this thread starts its workers (costs nothing after).
            Self.leaveStopSignalsToTheDaemon()
            return screener.match(body, decidingWith: screening.thresholds, beside: screening.phrases.screen(body, language: language))
        }
        return .text(text)
    }
}

/// What the core would judge a text by at one moment, for the semantic layer to read it for:
/// each screened sender's language, the phrase lists and the thresholds.
struct ScreeningNow: Sendable {
    let languages: [String: String]
    let phrases: Screener
    let thresholds: SemanticThresholds
}
