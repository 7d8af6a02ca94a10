/// Who takes part: coordinators (one or more of them backups), mentors, mentees, and the pairs.
public struct Roster: Sendable, Equatable {
    public var people: [Person] { didSet { index() } }
    public var pairs: [Pair] { didSet { index() } }
    // Lookups by id: a programme of 10,000 pairs asks them for every message and every job.
    private var peopleByMatrixID: [String: Int] = [:]
    private var peopleByID: [String: Int] = [:]
    private var pairsByPerson: [String: [Int]] = [:]
    private var pairsByID: [String: Int] = [:]

    public init(people: [Person], pairs: [Pair]) {
        self.people = people
        self.pairs = pairs
        index()
    }

    private mutating func index() {
        peopleByMatrixID = Dictionary(people.enumerated().map { ($1.matrixID, $0) }, uniquingKeysWith: { first, _ in first })
        peopleByID = Dictionary(people.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        pairsByID = Dictionary(pairs.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        pairsByPerson = [:]
        for (offset, pair) in pairs.enumerated() {
            pairsByPerson[pair.mentorID, default: []].append(offset)
            if pair.menteeID != pair.mentorID { pairsByPerson[pair.menteeID, default: []].append(offset) }
        }
    }

    public static func == (lhs: Roster, rhs: Roster) -> Bool { lhs.people == rhs.people && lhs.pairs == rhs.pairs }

    public func person(matrixID: String) -> Person? { peopleByMatrixID[matrixID].map { people[$0] } }

    public func person(id: String) -> Person? { peopleByID[id].map { people[$0] } }

    public func pair(id: String) -> Pair? { pairsByID[id].map { pairs[$0] } }

    /// The pairs someone belongs to. A mentor may have several mentees; each pair stays apart.
    public func pairs(of person: Person) -> [Pair] {
        (pairsByPerson[person.id] ?? []).map { pairs[$0] }
    }

    public var coordinators: [Person] { people.filter { $0.role == .coordinator } }

    /// Whom a first safety alert mentions.
    public var onDuty: [Person] {
        let marked = coordinators.filter(\.isOnDuty)
        if !marked.isEmpty { return marked }
        let regular = coordinators.filter { !$0.isBackup }
        return regular.isEmpty ? coordinators : regular
    }

    public var backups: [Person] { coordinators.filter(\.isBackup) }
}

public struct Person: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable { case coordinator, mentor, mentee }

    /// Short stable reference used in records and alerts instead of a name.
    public var id: String
    public var matrixID: String
    public var role: Role
    public var language: String
    public var timeZone: String
    /// A backup coordinator receives alerts nobody else answered.
    public var isBackup: Bool
    /// The coordinator a safety alert mentions first (when nobody is marked, every coordinator
    /// who is not a backup).
    public var isOnDuty: Bool

    public init(id: String, matrixID: String, role: Role, language: String, timeZone: String, isBackup: Bool = false,
                isOnDuty: Bool = false) {
        self.id = id
        self.matrixID = matrixID
        self.role = role
        self.language = language
        self.timeZone = timeZone
        self.isBackup = isBackup
        self.isOnDuty = isOnDuty
    }
}

public struct Pair: Sendable, Equatable {
    /// Pseudonymous reference shown to coordinators (e.g. "P-014").
    public var id: String
    public var mentorID: String
    public var menteeID: String
    /// ISO date (YYYY-MM-DD) the pair started.
    public var startDate: String
    /// How its members know this pair (the mentee's first name, say). Shown only to the two of
    /// them, and only to ask someone with several pairs which one they mean.
    public var knownAs: String?
    /// ISO date the pair is planned to end; nil: the programme's usual length after the start.
    public var endDate: String?

    public init(id: String, mentorID: String, menteeID: String, startDate: String, knownAs: String? = nil, endDate: String? = nil) {
        self.id = id
        self.mentorID = mentorID
        self.menteeID = menteeID
        self.startDate = startDate
        self.knownAs = knownAs
        self.endDate = endDate
    }

    /// The other member of the pair.
    public func partnerID(of personID: String) -> String { mentorID == personID ? menteeID : mentorID }
}

/// What a new roster changes against the one before (a reload), by id.
public struct RosterChange: Sendable, Equatable {
    public var addedPeople: [Person]
    public var removedPeople: [Person]
    public var addedPairs: [Pair]
    public var removedPairs: [Pair]
    /// Pairs whose dates or members changed.
    public var changedPairs: [Pair]

    public init(from old: Roster, to new: Roster) {
        let oldPeople = Set(old.people.map(\.id)), newPeople = Set(new.people.map(\.id))
        addedPeople = new.people.filter { !oldPeople.contains($0.id) }
        removedPeople = old.people.filter { !newPeople.contains($0.id) }
        addedPairs = new.pairs.filter { old.pair(id: $0.id) == nil }
        removedPairs = old.pairs.filter { new.pair(id: $0.id) == nil }
        changedPairs = new.pairs.filter { pair in old.pair(id: pair.id).map { $0 != pair } ?? false }
    }

    public var isEmpty: Bool {
        addedPeople.isEmpty && removedPeople.isEmpty && addedPairs.isEmpty && removedPairs.isEmpty && changedPairs.isEmpty
    }
}
