import BotModel
import Foundation
import MatrixClient

/// The coordinators' room must be one the bot can read: it posts alerts there (those a client
/// shows even in an encrypted room), but in an encrypted room it cannot read "ack", "resolve" or
/// any command, and alerts would repeat with nobody able to stop them. Checked by
/// `mentorbot check` and at every start.
public enum CoordinatorsRoomCheck {
    public static let fix = "create a new room in Element Web with encryption switched off (room settings: Security & Privacy), "
        + "invite the bot and the coordinators, and set coordinators_room to it; or set coordinators_room to a free alias "
        + "and the bot creates an unencrypted room itself"

    public static let strangersFix = "the room holds people who are not coordinators on the roster: safety alerts "
        + "(pair, role, category, time) must not reach them. Fix: remove them from the room, or create a new private room "
        + "with encryption off, invite the bot and the coordinators only, and set coordinators_room to it"

    /// Members (joined or invited) of the coordinators' room who are neither the bot nor a roster
    /// coordinator: someone who squatted the alias, a former colleague, a mentor added by mistake.
    public static func strangers(in roomID: String, client: MatrixClient, allowed: Set<String>) async throws -> [String] {
        try await client.membersJoinedOrInvited(roomId: roomID).filter { !allowed.contains($0) }
    }

    /// What is wrong with the room (`reference`: an id or an alias), or nil when it is fine or does not exist yet.
    public static func problem(client: MatrixClient, reference: String) async throws -> String? {
        let roomID = reference.hasPrefix("#") ? try await client.resolveAlias(reference) : reference
        guard let roomID else { return nil }
        guard try await isEncrypted(roomID, client: client) else { return nil }
        return "the coordinators' room \(reference) is encrypted: the bot cannot read commands there (ack, resolve), "
            + "so nobody could stop an alert from repeating. Fix: \(fix)"
    }

    /// A room the bot is only invited to shows its state in the invite (stripped state), which a
    /// /sync limited to that room returns; the room's own state is for members only.
    private static func isEncrypted(_ roomID: String, client: MatrixClient) async throws -> Bool {
        do {
            return try await client.isEncrypted(roomId: roomID)
        } catch let error as MatrixError where error.errcode == "M_FORBIDDEN" {
            let filter = #"{"presence":{"types":[]},"account_data":{"types":[]},"room":{"rooms":["\#(roomID)"],"#
                + #""timeline":{"limit":0},"ephemeral":{"types":[]},"account_data":{"types":[]}}}"#
            let response = try await client.sync(since: nil, filter: filter, timeoutMs: 0)
            if let invite = response.invitedRooms[roomID] { return invite.events.contains { $0.type == "m.room.encryption" } }
            throw error
        }
    }
}

extension Configuration {
    /// Who may be in the coordinators' room: the roster's coordinators and the bot.
    var coordinatorsRoomAllowed: Set<String> { Set(roster.coordinators.map(\.matrixID) + [bot.userID]) }
}
