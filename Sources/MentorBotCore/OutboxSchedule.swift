import BotModel
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
    /// `sending`: the messages on their way, by transaction id, with their rooms (such a message
    /// is never handed out again, even if its person's room has changed meanwhile, and its room
    /// gets no other). `lastServed`: when each room was last given a message, as an increasing
    /// counter (rooms never served come first).
    public static func next(in outbox: [OutboxMessage], roomFor: (OutboxMessage.Target) -> String?,
                            sending: [String: String], lastServed: [String: Int]) -> (OutboxMessage, roomID: String)? {
        let busy = Set(sending.values)
        var routine: (message: OutboxMessage, room: String, served: Int)?
        var considered: Set<String> = []
        for message in outbox where sending[message.transactionID] == nil {
            guard let room = roomFor(message.target), !busy.contains(room) else { continue }
            if message.priority == .safety { return (message, room) }
            // Only a room's first routine message competes: the rest wait their turn behind it.
            guard considered.insert(room).inserted else { continue }
            let served = lastServed[room] ?? Int.min
            if let current = routine, current.served <= served { continue }
            routine = (message, room, served)
        }
        return routine.map { ($0.message, $0.room) }
    }
}
