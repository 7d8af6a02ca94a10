import Foundation
import MatrixClient

/// Safety-alert latency through the local homeserver: a mentee's client sends the safety word and
/// a coordinator's client waits, in a /sync long-poll, for the alert to appear in the coordinators'
/// room. The baseline, in the same session: the same two clients, the mentee writing straight into
/// a room the coordinator is in (homeserver and client cost only, no bot in between).
struct AlertLatency {
    var baseline: [Double]
    var mentorbot: [Double]
    var lost: Int
}

/// Waits until `sender` has posted in `room`, as seen by `client`'s sync; returns false on timeout.
private func waitForMessage(_ client: MatrixClient, since: inout String?, room: String, from sender: String, timeout: Double) async throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let response = try await client.sync(since: since, filter: SyncFilter.json(timelineLimit: 50), timeoutMs: 5_000)
        since = response.nextBatch
        if response.joinedRooms[room]?.timelineEvents.contains(where: { $0.sender == sender && $0.type == "m.room.message" }) == true {
            return true
        }
    }
    return false
}

/// Joins the coordinators' room as soon as the bot has created it under `alias`.
func joinOnceCreated(_ client: MatrixClient, _ alias: String) async throws -> String {
    while true {
        if let room = try? await client.join(roomIdOrAlias: alias) { return room }
        try await Task.sleep(for: .milliseconds(200))
    }
}

func measureAlertLatency(rounds: Int) async throws -> AlertLatency {
    let bot = try register("alertbot")
    let coordinator = try register("alertcoord", admin: true)
    let mentees = try (0..<5).map { _ in try register("alertmentee") }
    for account in [bot] + mentees { _ = try run("scripts/ratelimit-override", [homeserver, coordinator.access_token, account.user_id]) }
    let coordinatorClient = MatrixClient(homeserver: homeserver, accessToken: coordinator.access_token)

    // Baseline: a mentee writes into a room the coordinator shares.
    let first = MatrixClient(homeserver: homeserver, accessToken: mentees[0].access_token)
    let shared = try await first.createRoom(CreateRoomRequest.directMessage(inviting: coordinator.user_id))
    _ = try await coordinatorClient.join(roomIdOrAlias: shared)
    var since: String? = try await coordinatorClient.sync(since: nil, filter: SyncFilter.json(timelineLimit: 1), timeoutMs: 0).nextBatch
    var baseline: [Double] = []
    for index in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try await first.send(roomId: shared, txnId: "base-\(index)-\(UUID().uuidString)", content: MessageContent(kind: .text, body: "sos", html: nil))
        if try await waitForMessage(coordinatorClient, since: &since, room: shared, from: mentees[0].user_id, timeout: 10) {
            baseline.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
    }

    // mentorbot: the safety word from each mentee in turn, in their direct room with the bot.
    let alias = "#alerts-\(UUID().uuidString.prefix(6).lowercased()):localhost"
    let daemon = try launchMentorbot(bot: bot, coordinator: coordinator, role: "mentees", members: mentees, coordinatorsRoom: alias)
    defer {
        daemon.terminate()
        daemon.waitUntilExit()
    }
    let coordinatorsRoom: String? = try await joinOnceCreated(coordinatorClient, alias)
    let people = mentees.map(Person.init)
    for person in people { try await person.ready(bot.user_id, greeting: true) }
    since = try await coordinatorClient.sync(since: nil, filter: SyncFilter.json(timelineLimit: 1), timeoutMs: 0).nextBatch
    var latencies: [Double] = []
    var lost = 0
    for index in 0..<rounds {
        let person = people[index % people.count]
        let start = DispatchTime.now().uptimeNanoseconds
        try await person.send("sos", index: index)
        if try await waitForMessage(coordinatorClient, since: &since, room: coordinatorsRoom!, from: bot.user_id, timeout: 10) {
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        } else {
            lost += 1
        }
        // Let the person's own replies settle, so that rounds do not overlap.
        try await Task.sleep(for: .milliseconds(200))
    }
    return AlertLatency(baseline: baseline, mentorbot: latencies, lost: lost)
}
