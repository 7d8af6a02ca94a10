import ArgumentParser
import Foundation
import Logging
import MentorBotDaemon

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bot until SIGTERM or SIGINT.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        // Before anything slow: a stop signal during start-up must end the daemon cleanly.
        let stop = SignalWatcher.stopSignals()
        let reload = SignalWatcher.reloadSignal()
        let programme: LoadedProgramme
        do {
            programme = try ProgrammeLoader.load(configurationPath: options.config)
        } catch {
            FileHandle.standardError.write(Data("mentorbot: configuration problems:\n\(error)\n".utf8))
            throw ExitCode(2)
        }
        // The log's form and level come from the configuration (logging:); --log-level overrides the level.
        if programme.configuration.logAsJSON { LoggingSystem.bootstrap { JSONLogHandler(label: $0) } }
        var logger = Logger(label: "mentorbot")
        logger.logLevel = Logger.Level(rawValue: logLevel ?? programme.configuration.logLevel) ?? .info
        do {
            try await Daemon(programme: programme, logger: logger, stop: stop, reload: reload).run()
        } catch let exit as DaemonExit {
            FileHandle.standardError.write(Data("mentorbot: \(exit)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with the bot from the terminal as a programme member (for demos and trying dialogs).")

    @Option(help: "Homeserver URL.") var homeserver: String = "http://127.0.0.1:8448"
    @Option(help: "Your Matrix user id, e.g. @mentor:localhost.") var user: String
    @Option(help: "Environment variable holding your password.") var passwordEnv: String = "MENTORBOT_CHAT_PASSWORD"
    @Option(help: "The bot's Matrix user id.") var bot: String = "@mentorbot:localhost"

    func run() async throws {
        guard let password = ProcessInfo.processInfo.environment[passwordEnv], !password.isEmpty else {
            FileHandle.standardError.write(Data("mentorbot chat: set \(passwordEnv) to your password\n".utf8))
            throw ExitCode(2)
        }
        let chat = TerminalChat(homeserver: homeserver, botUserID: bot) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        do {
            try await chat.run(user: user, password: password)
        } catch {
            FileHandle.standardError.write(Data("mentorbot chat: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
