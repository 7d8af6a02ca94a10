import BotModel
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

    /// A fresh id (see `BotState.nextID`): the state already holds this decision's earlier events.
    func nextID(_ prefix: String) -> String { state.nextID(prefix) }
}
