import BotModel
import DurableStore
import Foundation
import Logging
import MentorBotCore
import Safeguarding

/// Where the runtime makes its events durable: the event store (tests wrap it to make writing
/// slow on purpose).
protocol RuntimeJournal: Sendable {
    /// Returns once the events are on disk, in the order of the calls.
    func append(_ events: [DomainEvent]) async throws
    /// The state must include every event appended so far.
    func writeSnapshot(_ state: BotState) async throws
    func close() async
}

extension EventStore: RuntimeJournal where Record == DomainEvent, Snapshot == BotState {}

/// The one place where the bot's state changes ("record, then act").
///
/// Two states, one owner. Every input is decided against `decided`, which already holds the
/// events of every earlier input, durable or not: the decision and its application to `decided`
/// run with no suspension in between, so two inputs can never be decided from the same state
/// (an actor re-enters at every `await`; nothing here awaits between reading and writing it).
/// The events then go to one commit loop that writes them in decision order, many inputs per
/// fsync, and only once they are on disk applies them to `state`, which the workers act on.
/// A snapshot is written from that loop, between batches, so it covers exactly the journal.
actor BotRuntime {
    /// Changed only by `reload`, which decides its first input with the new core before anything
    /// else can run: no input is ever decided half with one roster and half with another.
    private(set) var core: BotCore
    private let journal: any RuntimeJournal
    private let clock: @Sendable () -> Date
    private let logger: Logger
    /// What is on disk: the workers send, create rooms and sync from this.
    private(set) var state: BotState
    /// `state` plus the events still being written: every decision is made from this.
    private var decided: BotState
    private var uncommitted: [(events: [DomainEvent], waiter: CheckedContinuation<Void, Error>)] = []
    private var committing = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set when writing failed: `decided` is then ahead of the disk for good, and deciding more
    /// from it would act on what a restart will not remember. The daemon must stop.
    private var failure: Error?
    private var isFinished = false
    private var eventsSinceSnapshot = 0
    /// Since when writing waits for room on a full disk (said once in the log; not ready in /healthz).
    private var diskFullSince: Date?
    /// How often a write is tried again on a full disk.
    static let diskFullRetry: Duration = .seconds(1)
    /// A snapshot after this many events keeps start-up replay short.
    private let snapshotEvery: Int
    private var wakers: [AsyncStream<Void>.Continuation] = []

    init(core: BotCore, journal: any RuntimeJournal, state: BotState, replayed: Int,
         snapshotEvery: Int = 1_000, clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.core = core
        self.journal = journal
        self.state = state
        self.decided = state
        self.eventsSinceSnapshot = replayed
        self.snapshotEvery = snapshotEvery
        self.clock = clock
        self.logger = logger
    }

    /// Decides the input from every earlier decision, then returns once its events are durable
    /// and applied to `state`.
    @discardableResult
    func process(_ input: Input) async throws -> [DomainEvent] {
        try await process([input])
    }

    /// Decides the inputs in order, each from the state that holds the ones before it, and returns
    /// once all their events are durable: a whole /sync batch is written at once.
    @discardableResult
    func process(_ inputs: [Input]) async throws -> [DomainEvent] {
        if let failure { throw failure }
        guard !isFinished else { throw CancellationError() }
        var events: [DomainEvent] = []
        for input in inputs {
            let produced = core.handle(input, state: decided, now: clock())
            for event in produced { decided.apply(event) }
            events += produced
        }
        guard !events.isEmpty else { return [] }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
            uncommitted.append((events, waiter))
            if !committing {
                committing = true
                Task { await commit() }
            }
        }
        return events
    }

    /// Carries on with a new configuration, roster and dialogs (a reload): from the next input on
    /// every decision is the new core's. The pairs the new roster dropped end kindly, people the
    /// roster added or made coordinators are no longer strangers in the coordinators' room, and
    /// the change is returned for the log. The swap and the decision about it happen with no
    /// suspension in between; `process` only awaits once the decision is made.
    @discardableResult
    func reload(_ newCore: BotCore) async throws -> RosterChange {
        if let failure { throw failure }
        let change = RosterChange(from: core.configuration.roster, to: newCore.configuration.roster)
        core = newCore
        let allowed = coordinatorsRoomAllowed
        let wasSafe = coordinatorsRoomStrangers.isEmpty
        coordinatorsRoomStrangers.subtract(allowed)
        if coordinatorsRoomStrangers.isEmpty && !wasSafe { for waker in wakers { waker.yield() } }
        try await process(.reloaded(removedPairs: change.removedPairs, removedPeople: change.removedPeople))
        return change
    }

    /// Erases a person's data while the bot runs (their retention period is over). An erasure
    /// cannot be an event (it would name what it erases, in the journal), so it is written as a
    /// snapshot of the erased state, which also empties the journal. It waits until nothing is
    /// being written, erases `decided` and `state` (equal then) with no suspension in between,
    /// and holds the commit loop while the snapshot is written: inputs decided meanwhile are
    /// decided from the erased state and written after it.
    func erase(_ person: Person, audit: AuditEntry) async throws -> BotState.Erasure {
        while committing { await idle() }
        if let failure { throw failure }
        let erasure = decided.erase(person)
        _ = state.erase(person)
        decided.apply(.audited(audit))
        state.apply(.audited(audit))
        committing = true
        defer {
            committing = false
            if !uncommitted.isEmpty {
                committing = true
                Task { await commit() }
            } else {
                for waiter in idleWaiters { waiter.resume() }
                idleWaiters.removeAll()
            }
        }
        do {
            try await journal.writeSnapshot(state)
            eventsSinceSnapshot = 0
        } catch {
            // The files still hold the person; `decided` no longer does. Stop rather than act on it.
            failure = failure ?? error
            throw error
        }
        for waker in wakers { waker.yield() }
        return erasure
    }

    /// Erasures coordinators confirmed, not carried out yet (from what is on disk).
    func erasuresConfirmed() -> [(person: Person, by: String)] { core.erasuresConfirmed(in: state) }

    /// People whose data `programme.retention` says to erase now.
    func retentionDue() -> [Person] { core.retentionDue(in: state, at: clock()) }

    /// Who may be in the coordinators' room: the roster's coordinators and the bot.
    var coordinatorsRoomAllowed: Set<String> { core.configuration.coordinatorsRoomAllowed }

    /// What the semantic layer reads a batch for, as the core judges now: whose texts it reads
    /// (mentors and mentees, in their language; coordinators discuss cases in their own room),
    /// the phrase lists and the thresholds. Follows a reload, so a person added then is screened
    /// from their first word.
    var screeningNow: ScreeningNow {
        let people = core.configuration.roster.people.filter { $0.role != .coordinator }
        return ScreeningNow(languages: Dictionary(people.map { ($0.matrixID, core.language(of: $0, in: state)) }, uniquingKeysWith: { first, _ in first }),
                            phrases: core.screener, thresholds: core.configuration.programme.safety.semantic.thresholds)
    }

    /// The one writer: takes everything decided so far, writes it with one fsync, applies it,
    /// and goes round again for what was decided meanwhile.
    private func commit() async {
        while !uncommitted.isEmpty {
            let batch = uncommitted
            uncommitted.removeAll()
            let events = batch.flatMap(\.events)
            do {
                if let failure { throw failure }
                let started = DispatchTime.now().uptimeNanoseconds
                try await journal.append(events)
                BotMetrics.journalWrite.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
                if let since = diskFullSince {
                    diskFullSince = nil
                    logger.notice("there is room on the disk again: the bot carries on", metadata: [
                        "waited_s": "\(Int(Date().timeIntervalSince(since)))", "events": "\(events.count)",
                    ])
                }
                for event in events { state.apply(event) }
                recordMetrics(of: events)
                eventsSinceSnapshot += events.count
                for entry in batch { entry.waiter.resume() }
                for waker in wakers { waker.yield() }
                if eventsSinceSnapshot >= snapshotEvery {
                    // Nothing else is being written now, so the snapshot covers exactly the journal.
                    do {
                        try await journal.writeSnapshot(state)
                        eventsSinceSnapshot = 0
                    } catch {
                        // The journal still holds everything; the next snapshot will try again.
                        logger.error("could not write a snapshot", metadata: ["error": "\(error)"])
                    }
                }
            } catch let error as StoreError where error.isDiskFull && !isFinished {
                // Nothing of the batch was written and nothing of it was acted on: it waits, in
                // order, ahead of what is decided meanwhile, and is written once there is room.
                // The workers act only on what is on disk, so the bot confirms nothing until then.
                uncommitted.insert(contentsOf: batch, at: 0)
                if diskFullSince == nil {
                    diskFullSince = Date()
                    logger.critical("""
                        DISK FULL: the bot cannot write its data, so it sends and confirms nothing until there is room \
                        again; nothing it confirmed is lost. Free space in the data directory
                        """, metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: Self.diskFullRetry)
            } catch {
                failure = failure ?? error
                for entry in batch { entry.waiter.resume(throwing: error) }
            }
        }
        committing = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters.removeAll()
    }

    private func recordMetrics(of events: [DomainEvent]) {
        for event in events {
            if case .incidentAcknowledged(let reference, _, let at) = event, let incident = state.incident(reference) {
                BotMetrics.timeToAcknowledge.recordSeconds(max(0, at.timeIntervalSince(incident.raisedAt)))
            }
        }
    }

    /// How overdue the next job is by the runtime's clock (0 when none is).
    private func schedulerLag() -> TimeInterval {
        guard let due = state.nextJob?.dueAt else { return 0 }
        return max(0, clock().timeIntervalSince(due))
    }

    /// Returns once everything decided so far is written (or has failed).
    private func idle() async {
        guard committing else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// A stream that ticks whenever the state changed, so workers wait without polling.
    func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        wakers.append(continuation)
        return stream
    }

    /// Refuses new inputs, waits for what was decided to be written, writes a final snapshot
    /// (it only shortens the next start) and closes the store.
    func finish() async {
        guard !isFinished else { return }
        isFinished = true
        await idle()
        for waker in wakers { waker.finish() }
        wakers.removeAll()
        if failure == nil {
            do {
                try await journal.writeSnapshot(state)
            } catch {
                logger.error("could not write the final snapshot; the journal still holds everything", metadata: ["error": "\(error)"])
            }
        }
        await journal.close()
    }

    // MARK: - Questions the workers ask (of the durable state)

    /// The next message to send, given those on their way (transaction id → room; see `OutboxSchedule`).
    func nextSendable(sending: [String: String], lastServed: [String: Int]) -> (OutboxMessage, roomID: String)? {
        OutboxSchedule.next(in: state.outbox, roomFor: roomID(for:), sending: sending, lastServed: lastServed)
    }

    func roomID(for target: OutboxMessage.Target) -> String? {
        switch target {
        case .room(let id): id
        case .person(let matrixID): state.person(matrixID).directRoomID
        // Nothing is posted while someone who is not a coordinator is in the room: alerts wait
        // (and escalate to the backup coordinators by direct message, as when nobody answers).
        case .coordinatorsRoom: coordinatorsRoomStrangers.isEmpty ? state.coordinatorsRoomID : nil
        }
    }

    /// When a /sync answer was last handled and written (for /healthz).
    private var lastSyncAt: Date?
    func noteSynced() { lastSyncAt = Date() }

    struct Health: Sendable {
        var secondsSinceSync: Double?
        /// Writing waits for room on a full disk.
        var diskFull: Bool
        var openIncidents: Int
        var outboxDepth: [String: Int]
        /// How overdue the job due first is (0 when none is).
        var schedulerLag: TimeInterval
    }

    func health() -> Health {
        var depth = ["safety": 0, "routine": 0]
        for message in state.outbox { depth[message.priority.rawValue, default: 0] += 1 }
        return Health(secondsSinceSync: failure == nil ? lastSyncAt.map { Date().timeIntervalSince($0) } : nil, diskFull: diskFullSince != nil,
                      openIncidents: state.incidents.filter { $0.status != .resolved }.count, outboxDepth: depth,
                      schedulerLag: schedulerLag())
    }

    /// People in the coordinators' room who are not roster coordinators (nor the bot), as the
    /// membership events seen say.
    private(set) var coordinatorsRoomStrangers: Set<String> = []

    /// From a member event in the coordinators' room (or the members list): someone not allowed
    /// came in, or left.
    /// Returns true when the room just became unsafe or safe again.
    func coordinatorsRoomMember(_ matrixID: String, isIn: Bool) -> Bool {
        guard !coordinatorsRoomAllowed.contains(matrixID) else { return false }
        let wasSafe = coordinatorsRoomStrangers.isEmpty
        if isIn { coordinatorsRoomStrangers.insert(matrixID) } else { coordinatorsRoomStrangers.remove(matrixID) }
        if coordinatorsRoomStrangers.isEmpty && !wasSafe { for waker in wakers { waker.yield() } }
        return wasSafe != coordinatorsRoomStrangers.isEmpty
    }

    /// Room work to do now. Leaving a room waits until what was queued for it has been sent (the
    /// line that says why the bot is leaving).
    func pendingRoomRequests() -> [RoomRequest] {
        state.roomRequests.filter { request in
            guard case .leave(let roomID) = request.action else { return true }
            return !state.outbox.contains { $0.target == .room(id: roomID) }
        }
    }

    /// Each person's direct room, as `m.direct` lists them (person → rooms).
    func directRooms() -> [String: [String]] {
        state.people.compactMapValues { $0.directRoomID.map { [$0] } }
    }
}
