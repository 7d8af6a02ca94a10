import BotModel
import Foundation
@testable import MentorBotCore
import Testing

@Suite("Which queued message goes out next")
struct OutboxScheduleTests {
    static func message(_ id: String, to room: String, _ priority: OutboxMessage.Priority = .routine) -> OutboxMessage {
        OutboxMessage(transactionID: id, target: .room(id: room), kind: .text, priority: priority, body: id)
    }

    static func roomFor(_ target: OutboxMessage.Target) -> String? {
        if case .room(let id) = target { return id }
        return nil
    }

    /// Takes messages one at a time as a single sender would, each delivered before the next.
    static func order(_ outbox: [OutboxMessage]) -> [String] {
        var queue = outbox, served: [String: Int] = [:], taken: [String] = []
        while let (message, room) = OutboxSchedule.next(in: queue, roomFor: roomFor, sending: [:], lastServed: served) {
            taken.append(message.transactionID)
            served[room] = taken.count
            queue.removeAll { $0.transactionID == message.transactionID }
        }
        return taken
    }

    @Test("a safety message overtakes a backlog of routine ones, whoever they are for")
    func safetyFirst() {
        let backlog = (1...500).map { Self.message("r\($0)", to: "!flood") }
        let outbox = backlog + [Self.message("reply", to: "!quiet", .routine), Self.message("alert", to: "!coordinators", .safety)]
        #expect(Self.order(outbox).first == "alert")
    }

    @Test("safety messages keep their order; one may overtake its own room's routine messages")
    func safetyInOrder() {
        let outbox = [Self.message("r1", to: "!a"), Self.message("s1", to: "!b", .safety), Self.message("s2", to: "!a", .safety)]
        #expect(Self.order(outbox) == ["s1", "s2", "r1"])
    }

    @Test("routine messages are taken room by room in turn: one person's backlog does not hold up another's reply")
    func fairAcrossRooms() {
        let outbox = (1...3).map { Self.message("a\($0)", to: "!a") } + [Self.message("b1", to: "!b")]
            + (4...5).map { Self.message("a\($0)", to: "!a") } + [Self.message("c1", to: "!c")]
        #expect(Self.order(outbox) == ["a1", "b1", "c1", "a2", "a3", "a4", "a5"])
    }

    @Test("a room with a message on its way gets no second one; other rooms do")
    func oneAtATimePerRoom() {
        let outbox = [Self.message("a1", to: "!a"), Self.message("a2", to: "!a", .safety), Self.message("b1", to: "!b")]
        let next = OutboxSchedule.next(in: outbox, roomFor: Self.roomFor, sending: ["a1": "!a"], lastServed: [:])
        #expect(next?.0.transactionID == "b1")
        #expect(OutboxSchedule.next(in: outbox, roomFor: Self.roomFor, sending: ["a1": "!a", "b1": "!b"], lastServed: [:]) == nil)
    }

    @Test("a message on its way is not handed out again when its person's room changes meanwhile")
    func inFlightMessageIsNotSentTwice() {
        let outbox = [OutboxMessage(transactionID: "p1", target: .person(matrixID: "@amal:test"), kind: .text, body: "x")]
        // The person's room was "!old" when p1 went out; they have since been linked to "!new".
        let next = OutboxSchedule.next(in: outbox, roomFor: { _ in "!new" }, sending: ["p1": "!old"], lastServed: [:])
        #expect(next == nil)
    }

    @Test("a message whose room is not known yet waits without blocking the others")
    func unknownRoomWaits() {
        let outbox = [OutboxMessage(transactionID: "p1", target: .person(matrixID: "@new:test"), kind: .text, priority: .safety, body: "x"),
                      Self.message("b1", to: "!b")]
        #expect(OutboxSchedule.next(in: outbox, roomFor: Self.roomFor, sending: [:], lastServed: [:])?.0.transactionID == "b1")
    }

    @Test("a message journaled before priorities existed reads as routine")
    func oldJournalLinesAreRoutine() throws {
        let line = #"{"body":"hi","kind":"text","mentions":[],"target":{"coordinatorsRoom":{}},"transactionID":"mb-1"}"#
        let message = try JSONDecoder().decode(OutboxMessage.self, from: Data(line.utf8))
        #expect(message.priority == .routine && message.transactionID == "mb-1")
    }
}
