import BotModel
import Dialogs
import DurableStore
import Foundation
import Logging
@testable import MentorBotCore
@testable import MentorBotDaemon
import Safeguarding
import Testing

/// The event store made slow on purpose: every write waits before it reaches the disk, so that
/// inputs from every worker pile up while one batch is being written. It also keeps what it was
/// given, to check each snapshot against the journal up to that point.
actor SlowJournal: RuntimeJournal {
    let store: EventStore<DomainEvent, BotState>
    let delay: Duration
    private(set) var appended: [DomainEvent] = []
    private(set) var snapshots: [(state: BotState, covering: Int)] = []
    private(set) var writes = 0

    init(store: EventStore<DomainEvent, BotState>, delay: Duration) {
        self.store = store
        self.delay = delay
    }

    func append(_ events: [DomainEvent]) async throws {
        // Recorded before the slow part: any overlap between two writes would show as events
        // appended while a snapshot of older state is being written.
        appended += events
        writes += 1
        try await Task.sleep(for: delay)
        try await store.append(events)
    }

    func writeSnapshot(_ state: BotState) async throws {
        snapshots.append((state, appended.count))
        try await Task.sleep(for: delay)
        try await store.writeSnapshot(state)
    }

    func close() async { await store.close() }
}

@Suite("Serial decisions in the runtime")
struct SerialDecisionTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let pairs = 20

    /// 20 pairs, one coordinator, no routine cadence: every message in the test comes from an input the test gives.
    static func configuration(dataDirectory: String) -> Configuration {
        var people = [Person(id: "C1", matrixID: "@coord:test", role: .coordinator, language: "en", timeZone: "Europe/Brussels")]
        var pairs: [Pair] = []
        for index in 1...Self.pairs {
            people.append(Person(id: "M\(index)", matrixID: "@mentor\(index):test", role: .mentor, language: "en", timeZone: "Europe/Brussels"))
            people.append(Person(id: "E\(index)", matrixID: "@mentee\(index):test", role: .mentee, language: "fr", timeZone: "Europe/Brussels"))
            pairs.append(Pair(id: String(format: "P-%03d", index), mentorID: "M\(index)", menteeID: "E\(index)",
                              startDate: "2026-11-01", endDate: "2028-12-31"))
        }
        return Configuration(
            homeserver: "http://127.0.0.1:1",
            bot: BotAccount(userID: "@mentorbot:test", credential: .accessToken(.environment("T")), deviceID: "D"),
            dataDirectory: dataDirectory, dialogsDirectory: repoRoot.appendingPathComponent("Dialogs").path,
            coordinatorsRoom: "#coordinators:test",
            programme: Programme(defaultLanguage: "en", timeZone: "Europe/Brussels",
                                 cadence: Cadence(mentorFirstCheckIn: nil, menteeCheckInEvery: nil, meetingsPerMonth: 0,
                                                  noMeetingAfter: nil, bookNextAfter: nil)),
            roster: Roster(people: people, pairs: pairs))
    }

    @Test("inputs from every worker at once, with writing slowed down: unique ids, each message delivered once, snapshots that match the journal")
    func concurrentInputsAgainstASlowStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = Self.configuration(dataDirectory: directory.path)
        let library = try DialogLibrary.load(directory: Self.repoRoot.appendingPathComponent("Dialogs"))
        let screener = try Screener.load(directory: Self.repoRoot.appendingPathComponent("Dialogs/safety"))
        let (store, _) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        let journal = SlowJournal(store: store, delay: .milliseconds(15))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let runtime = BotRuntime(core: BotCore(configuration: configuration, library: library, screener: screener),
                                 journal: journal, state: BotState(), replayed: 0, snapshotEvery: 7,
                                 clock: { start }, logger: Logger(label: "test"))

        try await runtime.process(.started)
        // The room worker reports every room at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for request in await runtime.pendingRoomRequests() {
                let room: String
                switch request.action {
                case .createDirectRoom(let who): room = "!dm-\(who)"
                case .joinCoordinatorsRoom: room = "!coordinators"
                default: continue
                }
                group.addTask { try await runtime.process(.roomRequestSucceeded(requestID: request.id, roomID: room)) }
            }
            try await group.waitForAll()
        }

        // Everyone writes at once (some "sos": incidents and safety messages), the clock ticks,
        // and a delivery worker reports sends while all of this is being decided.
        let people = configuration.roster.people.filter { $0.role != .coordinator }
        let delivered = DeliveryLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, person) in people.enumerated() {
                group.addTask {
                    for round in 0..<3 {
                        let body = index % 5 == 0 && round == 1 ? "sos" : "hello"
                        try await runtime.process(.text(InboundText(eventID: "$in-\(index)-\(round)", roomID: "!dm-\(person.matrixID)",
                                                                    sender: person.matrixID, body: body, sentAt: start)))
                    }
                }
            }
            for _ in 0..<10 { group.addTask { try await runtime.process(.tick) } }
            group.addTask { try await runtime.process(.syncCompleted(nextBatch: "s1")) }
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<40 {
                        try await delivered.deliverOne(through: runtime)
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        // Whatever is left, delivered one by one.
        while try await delivered.deliverOne(through: runtime) {}
        await runtime.finish()

        let events = await journal.appended
        let queued = events.compactMap { event -> String? in
            if case .messageQueued(let message) = event { return message.transactionID }
            return nil
        }
        #expect(queued.count > 100, "the inputs queued \(queued.count) messages; expected a reply to each of 120 texts")
        #expect(Set(queued).count == queued.count, "transaction ids given to two messages: \(queued.count - Set(queued).count)")
        let sent = events.compactMap { event -> String? in
            if case .messageSent(let transactionID, _) = event { return transactionID }
            return nil
        }
        let deliveredOnce = sent.count == queued.count && Set(sent) == Set(queued)
        #expect(deliveredOnce, "every queued message is recorded as delivered exactly once (\(queued.count) queued, \(sent.count) sent, \(Set(sent).count) distinct)")
        let incidents = events.compactMap { event -> String? in
            if case .incidentRaised(let incident) = event { return incident.reference }
            return nil
        }
        let distinctIncidents = Set(incidents).count
        #expect(incidents.count == people.count / 5 && distinctIncidents == incidents.count,
                "\(incidents.count) incidents raised with \(distinctIncidents) distinct references, for \(people.count / 5) people who wrote sos")

        // Each snapshot is exactly the journal up to its point, and the disk agrees with memory.
        let snapshots = await journal.snapshots
        #expect(snapshots.count >= 5)
        var folded = BotState()
        var position = 0
        for snapshot in snapshots {
            while position < snapshot.covering { folded.apply(events[position]); position += 1 }
            #expect(snapshot.state == folded, "a snapshot after \(snapshot.covering) events does not match the journal")
        }
        let writes = await journal.writes
        #expect(writes < events.count / 2, "writes were batched (\(writes) writes for \(events.count) events)")
        let (reopened, recovered) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        let onDisk = recovered.state
        await reopened.close()
        #expect(onDisk == (await runtime.state))
        #expect(onDisk.outbox.isEmpty)
    }

    @Test("reloads racing texts and each other, with writing slowed down: new people greeted once, a dropped pair closed once, disk equals memory")
    func reloadsRacingInputsAgainstASlowStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let full = Self.configuration(dataDirectory: directory.path)
        // Before: pairs 16-20 and their people are not in the roster yet. After: they are, and P-001 is gone.
        var before = full
        before.roster.pairs.removeLast(5)
        before.roster.people.removeAll { person in (16...20).contains { person.id == "M\($0)" || person.id == "E\($0)" } }
        var after = full
        after.roster.pairs.removeFirst()
        let library = try DialogLibrary.load(directory: Self.repoRoot.appendingPathComponent("Dialogs"))
        let screener = try Screener.load(directory: Self.repoRoot.appendingPathComponent("Dialogs/safety"))
        let (store, _) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        let journal = SlowJournal(store: store, delay: .milliseconds(15))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let runtime = BotRuntime(core: BotCore(configuration: before, library: library, screener: screener),
                                 journal: journal, state: BotState(), replayed: 0, snapshotEvery: 7,
                                 clock: { start }, logger: Logger(label: "test"))
        try await runtime.process(.started)
        for request in await runtime.pendingRoomRequests() {
            if case .createDirectRoom(let who) = request.action {
                try await runtime.process(.roomRequestSucceeded(requestID: request.id, roomID: "!dm-\(who)"))
            }
        }
        let newCore = BotCore(configuration: after, library: library, screener: screener)
        let everyone = full.roster.people.filter { $0.role != .coordinator }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { try await runtime.reload(newCore) } }
            for (index, person) in everyone.enumerated() {
                group.addTask {
                    try await runtime.process(.text(InboundText(eventID: "$race-\(index)", roomID: "!dm-\(person.matrixID)",
                                                                sender: person.matrixID, body: "hello", sentAt: start)))
                }
            }
            for _ in 0..<5 { group.addTask { try await runtime.process(.tick) } }
            try await group.waitForAll()
        }
        await runtime.finish()

        let events = await journal.appended
        for index in 16...20 {
            for who in ["@mentor\(index):test", "@mentee\(index):test"] {
                let greetings = events.filter { $0 == .greeted(matrixID: who) }.count
                #expect(greetings == 1, "\(who) greeted \(greetings) times")
            }
        }
        let closings = events.filter { if case .pairClosed(let pairID, _, _) = $0 { pairID == "P-001" } else { false } }
        #expect(closings.count == 1, "P-001 closed \(closings.count) times")
        let (reopened, recovered) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        let onDisk = recovered.state
        await reopened.close()
        #expect(onDisk == (await runtime.state))
    }

    @Test("an erasure while texts race it, with writing slowed down: no file holds the person afterwards, disk equals memory")
    func anErasureRacingInputsAgainstASlowStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("erase-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = Self.configuration(dataDirectory: directory.path)
        let library = try DialogLibrary.load(directory: Self.repoRoot.appendingPathComponent("Dialogs"))
        let screener = try Screener.load(directory: Self.repoRoot.appendingPathComponent("Dialogs/safety"))
        let (store, _) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        let journal = SlowJournal(store: store, delay: .milliseconds(15))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let runtime = BotRuntime(core: BotCore(configuration: configuration, library: library, screener: screener),
                                 journal: journal, state: BotState(), replayed: 0, snapshotEvery: 1_000,
                                 clock: { start }, logger: Logger(label: "test"))
        try await runtime.process(.started)
        for request in await runtime.pendingRoomRequests() {
            if case .createDirectRoom(let who) = request.action {
                try await runtime.process(.roomRequestSucceeded(requestID: request.id, roomID: "!dm-\(who)"))
            }
        }
        let erased = configuration.roster.person(id: "E7")!
        try await runtime.process(.text(InboundText(eventID: "$before", roomID: "!dm-\(erased.matrixID)", sender: erased.matrixID,
                                                    body: "sos", sentAt: start)))
        let others = configuration.roster.people.filter { $0.role != .coordinator && $0.id != "E7" }
        let erasure = try await withThrowingTaskGroup(of: BotState.Erasure?.self) { group in
            for (index, person) in others.enumerated() {
                group.addTask {
                    try await runtime.process(.text(InboundText(eventID: "$race-\(index)", roomID: "!dm-\(person.matrixID)",
                                                                sender: person.matrixID, body: "hello", sentAt: start)))
                    return nil
                }
            }
            group.addTask { try await runtime.erase(erased, audit: AuditEntry(action: "erase", subject: "E7", by: "test", at: start)) }
            for _ in 0..<5 { group.addTask { try await runtime.process(.tick); return nil } }
            var result: BotState.Erasure?
            for try await value in group { result = result ?? value }
            return result
        }
        #expect(erasure?.incidents == 1)
        let memory = await runtime.state
        #expect(memory.people[erased.matrixID] == nil && memory.wasErased("E7"))
        #expect(others.allSatisfy { person in memory.hasHandled("$race-\(others.firstIndex(of: person)!)") })
        // The files as a crash would leave them (before finish() writes its own snapshot).
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = String(decoding: try Data(contentsOf: directory.appendingPathComponent(file)), as: UTF8.self)
            #expect(!bytes.contains(erased.matrixID), "\(file) still holds the erased person")
        }
        await runtime.finish()
        let (reopened, recovered) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        let onDisk = recovered.state
        await reopened.close()
        #expect(onDisk == memory)
    }
}

/// Plays the outbox worker: takes a queued message nobody else is sending and reports it delivered.
actor DeliveryLog {
    private var handedOut: Set<String> = []
    private var counter = 0

    @discardableResult
    func deliverOne(through runtime: BotRuntime) async throws -> Bool {
        guard let (message, _) = await runtime.nextSendable(sending: [:], lastServed: [:]),
              !handedOut.contains(message.transactionID) else {
            // Either nothing is queued, or the message is on its way by another worker.
            return await runtime.state.outbox.contains { !handedOut.contains($0.transactionID) }
        }
        handedOut.insert(message.transactionID)
        counter += 1
        try await runtime.process(.messageDelivered(transactionID: message.transactionID, eventID: "$out\(counter)"))
        return true
    }
}

extension SerialDecisionTests {
    /// The 20-pair programme's runtime over a store in `directory`, started, each direct room
    /// made, its clock stopped at `start`.
    static func startedRuntime(in directory: URL, snapshotEvery: Int,
                               journal: (EventStore<DomainEvent, BotState>) -> any RuntimeJournal = { $0 }) async throws
        -> (runtime: BotRuntime, configuration: Configuration, library: DialogLibrary, screener: Screener, start: Date) {
        let configuration = configuration(dataDirectory: directory.path)
        let library = try DialogLibrary.load(directory: repoRoot.appendingPathComponent("Dialogs"))
        let screener = try Screener.load(directory: repoRoot.appendingPathComponent("Dialogs/safety"))
        let (store, _) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let runtime = BotRuntime(core: BotCore(configuration: configuration, library: library, screener: screener),
                                 journal: journal(store), state: BotState(), replayed: 0, snapshotEvery: snapshotEvery,
                                 clock: { start }, logger: Logger(label: "test"))
        try await runtime.process(.started)
        for request in await runtime.pendingRoomRequests() {
            if case .createDirectRoom(let who) = request.action {
                try await runtime.process(.roomRequestSucceeded(requestID: request.id, roomID: "!dm-\(who)"))
            }
        }
        return (runtime, configuration, library, screener, start)
    }
}
