import Foundation

/// The events one input produces, applied as they are recorded so that later steps of the same
/// decision see earlier ones (a second queued message gets the next transaction id).
struct Decision {
    private(set) var state: BotState
    private(set) var events: [DomainEvent] = []

    init(state: BotState) { self.state = state }

    mutating func record(_ event: DomainEvent) {
        state.apply(event)
        events.append(event)
    }

    /// A fresh id, unique for the lifetime of this data directory. The first-start time is part of
    /// it so that a wiped data directory never reuses an id the homeserver still remembers.
    func nextID(_ prefix: String) -> String {
        let epoch = Int(state.firstStartedAt?.timeIntervalSince1970 ?? 0)
        return "\(prefix)\(epoch)-\(state.nextSequence)"
    }
}
