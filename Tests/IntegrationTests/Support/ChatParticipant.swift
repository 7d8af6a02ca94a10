import Foundation
import MatrixClient

/// A real Matrix client logged in as a test user: it syncs, joins, reads and writes like a person
/// using Element would, through the homeserver.
actor ChatParticipant {
    let account: TestHomeserver.Account
    let client: MatrixClient
    private var since: String?
    /// Messages seen so far, per room, in timeline order.
    private(set) var messages: [String: [(sender: String, eventID: String, body: String)]] = [:]
    private(set) var invites: [String: String] = [:]
    /// Files sent (m.file), per room: who sent it, its name and its mxc:// address.
    private(set) var files: [String: [(sender: String, name: String, url: String)]] = [:]

    init(_ account: TestHomeserver.Account, homeserver: TestHomeserver) {
        self.account = account
        client = homeserver.client(account)
    }

    var userID: String { account.userID }

    /// One sync round; returns quickly when there is news.
    func poll(timeoutMs: Int = 1_000) async throws {
        let response = try await client.sync(since: since, filter: SyncFilter.json(timelineLimit: 100), timeoutMs: timeoutMs)
        since = response.nextBatch
        for (roomID, room) in response.invitedRooms {
            if let inviter = room.inviter(of: account.userID) { invites[roomID] = inviter }
        }
        for (roomID, room) in response.joinedRooms {
            invites[roomID] = nil
            for event in room.timelineEvents {
                if let text = TextMessage(event: event) {
                    messages[roomID, default: []].append((event.sender, event.eventId, text.body))
                }
                if event.type == "m.room.message", event.content["msgtype"]?.stringValue == "m.file",
                   let name = event.content["body"]?.stringValue, let url = event.content["url"]?.stringValue {
                    files[roomID, default: []].append((event.sender, name, url))
                }
            }
        }
    }

    /// Waits for an invite from `inviter`, accepts it, and returns the room.
    func acceptInvite(from inviter: String, timeout: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let room = invites.first(where: { $0.value == inviter })?.key {
                _ = try await client.join(roomIdOrAlias: room)
                invites[room] = nil
                return room
            }
            try await poll()
        }
        throw TestHomeserver.Missing(description: "\(account.userID) got no invite from \(inviter) within \(timeout) s")
    }

    /// Joins every room `sender` has invited this participant to.
    func joinInvites(from sender: String) async throws {
        for (room, inviter) in invites where inviter == sender {
            _ = try await client.join(roomIdOrAlias: room)
            invites[room] = nil
        }
    }

    /// What `sender` said in every room this participant is in.
    func allBodies(from sender: String) -> [String] {
        messages.values.flatMap { $0.filter { $0.sender == sender }.map(\.body) }
    }

    func bodies(from sender: String, in room: String) -> [String] {
        (messages[room] ?? []).filter { $0.sender == sender }.map(\.body)
    }

    /// Waits until `sender` has said at least `count` messages in `room`; returns them all.
    @discardableResult
    func waitForMessages(from sender: String, in room: String, count: Int, timeout: Double = 60) async throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        while bodies(from: sender, in: room).count < count {
            guard Date() < deadline else {
                throw TestHomeserver.Missing(description:
                    "expected \(count) messages from the bot, got \(bodies(from: sender, in: room).count) within \(timeout) s")
            }
            try await poll()
        }
        return bodies(from: sender, in: room)
    }

    /// Keeps syncing for `seconds` so that anything extra (a duplicate) would be seen.
    func settle(_ seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { try await poll(timeoutMs: 500) }
    }

    /// Joins every room `sender` invites to and waits for a message of theirs containing `text`,
    /// in any room. Returns the room and the whole message.
    func waitForMessage(from sender: String, containing text: String, timeout: Double = 60) async throws -> (room: String, body: String) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            try await joinInvites(from: sender)
            for (room, list) in messages {
                if let hit = list.first(where: { $0.sender == sender && $0.body.contains(text) }) { return (room, hit.body) }
            }
            try await poll()
        }
        throw TestHomeserver.Missing(description: "no message from \(sender) containing \"\(text)\" within \(timeout) s")
    }

    @discardableResult
    func say(_ text: String, in room: String) async throws -> String {
        try await client.send(roomId: room, txnId: "t-\(UUID().uuidString)", content: MessageContent(kind: .text, body: text, html: nil))
    }

    /// Edits an earlier message as Element does: a fallback body starting with "* ", the new
    /// content, and the m.replace relation.
    func edit(_ eventID: String, to text: String, in room: String) async throws {
        let content: JSONValue = .object([
            "msgtype": .string("m.text"), "body": .string("* \(text)"),
            "m.new_content": .object(["msgtype": .string("m.text"), "body": .string(text)]),
            "m.relates_to": .object(["rel_type": .string("m.replace"), "event_id": .string(eventID)]),
        ])
        _ = try await client.sendEvent(roomId: room, type: "m.room.message", txnId: "t-\(UUID().uuidString)", content: content)
    }

    func lastEventID(from sender: String, in room: String) -> String? {
        (messages[room] ?? []).last { $0.sender == sender }?.eventID
    }
}
