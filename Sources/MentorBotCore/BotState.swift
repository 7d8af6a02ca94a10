import Dialogs
import Foundation

/// All the bot knows, rebuilt from a snapshot plus the journal. Pure data with one way to change
/// it, `apply(_:)`, so the daemon and the tests can never disagree about what an event means.
public struct BotState: Codable, Sendable, Equatable {
    public struct PersonState: Codable, Sendable, Equatable {
        public var directRoomID: String?
        /// Chosen with "language xx"; overrides the roster's language.
        public var language: String?
        public var greeted = false
        public var stopped = false
        public var dialog: DialogProgress?
    }

    public var firstStartedAt: Date?
    public var syncToken: String?
    public var coordinatorsRoomID: String?
    public var people: [String: PersonState] = [:]
    /// Messages queued and not yet confirmed sent, in order.
    public var outbox: [OutboxMessage] = []
    public var roomRequests: [RoomRequest] = []
    public var records: [AnswerRecord] = []
    /// Counter behind transaction and request ids: derived from the journal, so identical on replay.
    public var nextSequence = 1
    /// Recently handled inbound event ids, so a batch replayed after a crash changes nothing.
    /// Bounded: a replay only ever repeats the last unconfirmed batch.
    public var recentInboundIDs: [String] = []
    static let inboundMemory = 2_000

    public init() {}

    public func person(_ matrixID: String) -> PersonState { people[matrixID] ?? PersonState() }

    public func hasHandled(_ eventID: String) -> Bool { recentInboundIDs.contains(eventID) }

    public func owner(ofRoom roomID: String) -> String? {
        people.first { $0.value.directRoomID == roomID }?.key
    }

    public mutating func apply(_ event: DomainEvent) {
        switch event {
        case .firstStarted(let at):
            firstStartedAt = firstStartedAt ?? at
        case .syncAdvanced(let token):
            syncToken = token
        case .inboundHandled(let eventID):
            recentInboundIDs.append(eventID)
            if recentInboundIDs.count > Self.inboundMemory { recentInboundIDs.removeFirst(recentInboundIDs.count - Self.inboundMemory) }
        case .roomRequested(let request):
            roomRequests.append(request)
            nextSequence += 1
        case .roomRequestFinished(let requestID):
            roomRequests.removeAll { $0.id == requestID }
        case .directRoomLinked(let matrixID, let roomID):
            people[matrixID, default: PersonState()].directRoomID = roomID
        case .coordinatorsRoomLinked(let roomID):
            coordinatorsRoomID = roomID
        case .messageQueued(let message):
            outbox.append(message)
            nextSequence += 1
        case .messageSent(let transactionID, let eventID):
            if let message = outbox.first(where: { $0.transactionID == transactionID }), let who = message.questionFor {
                people[who]?.dialog?.questionEventID = eventID
            }
            outbox.removeAll { $0.transactionID == transactionID }
        case .messageAbandoned(let transactionID, _):
            outbox.removeAll { $0.transactionID == transactionID }
        case .greeted(let matrixID):
            people[matrixID, default: PersonState()].greeted = true
        case .languageChosen(let matrixID, let language):
            people[matrixID, default: PersonState()].language = language
        case .stopped(let matrixID, _):
            people[matrixID, default: PersonState()].stopped = true
            people[matrixID]?.dialog = nil
        case .restarted(let matrixID, _):
            people[matrixID, default: PersonState()].stopped = false
        case .dialogMoved(let matrixID, let progress):
            people[matrixID, default: PersonState()].dialog = progress
        case .dialogEnded(let matrixID, _, _):
            people[matrixID]?.dialog = nil
        case .answersRecorded(let record):
            records.append(record)
            nextSequence += 1
        }
    }
}
