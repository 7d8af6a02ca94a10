import ArgumentParser
import BotModel
import Dialogs
import Foundation
import MentorBotCore
import Rehearsal
import Safeguarding
import StrictYAML

/// The offline runner for dialog authors: the real core, in memory, no homeserver.
struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play the dialogs in the terminal without a homeserver, as a mentor, a mentee or both.",
        discussion: """
            Type what a person would write. Lines starting with "mentor:", "mentee:" or "coordinator:" speak as \
            that person; other lines speak as --as. ":wait 2d" moves the clock (to see timeouts and expiry), \
            ":until 2027-01-07 12:00" runs it forward hour by hour and shows when each message goes out, \
            ":react 2️⃣" reacts to the last question, ":begin closure" starts any dialog, ":consent" answers \
            onboarding for both. The same lines make a golden-transcript script (Tests/Golden).
            """)

    @Option(help: "The dialogs directory.") var dialogs: String = "Dialogs"
    @Option(help: "The mentor's language.") var mentorLanguage: String = "en"
    @Option(help: "The mentee's language (default: the mentor's).") var menteeLanguage: String?
    @Option(help: "The language of the coordinators' room.") var programmeLanguage: String = "en"
    @Option(help: "Who unprefixed lines speak as: mentor or mentee.") var `as`: String = "mentor"
    @Option(help: "Start this dialog for --as straight away (after onboarding is answered yes).") var dialog: String?

    func run() throws {
        let library: DialogLibrary
        let screener: Screener
        do {
            library = try DialogLibrary.load(directory: URL(fileURLWithPath: dialogs))
            screener = try Screener.load(directory: URL(fileURLWithPath: dialogs).appendingPathComponent("safety"))
        } catch {
            FileHandle.standardError.write(Data("mentorbot play: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let problems = BotCore.problems(in: library)
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data((problems.map(\.description).joined(separator: "\n") + "\n").utf8))
            throw ExitCode(2)
        }
        for language in [mentorLanguage, menteeLanguage ?? mentorLanguage, programmeLanguage] where library.catalogs[language] == nil {
            FileHandle.standardError.write(Data("mentorbot play: no catalog for \"\(language)\" (have: \(library.catalogs.keys.sorted().joined(separator: ", ")))\n".utf8))
            throw ExitCode(2)
        }
        guard Rehearsal.matrixID(of: `as`) != nil else {
            FileHandle.standardError.write(Data("mentorbot play: --as is mentor, mentee or coordinator\n".utf8))
            throw ExitCode(2)
        }
        var rehearsal = Rehearsal(library: library, screener: screener, mentorLanguage: mentorLanguage,
                                  menteeLanguage: menteeLanguage ?? mentorLanguage, programmeLanguage: programmeLanguage)
        let write: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
        write(RehearsalScript.render(rehearsal.start(), after: "(the bot starts)"))
        if let dialog {
            rehearsal.consentToEverything()
            write(RehearsalScript.render(rehearsal.begin(dialog, as: Rehearsal.matrixID(of: `as`)!), after: ":begin \(dialog)"))
        }
        var number = 0
        while let raw = readLine() {
            number += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let spoken = line.hasPrefix(":") || ["mentor:", "mentee:", "coordinator:"].contains(where: line.hasPrefix)
                ? line : "\(`as`): \(line)"
            do {
                write(RehearsalScript.render(try RehearsalScript.step(spoken, number: number, &rehearsal), after: spoken,
                                             zone: rehearsal.zone))
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            }
        }
    }
}
