import Foundation
import MatrixClient

/// The outbox under load, issue 11's two figures:
/// 1. one person floods the bot (500 messages, each with a reply queued); meanwhile another person's
///    "sos" must reach the coordinators' room, and a third person's question must be answered,
///    without waiting behind the backlog;
/// 2. 40 people chatting at once, each sending a message every 4.5 s: the lag from a message to
///    the bot's reply, which grows without bound if the bot cannot send as fast as people write.
struct BacklogFigures {
    var alert: [Double]
    var otherReply: [Double]
    var lostAlerts: Int
    var lostReplies: Int
    var floodRepliesSeen: Int
    var floodDrainSeconds: Double?
}

func measureBacklog(flood: Int, rounds: Int) async throws -> BacklogFigures {
    let bot = try register("floodbot")
    let coordinator = try register("floodcoord", admin: true)
    let members = try (0..<3).map { _ in try register("flooduser") }
    for account in [bot] + members { _ = try run("scripts/ratelimit-override", [homeserver, coordinator.access_token, account.user_id]) }
    let alias = "#flood-\(UUID().uuidString.prefix(6).lowercased()):localhost"
    let daemon = try launchMentorbot(bot: bot, coordinator: coordinator, role: "mentees", members: members, coordinatorsRoom: alias)
    defer {
        daemon.terminate()
        daemon.waitUntilExit()
    }
    let coordinatorClient = MatrixClient(homeserver: homeserver, accessToken: coordinator.access_token)
    let coordinatorsRoom: String? = try await joinOnceCreated(coordinatorClient, alias)
    let people = members.map(Person.init)
    for person in people { try await person.ready(bot.user_id, greeting: true) }
    let (flooder, asker, inDanger) = (people[0], people[1], people[2])

    var figures = BacklogFigures(alert: [], otherReply: [], lostAlerts: 0, lostReplies: 0, floodRepliesSeen: 0)
    let floodStart = Date()
    // The flood goes out as fast as the homeserver takes it, in the background.
    let flooding = Task {
        for index in 0..<flood { try await flooder.send("help", index: index) }
    }
    try await flooding.value
    // The backlog now sits in the bot's outbox; each round measures while it drains.
    for index in 0..<rounds {
        var since: String? = try await coordinatorClient.sync(since: nil, filter: SyncFilter.json(timelineLimit: 1), timeoutMs: 0).nextBatch
        let start = DispatchTime.now().uptimeNanoseconds
        try await inDanger.send(index == 0 ? "sos" : "sos again", index: index)
        async let reply = asker.measure(bot.user_id, text: "help", rounds: 1)
        var seen = false
        let deadline = Date().addingTimeInterval(60)
        while !seen && Date() < deadline {
            let response = try await coordinatorClient.sync(since: since, filter: SyncFilter.json(timelineLimit: 50), timeoutMs: 5_000)
            since = response.nextBatch
            seen = response.joinedRooms[coordinatorsRoom!]?.timelineEvents.contains { $0.sender == bot.user_id && $0.type == "m.room.message" } == true
        }
        if seen { figures.alert.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) } else { figures.lostAlerts += 1 }
        if let latency = try await reply.first ?? nil { figures.otherReply.append(latency) } else { figures.lostReplies += 1 }
    }
    // How long the flood's own replies took to arrive (the backlog drained).
    let deadline = Date().addingTimeInterval(300)
    while figures.floodRepliesSeen < flood && Date() < deadline {
        figures.floodRepliesSeen += try await flooder.poll(bot.user_id)
    }
    if figures.floodRepliesSeen >= flood { figures.floodDrainSeconds = Date().timeIntervalSince(floodStart) }
    return figures
}

/// `users` people each send a message every `every` seconds, `rounds` times; the lag of each reply in ms.
/// `mentorbot: false` runs the echo bot instead: the homeserver's and the clients' own cost.
func measureSteadyLoad(users: Int, every: Double, rounds: Int, mentorbot: Bool) async throws -> (lags: [Double], lost: Int) {
    let bot = try register("loadbot")
    let coordinator = try register("loadcoord", admin: true)
    let members = try (0..<users).map { _ in try register("loaduser") }
    for account in [bot] + members { _ = try run("scripts/ratelimit-override", [homeserver, coordinator.access_token, account.user_id]) }
    let (daemon, echo) = try startBot(bot, coordinator: coordinator, role: "mentees", members: members, mentorbot: mentorbot)
    defer {
        daemon?.terminate()
        daemon?.waitUntilExit()
        echo?.cancel()
    }
    let people = members.map(Person.init)
    for person in people { try await person.ready(bot.user_id, greeting: mentorbot) }
    let results = try await withThrowingTaskGroup(of: [Double?].self) { group in
        for (offset, person) in people.enumerated() {
            group.addTask {
                // Spread the people over the period, as people's messages would be.
                try await Task.sleep(for: .seconds(every * Double(offset) / Double(users)))
                return try await person.paced(bot.user_id, text: "help", every: every, rounds: rounds)
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    return (results.compactMap { $0 }, results.filter { $0 == nil }.count)
}

extension Person {
    /// Sends a message every `every` seconds (not waiting for the reply to send the next) while
    /// long-polling for the replies as a chat client does, and returns each reply's lag in ms
    /// (nil: no reply within 120 s of the last message). Replies come in order, one per message.
    func paced(_ bot: String, text: String, every: Double, rounds: Int) async throws -> [Double?] {
        let begin = ContinuousClock.now
        let sender = Task {
            for index in 0..<rounds {
                try await Task.sleep(until: begin.advanced(by: .seconds(every * Double(index))), clock: .continuous)
                try await self.send(text, index: index)
                self.sentAt.append(DispatchTime.now().uptimeNanoseconds)
            }
        }
        var lags: [Double] = []
        let deadline = Date().addingTimeInterval(every * Double(rounds) + 120)
        while lags.count < rounds && Date() < deadline {
            let got = try await poll(bot, timeoutMs: 10_000)
            let now = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<got where lags.count < sentAt.count { lags.append(Double(now - sentAt[lags.count]) / 1e6) }
        }
        sender.cancel()
        return lags.map { Optional($0) } + Array(repeating: nil, count: rounds - lags.count)
    }
}
