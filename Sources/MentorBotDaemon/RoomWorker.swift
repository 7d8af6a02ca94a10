import BotModel
import Foundation
import Logging
import MatrixClient
import MentorBotCore
import ServiceLifecycle

/// Carries out room work the core asked for: create a direct room, accept or decline an
/// invite, join (or create) the coordinators' room. Reports each outcome back as an input.
struct RoomWorker: Service {
    let client: MatrixClient
    let runtime: BotRuntime
    let botUserID: String
    let logger: Logger

    func run() async throws { try await untilShutdown { try await work() } }

    func work() async throws {
        var failed: Set<String> = []
        var published: [String: [String]]?
        for await _ in await runtime.changes() {
            // Clients list a room as a direct chat only if the account's m.direct names it.
            let direct = await runtime.directRooms()
            if direct != published {
                do {
                    try await client.setAccountData(userId: botUserID, type: "m.direct",
                                                    content: .object(direct.mapValues { .array($0.map(JSONValue.string)) }))
                    published = direct
                } catch let error as MatrixError where error.isPermanent {
                    logger.warning("the homeserver refused the list of direct rooms (m.direct)", metadata: ["error": "\(error)"])
                    published = direct
                }
            }
            for request in await runtime.pendingRoomRequests() where !failed.contains(request.id) && !Task.isCancelled {
                do {
                    let roomID = try await perform(request.action)
                    try await runtime.process(.roomRequestSucceeded(requestID: request.id, roomID: roomID))
                } catch let error as MatrixError where error.isPermanent {
                    logger.warning("room request refused by the homeserver", metadata: [
                        "request": "\(request.id)", "action": "\(describe(request.action))", "error": "\(error)",
                    ])
                    failed.insert(request.id)
                    try await runtime.process(.roomRequestFailed(requestID: request.id))
                }
            }
        }
    }

    private func perform(_ action: RoomRequest.Action) async throws -> String {
        switch action {
        case .createDirectRoom(let matrixID):
            return try await client.createRoom(CreateRoomRequest.directMessage(inviting: matrixID))
        case .join(let roomID, _):
            return try await client.join(roomIdOrAlias: roomID)
        case .decline(let roomID), .leave(let roomID):
            try await client.leave(roomId: roomID)
            return roomID
        case .joinCoordinatorsRoom(let reference, let invite):
            return try await joinCoordinatorsRoom(reference, invite: invite)
        }
    }

    /// Joins the configured room; an alias nobody has taken yet becomes a new private room with
    /// every coordinator invited, so a programme can start with nothing set up by hand.
    private func joinCoordinatorsRoom(_ reference: String, invite: [String]) async throws -> String {
        if reference.hasPrefix("#"), try await client.resolveAlias(reference) == nil {
            let localpart = String(reference.dropFirst().prefix { $0 != ":" })
            var request = CreateRoomRequest(preset: "private_chat", isDirect: false, invite: invite)
            request.name = "Coordinators"
            request.roomAliasName = localpart
            request.inviteLevel = 50
            let roomID = try await client.createRoom(request)
            do {
                try await letInvite(invite, in: roomID)
            } catch {
                // The room works without it; coordinators then cannot invite a colleague themselves.
                logger.warning("could not let the coordinators invite in their room", metadata: ["error": "\(error)"])
            }
            return roomID
        }
        do {
            let roomID = try await client.join(roomIdOrAlias: reference)
            // An alias someone else took first (a public room of theirs) must not get the alerts.
            for stranger in try await CoordinatorsRoomCheck.strangers(in: roomID, client: client, allowed: await runtime.coordinatorsRoomAllowed) {
                _ = await runtime.coordinatorsRoomMember(stranger, isIn: true)
            }
            if await !runtime.coordinatorsRoomStrangers.isEmpty {
                logger.critical("COORDINATORS' ROOM HAS STRANGERS: nothing is posted there; \(CoordinatorsRoomCheck.strangersFix)",
                                metadata: ["room": "\(reference)"])
            }
            return roomID
        } catch let error as MatrixError where error.isPermanent {
            logger.error("cannot join the coordinators' room: invite the bot to it, or check coordinators_room",
                         metadata: ["room": "\(reference)"])
            throw error
        }
    }

    /// Safety alerts are read there: inviting takes level 50 (the room is created so), and only
    /// the coordinators are raised to it, so nobody else can bring a stranger in. Set after the
    /// room exists, merged into its power levels: a room creator's own level is the homeserver's
    /// to set (from room version 12 it may not even be listed).
    private func letInvite(_ coordinators: [String], in roomID: String) async throws {
        guard var levels = try await client.stateEvent(roomId: roomID, type: "m.room.power_levels"),
              case .object(var object) = levels else { return }
        var users: [String: JSONValue] = object["users"].flatMap { if case .object(let users) = $0 { users } else { nil } } ?? [:]
        for coordinator in coordinators where users[coordinator] == nil { users[coordinator] = .number(50) }
        object["users"] = .object(users)
        levels = .object(object)
        try await client.setState(roomId: roomID, type: "m.room.power_levels", content: levels)
    }

    private func describe(_ action: RoomRequest.Action) -> String {
        switch action {
        case .createDirectRoom: "create-direct-room"
        case .join: "join"
        case .decline: "decline"
        case .leave: "leave"
        case .joinCoordinatorsRoom: "join-coordinators-room"
        }
    }
}
