import Foundation
import MatrixClient

/// A minimal Matrix chat client for the terminal, so anyone can talk to the bot without
/// installing Element: it logs in as a person, accepts the bot's invite, prints what the bot
/// says and sends what is typed.
struct TerminalChat {
    let client: MatrixClient
    let botUserID: String
    let output: @Sendable (String) -> Void

    init(homeserver: String, botUserID: String, output: @escaping @Sendable (String) -> Void) {
        self.client = MatrixClient(homeserver: homeserver)
        self.botUserID = botUserID
        self.output = output
    }

    func run(user: String, password: String) async throws {
        let login = try await client.login(user: user, password: password, deviceId: nil,
                                           initialDeviceDisplayName: "mentorbot chat")
        client.setAccessToken(login.accessToken)
        output("Logged in as \(login.userId). Waiting for MentorBot… (type a message and press Enter; Ctrl-D quits)")
        let room = RoomHolder()
        let lines = Self.standardInputLines()
        let client = self.client, output = self.output
        let sender = Task { @Sendable in
            for await line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let roomID = await room.id else {
                    output("(MentorBot has not opened a chat with you yet; wait a moment)")
                    continue
                }
                _ = try await client.send(roomId: roomID, txnId: "chat-\(UUID().uuidString)",
                                          content: MessageContent(kind: .text, body: line, html: nil))
            }
        }
        // Printing runs beside typing; the chat ends when standard input ends (Ctrl-D). The
        // receiver may be inside a 30-second long-poll, so it is cancelled, not awaited.
        let botUserID = self.botUserID
        let receiver = Task { @Sendable in
            do {
                try await Self.receive(client: client, userID: login.userId, botUserID: botUserID, room: room, output: output)
            } catch {
                output("mentorbot chat: \(error)")
            }
        }
        try await sender.value
        receiver.cancel()
    }

    private static func receive(client: MatrixClient, userID: String, botUserID: String, room: RoomHolder,
                                output: @Sendable (String) -> Void) async throws {
        var since: String?
        while !Task.isCancelled {
            let response = try await client.sync(since: since, filter: SyncFilter.json(timelineLimit: 20),
                                                 timeoutMs: since == nil ? 0 : 30_000)
            for (roomID, invited) in response.invitedRooms where invited.inviter(of: userID) == botUserID {
                _ = try await client.join(roomIdOrAlias: roomID)
            }
            for (roomID, joined) in response.joinedRooms {
                let botMessages = joined.timelineEvents.compactMap { event -> String? in
                    guard event.sender == botUserID else { return nil }
                    return TextMessage(event: event)?.body
                }
                if await room.id == nil, joined.involves(botUserID) || !botMessages.isEmpty { await room.set(roomID) }
                guard await room.id == roomID else { continue }
                for text in botMessages { output("\nMentorBot › " + text.replacingOccurrences(of: "\n", with: "\n            ")) }
            }
            since = response.nextBatch
        }
    }

    /// Lines from standard input, read on a dedicated thread because readLine blocks.
    static func standardInputLines() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine() { continuation.yield(line) }
                continuation.finish()
            }
            thread.start()
        }
    }
}

private actor RoomHolder {
    var id: String?
    func set(_ value: String) { id = value }
}
