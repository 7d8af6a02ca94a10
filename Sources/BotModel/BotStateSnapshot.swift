import DurableStore

/// The state in snapshot segments, so that the store never holds the whole encoded state in memory:
/// first the state itself with its big collections emptied (so that every other field, including
/// any added later, travels with its own `Codable`), then those collections a few hundred elements
/// per segment, in their order (pending jobs stay sorted). Each line of the file reads like a piece
/// of the state: {"jobs":[...]}, {"people":{...}}.
extension BotState: SegmentedSnapshot {
    public enum Segment: Codable, Sendable, Equatable {
        /// Everything but the collections below; always the first segment, and only there.
        case state(BotState)
        case people([String: PersonState])
        case outbox([OutboxMessage])
        case roomRequests([RoomRequest])
        case records([AnswerRecord])
        case meetings([Meeting])
        case tickets([SupportTicket])
        case jobs([ScheduledJob])
        case checkInsSent([CheckInSent])
    }

    /// Elements per segment: enough that decoding a line costs little beyond its contents, few
    /// enough that a line stays small next to the state.
    static let elementsPerSegment = 256

    public func forEachSegment(_ write: (Segment) throws -> Void) throws {
        var rest = self
        rest.people = [:]
        rest.outbox = []
        rest.roomRequests = []
        rest.records = []
        rest.restoreMeetings([])
        rest.tickets = []
        rest.jobs = []
        rest.checkInsSent = []
        try write(.state(rest))
        // Sorted, so that the same state always gives the same file.
        let matrixIDs = people.keys.sorted()
        for batch in Self.batches(matrixIDs) {
            try write(.people(Dictionary(uniqueKeysWithValues: batch.map { ($0, people[$0]!) })))
        }
        for batch in Self.batches(outbox) { try write(.outbox(batch)) }
        for batch in Self.batches(roomRequests) { try write(.roomRequests(batch)) }
        for batch in Self.batches(records) { try write(.records(batch)) }
        for batch in Self.batches(meetings) { try write(.meetings(batch)) }
        for batch in Self.batches(tickets) { try write(.tickets(batch)) }
        for batch in Self.batches(jobs) { try write(.jobs(batch)) }
        for batch in Self.batches(checkInsSent) { try write(.checkInsSent(batch)) }
    }

    private static func batches<Element>(_ elements: [Element]) -> some Sequence<[Element]> {
        stride(from: 0, to: elements.count, by: elementsPerSegment).lazy.map {
            Array(elements[$0..<min($0 + elementsPerSegment, elements.count)])
        }
    }

    public init(segments next: () throws -> Segment?) throws {
        guard case .state(let state)? = try next() else { throw SnapshotShapeError.firstSegmentIsNotTheState }
        self = state
        var meetings = self.meetings
        while let segment = try next() {
            switch segment {
            case .state: throw SnapshotShapeError.secondState
            case .people(let batch): people.merge(batch) { _, read in read }
            case .outbox(let batch): outbox += batch
            case .roomRequests(let batch): roomRequests += batch
            case .records(let batch): records += batch
            case .meetings(let batch): meetings += batch
            case .tickets(let batch): tickets += batch
            case .jobs(let batch): jobs += batch
            case .checkInsSent(let batch): checkInsSent += batch
            }
        }
        restoreMeetings(meetings)
    }
}

enum SnapshotShapeError: Error, CustomStringConvertible {
    case firstSegmentIsNotTheState, secondState

    var description: String {
        switch self {
        case .firstSegmentIsNotTheState: "it does not start with the state itself"
        case .secondState: "the state itself appears twice"
        }
    }
}

// One key per segment, named as in the state: {"jobs":[...]}.
extension BotState.Segment {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case state, people, outbox, roomRequests, records, meetings, tickets, jobs, checkInsSent
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .state(let state): try c.encode(state, forKey: .state)
        case .people(let batch): try c.encode(batch, forKey: .people)
        case .outbox(let batch): try c.encode(batch, forKey: .outbox)
        case .roomRequests(let batch): try c.encode(batch, forKey: .roomRequests)
        case .records(let batch): try c.encode(batch, forKey: .records)
        case .meetings(let batch): try c.encode(batch, forKey: .meetings)
        case .tickets(let batch): try c.encode(batch, forKey: .tickets)
        case .jobs(let batch): try c.encode(batch, forKey: .jobs)
        case .checkInsSent(let batch): try c.encode(batch, forKey: .checkInsSent)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "a segment holds exactly one of \(CodingKeys.allCases.map(\.stringValue).joined(separator: ", "))"))
        }
        switch key {
        case .state: self = .state(try c.decode(BotState.self, forKey: key))
        case .people: self = .people(try c.decode([String: BotState.PersonState].self, forKey: key))
        case .outbox: self = .outbox(try c.decode([OutboxMessage].self, forKey: key))
        case .roomRequests: self = .roomRequests(try c.decode([RoomRequest].self, forKey: key))
        case .records: self = .records(try c.decode([AnswerRecord].self, forKey: key))
        case .meetings: self = .meetings(try c.decode([Meeting].self, forKey: key))
        case .tickets: self = .tickets(try c.decode([SupportTicket].self, forKey: key))
        case .jobs: self = .jobs(try c.decode([ScheduledJob].self, forKey: key))
        case .checkInsSent: self = .checkInsSent(try c.decode([CheckInSent].self, forKey: key))
        }
    }
}

extension RecoveredState where Record == DomainEvent, Snapshot == BotState {
    /// The state the store holds: its snapshot, or a fresh state, with every journal record after
    /// it applied. The daemon, the data-rights commands, the report and the backup check all read
    /// the store this one way.
    public var state: BotState {
        var state = snapshot ?? BotState()
        for event in records { state.apply(event) }
        return state
    }
}
