import ArgumentParser
import BotModel
import Foundation
import MentorBotCore
import MentorBotDaemon
import Safeguarding

@main
struct MentorBotCommand: AsyncParsableCommand {
    /// Raised with each release; `mentorbot --version` prints it (operators report it with a problem).
    static let version = "0.13.0"

    static let configuration = CommandConfiguration(
        commandName: "mentorbot",
        abstract: "A Matrix bot that supports mentoring programmes: check-ins, meetings, support and safety.",
        version: MentorBotCommand.version,
        subcommands: [RunCommand.self, CheckCommand.self, ChatCommand.self, PlayCommand.self, ScreenCommand.self,
                      BackupCommand.self, RestoreCommand.self, ReloadCommand.self, PersonCommand.self, AuditCommand.self,
                      ReportCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "Path of the configuration file.")
    var config: String = "Config/mentorbot.yaml"

    /// The configuration, roster and dialogs; on any problem, the report (file, line, key) and
    /// `then` on standard error, and exit status 2.
    func loadProgramme(then: String? = nil) throws -> LoadedProgramme {
        do {
            return try ProgrammeLoader.load(configurationPath: config)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n\(then.map { $0 + "\n" } ?? "")".utf8))
            throw ExitCode(2)
        }
    }
}

struct CheckCommand: AsyncParsableCommand {
    /// Whether the bot will screen with both layers: the model loads and the examples can be read.
    /// Without the model the bot still runs, on the phrase lists alone; that must not go unnoticed.
    private func reportSemanticLayer(_ configuration: Configuration) {
        let settings = configuration.programme.safety.semantic
        let folder = SemanticLayer.modelFolder(configured: settings.model, dialogs: configuration.dialogsDirectory)
        do {
            let embedder = try SemanticLayer.embedder(in: folder)
            let (examples, formal) = try SemanticLayer.readExamples(SemanticLayer.examplesDirectory(dialogs: configuration.dialogsDirectory))
            print("OK: semantic screening: model \(embedder.location.weights.path), \(examples.count) examples, "
                + "\(formal.count) colloquial Persian words read in their formal form")
        } catch {
            FileHandle.standardError.write(Data("WARNING: SEMANTIC SCREENING WILL BE OFF, phrase lists only: \(error)\n".utf8))
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and the dialogs it names; print each problem with file, line and key.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let programme: LoadedProgramme
        do {
            programme = try ProgrammeLoader.load(configurationPath: options.config)
            let roster = programme.configuration.roster
            print("OK: \(options.config): \(roster.people.count) people, \(roster.pairs.count) pairs, "
                + "\(programme.library.scripts.count) dialogs, languages \(programme.library.catalogs.keys.sorted().joined(separator: " "))")
            reportSemanticLayer(programme.configuration)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        if offline { return }
        await reportCoordinatorsRoom(programme.configuration)
    }

    @Flag(help: "Do not contact the homeserver (skips the coordinators' room check).") var offline = false

    /// The coordinators' room, on the homeserver: an encrypted one is a problem (exit status 2).
    private func reportCoordinatorsRoom(_ configuration: Configuration) async {
        do {
            let client = try await Daemon.connect(configuration)
            if let problem = try await CoordinatorsRoomCheck.problem(client: client, reference: configuration.coordinatorsRoom) {
                FileHandle.standardError.write(Data("PROBLEM: \(problem)\n".utf8))
                Foundation.exit(2)
            }
            print("OK: coordinators' room \(configuration.coordinatorsRoom) is readable by the bot (not encrypted) or will be created")
        } catch {
            FileHandle.standardError.write(Data("WARNING: the coordinators' room was not checked: \(error)\n".utf8))
        }
    }
}
