import Foundation
import MatrixClient

// Reply latency through a local homeserver: each simulated user sends a message and times how
// long until the bot's reply reaches them through /sync. Run twice in the same session: once
// against a trivial echo bot (the baseline: homeserver and client cost only) and once against
// mentorbot; the difference is what mentorbot adds. Also counts lost replies and reads the
// daemon's peak RSS (VmHWM).
//
// usage: mentorbot-bench HOMESERVER SHARED_SECRET REPO_ROOT [ROUNDS]   (scripts/bench.sh runs it)

struct Account: Decodable { var user_id: String; var access_token: String }

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: mentorbot-bench HOMESERVER SHARED_SECRET REPO_ROOT [ROUNDS]\n".utf8))
    exit(2)
}
let homeserver = arguments[1], secret = arguments[2], root = URL(fileURLWithPath: arguments[3])
let rounds = arguments.count > 4 ? Int(arguments[4]) ?? 20 : 20

func run(_ tool: String, _ args: [String]) throws -> Data {
    let process = Process()
    process.executableURL = root.appendingPathComponent(tool)
    process.arguments = args
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
}

func register(_ prefix: String, admin: Bool = false) throws -> Account {
    let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    return try JSONDecoder().decode(Account.self, from: try run("scripts/register-user", [homeserver, secret, name, "pw-\(name)"] + (admin ? ["--admin"] : [])))
}

/// A simulated person: joins the bot's room, then sends and times round trips.
actor Person {
    let client: MatrixClient
    let userID: String
    var since: String?
    var room: String?
    var seen: [String: Int] = [:]
    /// When each paced message went out (see `paced`).
    var sentAt: [UInt64] = []

    init(_ account: Account) {
        client = MatrixClient(homeserver: homeserver, accessToken: account.access_token)
        userID = account.user_id
    }

    func poll(_ bot: String, timeoutMs: Int = 5_000) async throws -> Int {
        let response = try await client.sync(since: since, filter: SyncFilter.json(timelineLimit: 50), timeoutMs: since == nil ? 0 : timeoutMs)
        since = response.nextBatch
        for (id, invite) in response.invitedRooms where invite.inviter(of: userID) == bot {
            _ = try await client.join(roomIdOrAlias: id)
            room = id
        }
        var fromBot = 0
        for (id, joined) in response.joinedRooms {
            if room == nil, joined.involves(bot) { room = id }
            fromBot += joined.timelineEvents.filter { $0.sender == bot && $0.type == "m.room.message" }.count
        }
        return fromBot
    }

    /// Waits for the greeting (or, for the echo bot, an open room).
    func ready(_ bot: String, greeting: Bool) async throws {
        var count = 0
        while room == nil || (greeting && count == 0) { count += try await poll(bot) }
    }

    func send(_ text: String, index: Int) async throws {
        _ = try await client.send(roomId: room!, txnId: "s-\(UUID().uuidString)-\(index)", content: MessageContent(kind: .text, body: text, html: nil))
    }

    /// Sends `rounds` messages one after another; returns each reply's latency in ms (nil = lost).
    func measure(_ bot: String, text: String, rounds: Int) async throws -> [Double?] {
        var latencies: [Double?] = []
        for index in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await client.send(roomId: room!, txnId: "b-\(UUID().uuidString)-\(index)", content: MessageContent(kind: .text, body: text, html: nil))
            var got = 0
            let deadline = Date().addingTimeInterval(10)
            while got == 0 && Date() < deadline { got = try await poll(bot) }
            latencies.append(got > 0 ? Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 : nil)
        }
        return latencies
    }
}

/// Starts the release build of the daemon for a programme of `members` (all `role`: "mentors" or
/// "mentees", all English) and one coordinator, in a fresh data directory.
func launchMentorbot(bot: Account, coordinator: Account, role: String, members: [Account], coordinatorsRoom: String) throws -> Process {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try bot.access_token.write(to: directory.appendingPathComponent("token"), atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory.appendingPathComponent("token").path)
    let prefix = role == "mentors" ? "M" : "E"
    let lines = members.enumerated().map { "    - {id: \(prefix)\($0.offset), matrix_id: \"\($0.element.user_id)\", language: en}" }
    let yaml = """
    homeserver: \(homeserver)
    bot: {user_id: "\(bot.user_id)", access_token_file: \(directory.appendingPathComponent("token").path)}
    data_directory: \(directory.appendingPathComponent("data").path)
    dialogs_directory: \(root.appendingPathComponent("Dialogs").path)
    coordinators_room: "\(coordinatorsRoom)"
    programme:
      default_language: en
      time_zone: Europe/Brussels
      # Shared by every daemon of the run: the examples are embedded once, not at every launch.
      safety: {semantic: {cache: \(FileManager.default.temporaryDirectory.appendingPathComponent("mentorbot-bench-semantic.cache").path)}}
    roster:
      coordinators:
        - {id: C1, matrix_id: "\(coordinator.user_id)"}
      \(role):
    \(lines.joined(separator: "\n"))
    """
    try yaml.write(to: directory.appendingPathComponent("mentorbot.yaml"), atomically: true, encoding: .utf8)
    let process = Process()
    // MENTORBOT_BINARY: another build to compare against in the same session (e.g. an older commit).
    process.executableURL = ProcessInfo.processInfo.environment["MENTORBOT_BINARY"].map { URL(fileURLWithPath: $0) }
        ?? root.appendingPathComponent(".build/release/mentorbot")
    process.arguments = ["run", "--config", directory.appendingPathComponent("mentorbot.yaml").path, "--log-level", "warning"]
    try process.run()
    return process
}

/// mentorbot (release build) for `members`, or the echo bot in its place.
func startBot(_ bot: Account, coordinator: Account, role: String, members: [Account],
              mentorbot: Bool) throws -> (daemon: Process?, echo: Task<Void, Error>?) {
    guard mentorbot else { return (nil, echoBot(bot, people: members.map(\.user_id))) }
    let room = "#bench-\(UUID().uuidString.prefix(6).lowercased()):localhost"
    return (try launchMentorbot(bot: bot, coordinator: coordinator, role: role, members: members, coordinatorsRoom: room), nil)
}

/// The baseline bot: answers every message at once, no store, no dialog. Same client library.
func echoBot(_ account: Account, people: [String]) -> Task<Void, Error> {
    Task {
        let client = MatrixClient(homeserver: homeserver, accessToken: account.access_token)
        var since: String?
        for person in people {
            let room = try await client.createRoom(CreateRoomRequest.directMessage(inviting: person))
            _ = room
        }
        while !Task.isCancelled {
            let response = try await client.sync(since: since, filter: SyncFilter.json(timelineLimit: 50), timeoutMs: since == nil ? 0 : 5_000)
            let first = since == nil
            since = response.nextBatch
            guard !first else { continue }
            for (room, joined) in response.joinedRooms {
                for event in joined.timelineEvents where event.sender != account.user_id && event.type == "m.room.message" {
                    _ = try await client.send(roomId: room, txnId: "e-\(event.eventId)", content: MessageContent(kind: .text, body: "echo", html: nil))
                }
            }
        }
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

struct Row { var name: String; var users: Int; var latencies: [Double?]; var rssMB: Double? }

func measure(users: Int, mentorbot: Bool) async throws -> Row {
    let bot = try register("benchbot")
    let admin = try register("benchadmin", admin: true)
    _ = try run("scripts/ratelimit-override", [homeserver, admin.access_token, bot.user_id])
    let accounts = try (0..<users).map { _ in try register("benchuser") }
    // Simulated people send far faster than people type: lift their limit too, or the benchmark
    // would time the homeserver's rate limiter (0.2 messages/s after a burst of 10).
    for account in accounts { _ = try run("scripts/ratelimit-override", [homeserver, admin.access_token, account.user_id]) }
    let people = accounts.map(Person.init)
    let (daemon, echo) = try startBot(bot, coordinator: admin, role: "mentors", members: accounts, mentorbot: mentorbot)
    for person in people { try await person.ready(bot.user_id, greeting: mentorbot) }
    let latencies = try await withThrowingTaskGroup(of: [Double?].self) { group in
        for person in people { group.addTask { try await person.measure(bot.user_id, text: "start", rounds: rounds) } }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    var rss: Double?
    if let daemon {
        let status = (try? String(contentsOfFile: "/proc/\(daemon.processIdentifier)/status", encoding: .utf8)) ?? ""
        if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty }?.trimmingCharacters(in: .whitespaces) ?? "") {
            rss = kb / 1024
        }
        daemon.terminate()
        daemon.waitUntilExit()
    }
    echo?.cancel()
    return Row(name: mentorbot ? "mentorbot" : "echo baseline", users: users, latencies: latencies, rssMB: rss)
}

func summary(_ values: [Double]) -> String {
    let sorted = values.sorted()
    return String(format: "p50 %.0f ms, p95 %.0f ms, max %.0f ms (%d samples)", percentile(sorted, 0.5), percentile(sorted, 0.95),
                  sorted.last ?? .nan, sorted.count)
}

// OUTBOX_ONLY=1 measures only the outbox under load (a flood's backlog, 40 people chatting).
if ProcessInfo.processInfo.environment["OUTBOX_ONLY"] == "1" {
    let flood = Int(ProcessInfo.processInfo.environment["FLOOD"] ?? "") ?? 500
    let backlog = try await measureBacklog(flood: flood, rounds: 5)
    print("One person's \(flood) messages queued; meanwhile another person writes \"sos\" and a third asks for help:")
    print("- alert in the coordinators' room: \(summary(backlog.alert)), lost \(backlog.lostAlerts)")
    print("- the third person's reply: \(summary(backlog.otherReply)), lost \(backlog.lostReplies)")
    print("- the flood's own replies: \(backlog.floodRepliesSeen) of \(flood) seen"
        + (backlog.floodDrainSeconds.map { String(format: ", all within %.1f s of the first message", $0) } ?? ""))
    let users = Int(ProcessInfo.processInfo.environment["LOAD_USERS"] ?? "") ?? 40
    for mentorbot in [false, true] {
        let load = try await measureSteadyLoad(users: users, every: 4.5, rounds: rounds, mentorbot: mentorbot)
        print("\(users) people each writing every 4.5 s, \(rounds) messages each, \(mentorbot ? "mentorbot" : "echo baseline"): "
            + "reply lag \(summary(load.lags)), lost \(load.lost)")
    }
    exit(0)
}

// ALERTS_ONLY=1 measures only the safety-alert latency (quicker, e.g. after changing the safety path).
if ProcessInfo.processInfo.environment["ALERTS_ONLY"] != "1" {
    let own = try await measureOwnProcessing(root: root, messages: 2_000).sorted()
    print("Own processing per incoming message (decide + journal with fsync), 2000 messages from 20 mentors:")
    print(String(format: "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms\n", percentile(own, 0.5), percentile(own, 0.95), percentile(own, 0.99), own.last ?? 0))

    var rows: [Row] = []
    for users in [1, 20] {
        rows.append(try await measure(users: users, mentorbot: false))
        rows.append(try await measure(users: users, mentorbot: true))
    }
    print("| bot | users | replies | lost | p50 ms | p95 ms | p99 ms | max ms | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows {
        let got = row.latencies.compactMap { $0 }.sorted()
        let f = { (v: Double) in String(format: "%.1f", v) }
        print("| \(row.name) | \(row.users) | \(got.count) | \(row.latencies.count - got.count) | \(f(percentile(got, 0.5))) | "
            + "\(f(percentile(got, 0.95))) | \(f(percentile(got, 0.99))) | \(f(got.last ?? .nan)) | \(row.rssMB.map(f) ?? "-") |")
    }
    for users in [1, 20] {
        let pair = rows.filter { $0.users == users }
        let medians = pair.map { percentile($0.latencies.compactMap { $0 }.sorted(), 0.5) }
        if medians.count == 2 {
            print("\(users) user(s): mentorbot adds \(String(format: "%.1f", medians[1] - medians[0])) ms to the median reply "
                + "(ratio \(String(format: "%.2f", medians[1] / medians[0])) against the echo baseline)")
        }
    }
}

let alerts = try await measureAlertLatency(rounds: max(rounds, 20))
let baselineSorted = alerts.baseline.sorted(), alertSorted = alerts.mentorbot.sorted()
print("\nSafety alert latency (the safety word sent by a mentee's client until the alert is seen by the coordinator's client):")
print("| path | alerts | lost | p50 ms | p95 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|---|")
for (name, values, lost) in [("direct message, no bot (baseline)", baselineSorted, 0), ("mentorbot alert", alertSorted, alerts.lost)] {
    let f = { (v: Double) in String(format: "%.1f", v) }
    print("| \(name) | \(values.count) | \(lost) | \(f(percentile(values, 0.5))) | \(f(percentile(values, 0.95))) | "
        + "\(f(percentile(values, 0.99))) | \(f(values.last ?? .nan)) |")
}
print(String(format: "alert p99 %.1f ms (target under 1000 ms); median ratio against the baseline %.2f",
             percentile(alertSorted, 0.99), percentile(alertSorted, 0.5) / percentile(baselineSorted, 0.5)))
