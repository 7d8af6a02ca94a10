import DurableStore
import Foundation
import Logging
import MentorBotCore

/// The one place where the bot's state changes: each input goes through the pure core, the
/// resulting events are made durable, and only then applied and acted upon ("record, then act").
/// Being an actor, it serialises inputs from the sync loop, the outbox and the room worker.
actor BotRuntime {
    let core: BotCore
    private let store: EventStore<DomainEvent, BotState>
    private let clock: @Sendable () -> Date
    private let logger: Logger
    private(set) var state: BotState
    private var eventsSinceSnapshot = 0
    /// A snapshot after this many events keeps start-up replay short.
    private let snapshotEvery: Int
    private var wakers: [AsyncStream<Void>.Continuation] = []

    init(core: BotCore, store: EventStore<DomainEvent, BotState>, state: BotState, replayed: Int,
         snapshotEvery: Int = 1_000, clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.core = core
        self.store = store
        self.state = state
        self.eventsSinceSnapshot = replayed
        self.snapshotEvery = snapshotEvery
        self.clock = clock
        self.logger = logger
    }

    /// Decides, journals, then applies. Returns once the events are durable.
    @discardableResult
    func process(_ input: Input) async throws -> [DomainEvent] {
        let events = core.handle(input, state: state, now: clock())
        guard !events.isEmpty else { return [] }
        try await store.append(events)
        for event in events { state.apply(event) }
        eventsSinceSnapshot += events.count
        if eventsSinceSnapshot >= snapshotEvery { try await snapshot() }
        for waker in wakers { waker.yield() }
        return events
    }

    func snapshot() async throws {
        try await store.writeSnapshot(state)
        eventsSinceSnapshot = 0
    }

    /// A stream that ticks whenever the state changed, so workers wait without polling.
    func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        wakers.append(continuation)
        return stream
    }

    func finish() async {
        for waker in wakers { waker.finish() }
        wakers.removeAll()
        do {
            try await snapshot()
        } catch {
            logger.error("could not write the final snapshot; the journal still holds everything", metadata: ["error": "\(error)"])
        }
        await store.close()
    }

    // MARK: - Questions the workers ask

    /// The first queued message whose room is known, with that room.
    func nextSendable(skipping skipped: Set<String>) -> (OutboxMessage, roomID: String)? {
        for message in state.outbox where !skipped.contains(message.transactionID) {
            if let room = roomID(for: message.target) { return (message, room) }
        }
        return nil
    }

    func roomID(for target: OutboxMessage.Target) -> String? {
        switch target {
        case .room(let id): id
        case .person(let matrixID): state.person(matrixID).directRoomID
        case .coordinatorsRoom: state.coordinatorsRoomID
        }
    }

    func pendingRoomRequests() -> [RoomRequest] { state.roomRequests }
}
