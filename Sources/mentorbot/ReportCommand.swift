import ArgumentParser
import Foundation
import MentorBotCore
import MentorBotDaemon
import ProgrammeReport

/// `mentorbot report --month 2026-11`: the programme's figures for a month, as CSV files and one
/// HTML page with charts, from the bot's data (the bot may be running).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a month's programme figures as CSV files and an HTML page with charts (the bot may keep running).")

    @OptionGroup var options: ConfigOption
    @Option(help: "The month, as YYYY-MM (default: the month before this one).") var month: String?
    @Option(help: "Folder for the files.") var out = "."

    func run() async throws {
        let programme = try options.loadProgramme()
        let core = BotCore(configuration: programme.configuration, library: programme.library, screener: programme.screener)
        do {
            let chosen = try month.map(ReportMonth.init(parsing:)) ?? ReportMonth(containing: Date(), in: core.programmeZone).previous()
            let state = try await ReportFiles.currentState(dataDirectory: URL(fileURLWithPath: programme.configuration.dataDirectory))
            let figures = core.figures(for: chosen, in: state, asOf: Date())
            let files = try ReportFiles.write(figures, page: core.reportPage(figures), to: URL(fileURLWithPath: out))
            print("OK: \(chosen): pairs \(figures.pairs.count), meetings \(figures.meetings), people counted \(figures.peopleCounted) "
                + "(left out, without consent: \(figures.peopleNotCounted)). Written:")
            for file in files { print("  \(file.path)") }
        } catch {
            FileHandle.standardError.write(Data("mentorbot report: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
