import Foundation
import MentorBotDaemon

/// The real `mentorbot run` executable, started as a child process with its own configuration
/// and data directory, so tests can SIGKILL and SIGTERM it like an operator or a crash would.
final class BotProcess: @unchecked Sendable {
    let directory: URL
    let configPath: String
    let binary: String
    private var process: Process?
    private(set) var stderrPath: String

    struct Member {
        var id: String
        var userID: String
        var role: String
        var language: String
        var backup = false
    }

    init(homeserver: TestHomeserver, homeserverURL: String? = nil, bot: TestHomeserver.Account, token: String? = nil,
         members: [Member], pairs: [(String, String, String)], monitoringPort: Int? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mentorbot-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        binary = try homeserver.mentorbotBinary
        let tokenFile = directory.appendingPathComponent("token").path
        try (token ?? bot.accessToken).write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        func list(_ role: String) -> String {
            let chosen = members.filter { $0.role == role }
            if chosen.isEmpty { return "    []" }
            return chosen
                .map { "    - {id: \($0.id), matrix_id: \"\($0.userID)\", language: \($0.language)\($0.backup ? ", backup: true" : "")}" }
                .joined(separator: "\n")
        }
        // Matched today, whenever the tests run, so that the pair's rhythm starts from now.
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "Europe/Brussels")!,
                                                formatOptions: [.withFullDate])
        coordinatorsRoom = "#coordinators-\(UUID().uuidString.prefix(8).lowercased()):localhost"
        let yaml = """
        homeserver: \(homeserverURL ?? homeserver.url)
        bot:
          user_id: "\(bot.userID)"
          access_token_file: \(tokenFile)
        data_directory: \(directory.appendingPathComponent("data").path)
        dialogs_directory: \(homeserver.repoRoot.appendingPathComponent("Dialogs").path)
        coordinators_room: "\(coordinatorsRoom)"
        \(monitoringPort.map { "monitoring_port: \($0)" } ?? "")
        programme:
          default_language: en
          time_zone: Europe/Brussels
          safety:
            semantic:
              # One cache for every test bot of this checkout: the examples are embedded once, not per test.
              cache: \(SemanticLayer.scratchCache(dialogs: homeserver.repoRoot.appendingPathComponent("Dialogs").path).path)
        roster:
          coordinators:
        \(list("coordinator"))
          mentors:
        \(list("mentor"))
          mentees:
        \(list("mentee"))
          pairs:
        \(pairs.map { "    - {id: \($0.0), mentor: \($0.1), mentee: \($0.2), start: \"\(today)\"}" }.joined(separator: "\n"))
        """
        configPath = directory.appendingPathComponent("mentorbot.yaml").path
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        stderrPath = directory.appendingPathComponent("stderr-0.log").path
    }

    var dataDirectory: URL { directory.appendingPathComponent("data") }
    /// The alias of the coordinators' room the bot creates.
    let coordinatorsRoom: String

    /// Seconds the running bot adds to its clock (see DaemonClock): how tests fast-forward it.
    var clockOffsetFile: URL { directory.appendingPathComponent("clock-offset") }

    func setClock(to instant: Date) throws {
        try String(instant.timeIntervalSinceNow).write(to: clockOffsetFile, atomically: true, encoding: .utf8)
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "--config", configPath]
        var environment = ProcessInfo.processInfo.environment
        environment["MENTORBOT_CLOCK_OFFSET_FILE"] = clockOffsetFile.path
        process.environment = environment
        var index = 0
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent("stderr-\(index).log").path) { index += 1 }
        stderrPath = directory.appendingPathComponent("stderr-\(index).log").path
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    func kill(_ signal: Int32) {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; returns its exit status, or nil if it is still running.
    func waitForExit(timeout: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while let process, process.isRunning {
            guard Date() < deadline else { return nil }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return process?.terminationStatus
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for a log line of the running bot that contains `text`, and returns it.
    func waitForLog(_ text: String, timeout: Double = 30) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stderr.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw TimedOut(what: "a log line with \"\(text)\" within \(Int(timeout)) s")
    }

    struct TimedOut: Error { var what: String }

    /// Runs another `mentorbot` command on this bot's configuration; its status, and its output
    /// followed by what it said on standard error.
    func command(_ arguments: [String]) throws -> (Int32, String) {
        let run = try ProgramRun(binary, arguments + ["--config", configPath])
        return (run.status, run.output + run.errors)
    }
    var isRunning: Bool { process?.isRunning == true }

    /// All journal lines, for checking what the store holds.
    var journal: String { (try? String(contentsOf: dataDirectory.appendingPathComponent("journal.jsonl"), encoding: .utf8)) ?? "" }
    var snapshot: String { (try? String(contentsOf: dataDirectory.appendingPathComponent("snapshot.json"), encoding: .utf8)) ?? "" }

    deinit {
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}
