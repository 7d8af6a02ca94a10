import BotModel
import Dialogs
import Foundation

/// Which rooms the bot talks in. A direct room is the bot and one person, unencrypted: the bot
/// cannot read an encrypted room (it has no end-to-end encryption), and in a room with anyone
/// else a check-in would be seen by others. Rooms people invite the bot to are joined, then
/// judged on what the next /sync batch says about them (members, encryption), before any text in
/// them is read.
extension BotCore {
    func invited(roomID: String, inviter: String, _ decision: inout Decision) {
        let state = decision.state
        let alreadyHandled = state.roomRequests.contains { request in
            switch request.action {
            case .join(let room, _), .decline(let room), .leave(let room): room == roomID
            default: false
            }
        }
        guard !alreadyHandled, state.owner(ofRoom: roomID) == nil, state.coordinatorsRoomID != roomID,
              state.roomsAwaitingVerdict[roomID] == nil else { return }
        if roster.person(matrixID: inviter) != nil {
            request(.join(roomID: roomID, matrixID: inviter), &decision)
        } else {
            // Declining says nothing to a stranger about who is on the roster.
            request(.decline(roomID: roomID), &decision)
        }
    }

    func roomReady(requestID: String, roomID: String, _ decision: inout Decision) {
        guard let request = decision.state.roomRequests.first(where: { $0.id == requestID }) else { return }
        decision.record(.roomRequestFinished(requestID: requestID))
        switch request.action {
        case .createDirectRoom(let matrixID):
            if decision.state.person(matrixID).directRoomID == nil {
                decision.record(.directRoomLinked(matrixID: matrixID, roomID: roomID))
            }
        case .join(let joined, let matrixID):
            // The /sync batch may have shown the room (and settled it) before this report came.
            let settled = decision.state.person(matrixID).directRoomID == joined
                || decision.state.roomRequests.contains { $0.action == .leave(roomID: joined) }
            if !settled { decision.record(.inviteAccepted(roomID: joined, matrixID: matrixID)) }
        case .joinCoordinatorsRoom:
            decision.record(.coordinatorsRoomLinked(roomID: roomID))
        case .decline, .leave:
            break
        }
    }

    /// The homeserver refused the room work for good. A room the bot could not join (an upgraded
    /// room it was not invited to) leaves the person without a room: messages already waiting for
    /// them get a new one. (A refused room creation is not retried here: it would only loop.)
    func roomRequestFailed(_ requestID: String, _ decision: inout Decision) {
        guard let request = decision.state.roomRequests.first(where: { $0.id == requestID }) else { return }
        decision.record(.roomRequestFinished(requestID: requestID))
        if case .join(_, let matrixID) = request.action, let person = roster.person(matrixID: matrixID),
           decision.state.outbox.contains(where: { $0.target == .person(matrixID: matrixID) }) {
            ensureDirectRoom(for: person, &decision)
        }
    }

    /// The person the bot joined this room for, while the room waits for its verdict.
    private func awaitingVerdict(_ roomID: String, in state: BotState) -> String? {
        if let matrixID = state.roomsAwaitingVerdict[roomID] { return matrixID }
        // The /sync batch can come before the join's own report.
        for request in state.roomRequests {
            if case .join(roomID, let matrixID) = request.action { return matrixID }
        }
        return nil
    }

    func observed(_ room: RoomObservation, _ decision: inout Decision) {
        let state = decision.state
        guard room.roomID != state.coordinatorsRoomID else { return }
        let isGroup = (room.members ?? 0) > 2
        if let matrixID = awaitingVerdict(room.roomID, in: state) {
            decision.record(.roomSettled(roomID: room.roomID))
            guard let person = roster.person(matrixID: matrixID) else { return request(.leave(roomID: room.roomID), &decision) }
            if room.encrypted {
                refuseEncrypted(room.roomID, of: person, &decision)
            } else if isGroup {
                refuseGroup(room.roomID, of: person, &decision)
            } else {
                // The person opened this room themselves: it becomes the room we talk in.
                decision.record(.directRoomLinked(matrixID: matrixID, roomID: room.roomID))
            }
        } else if let matrixID = state.owner(ofRoom: room.roomID), let person = roster.person(matrixID: matrixID) {
            // A direct room that changed: encryption switched on, or someone else came in.
            if room.encrypted {
                unlink(person, &decision)
                refuseEncrypted(room.roomID, of: person, &decision)
            } else if isGroup {
                unlink(person, &decision)
                refuseGroup(room.roomID, of: person, &decision)
            }
        }
    }

    /// The person left their direct room (or was banned), or the bot was put out of it: the bot
    /// leaves too, and opens a new room the next time it has something to say to them.
    func memberLeft(_ matrixID: String, roomID: String, _ decision: inout Decision) {
        let state = decision.state
        if let owner = state.owner(ofRoom: roomID), let person = roster.person(matrixID: owner),
           matrixID == owner || matrixID == configuration.bot.userID {
            unlink(person, &decision)
            if matrixID == owner { request(.leave(roomID: roomID), &decision) }
        } else if let waiting = state.roomsAwaitingVerdict[roomID], matrixID == waiting || matrixID == configuration.bot.userID {
            decision.record(.roomSettled(roomID: roomID))
            if matrixID == waiting { request(.leave(roomID: roomID), &decision) }
        }
    }

    /// A direct room was upgraded: the bot follows to the new room (judged like any room it is
    /// invited to) and leaves the old one. If it cannot join (Element invites the members when it
    /// upgrades; without that invite the room is closed to it), the next message opens a new room.
    func upgraded(_ roomID: String, to replacement: String, _ decision: inout Decision) {
        guard let owner = decision.state.owner(ofRoom: roomID), let person = roster.person(matrixID: owner) else { return }
        request(.join(roomID: replacement, matrixID: owner), &decision)
        unlink(person, &decision)
        request(.leave(roomID: roomID), &decision)
    }

    /// One readable line in the encrypted room (the bot's message is not encrypted, and clients
    /// show it), then the bot leaves; the person hears from it in an unencrypted room, a new one
    /// if need be. The coordinators are told once per person, so they can help with settings.
    private func refuseEncrypted(_ roomID: String, of person: Person, _ decision: inout Decision) {
        say(Prompt(key: "bot.room.encrypted"), to: person, inRoom: roomID, &decision)
        request(.leave(roomID: roomID), &decision)
        say(Prompt(key: "bot.room.moved"), to: person, &decision)
        if !decision.state.person(person.matrixID).coordinatorsToldOfEncryptedRoom {
            tellCoordinators(key: "coordinator.encrypted_room", about: person, &decision)
            decision.record(.encryptedRoomReported(matrixID: person.matrixID))
        }
    }

    /// One line saying why, then the bot leaves; the person's direct room stays where it was.
    private func refuseGroup(_ roomID: String, of person: Person, _ decision: inout Decision) {
        say(Prompt(key: "bot.room.group"), to: person, inRoom: roomID, &decision)
        request(.leave(roomID: roomID), &decision)
    }

    private func unlink(_ person: Person, _ decision: inout Decision) {
        decision.record(.directRoomUnlinked(matrixID: person.matrixID))
        // Messages already waiting for them need a room now, not at the next thing said.
        if decision.state.outbox.contains(where: { $0.target == .person(matrixID: person.matrixID) }) {
            ensureDirectRoom(for: person, &decision)
        }
    }

    /// A person without a direct room gets one opened for them, once.
    func ensureDirectRoom(for person: Person, _ decision: inout Decision) {
        let state = decision.state
        guard state.person(person.matrixID).directRoomID == nil,
              !state.roomsAwaitingVerdict.values.contains(person.matrixID) else { return }
        let pending = state.roomRequests.contains { request in
            switch request.action {
            case .createDirectRoom(let matrixID), .join(_, let matrixID): matrixID == person.matrixID
            default: false
            }
        }
        if !pending { request(.createDirectRoom(matrixID: person.matrixID), &decision) }
    }
}
