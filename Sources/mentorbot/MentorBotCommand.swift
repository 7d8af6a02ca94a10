import ArgumentParser
import Foundation
import MentorBotDaemon

@main
struct MentorBotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mentorbot",
        abstract: "A Matrix bot that supports mentoring programmes: check-ins, meetings, support and safety.",
        subcommands: [RunCommand.self, CheckCommand.self, ChatCommand.self, PlayCommand.self, ScreenCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "Path of the configuration file.")
    var config: String = "Config/mentorbot.yaml"
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and the dialogs it names; print each problem with file, line and key.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        do {
            let programme = try ProgrammeLoader.load(configurationPath: options.config)
            let roster = programme.configuration.roster
            print("OK: \(options.config): \(roster.people.count) people, \(roster.pairs.count) pairs, "
                + "\(programme.library.scripts.count) dialogs, languages \(programme.library.catalogs.keys.sorted().joined(separator: " "))")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
