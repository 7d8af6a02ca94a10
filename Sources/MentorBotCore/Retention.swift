import BotModel
import Foundation

/// `programme.retention`: how long people's personal data is kept after their pairs end. The
/// core only says whose time is up and tells the coordinators afterwards; the erasure itself
/// rewrites the files (BotRuntime.erase), which no decision can do.
extension BotCore {
    /// Mentors and mentees on the roster all of whose pairs ended at least the retention period
    /// ago, whose data has not been erased yet and who still have some in the state; and people a
    /// reload took off the roster at least that long ago (their pairs ended then).
    public func retentionDue(in state: BotState, at now: Date) -> [Person] {
        guard let retention = configuration.programme.retention else { return [] }
        let calendar = calendar(in: programmeZone)
        let onRoster = roster.people.filter { person in
            guard person.role != .coordinator, !state.wasErased(person.id), holdsData(of: person, in: state) else { return false }
            let pairs = roster.pairs(of: person)
            return !pairs.isEmpty && pairs.allSatisfy { retention.after(end(of: $0, in: state), in: calendar) <= now }
        }
        let departed = state.departedPeople.filter { departed in
            roster.person(id: departed.id) == nil && retention.after(departed.at, in: calendar) <= now
        }.map(\.person)
        return onRoster + departed
    }

    private func holdsData(of person: Person, in state: BotState) -> Bool {
        state.people[person.matrixID] != nil || state.records.contains { $0.personID == person.id }
            || state.tickets.contains { $0.personID == person.id } || state.incidents.contains { $0.matrixID == person.matrixID }
    }

    /// After a purge: the coordinators learn which pairs' people were erased (references only).
    func purged(pairIDs: [String], _ decision: inout Decision) {
        guard !pairIDs.isEmpty else { return }
        tellCoordinators(key: "summary.retention_purged", parameters: ["pairs": pairIDs.joined(separator: ", ")], &decision)
    }
}
