/// Which queued message goes out next, when several may be on their way at once.
///
/// - Safety first: a safety message (the reply with emergency contacts, an alert, a re-alert, a
///   message to a backup coordinator) goes before any routine message, whatever is queued, and
///   safety messages go in the order they were decided.
/// - Fair: routine messages are taken room by room in turn (the room served longest ago first),
///   so nobody waits behind someone else's backlog.
/// - In order: a room with a message on its way gets no second one until the first is delivered,
///   and within a room messages of the same priority keep their order (a safety reply may overtake
///   that person's own routine messages).
public enum OutboxSchedule {
    /// `busy`: rooms with a message on its way. `lastServed`: when each room was last given a
    /// message, as an increasing counter (rooms never served come first).
    public static func next(in outbox: [OutboxMessage], roomFor: (OutboxMessage.Target) -> String?,
                            busy: Set<String>, lastServed: [String: Int]) -> (OutboxMessage, roomID: String)? {
        var routine: (message: OutboxMessage, room: String, served: Int)?
        var considered: Set<String> = []
        for message in outbox {
            guard let room = roomFor(message.target), !busy.contains(room) else { continue }
            if message.priority == .safety { return (message, room) }
            // Only a room's first routine message competes: the rest wait their turn behind it.
            guard considered.insert(room).inserted else { continue }
            let served = lastServed[room] ?? Int.min
            if routine == nil || served < routine!.served { routine = (message, room, served) }
        }
        return routine.map { ($0.message, $0.room) }
    }
}
