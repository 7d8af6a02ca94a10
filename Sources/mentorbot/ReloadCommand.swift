import ArgumentParser
import DurableStore
import Foundation
import MentorBotDaemon

/// `mentorbot reload`: checks the configuration as `mentorbot check` does, then asks the running
/// bot to read it again (SIGHUP, as `systemctl reload mentorbot` does). A configuration with
/// problems is not sent: the report is printed here and the bot carries on as it was.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Check the configuration, roster and dialogs, then have the running bot take them over without a restart.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let programme = try options.loadProgramme(then: "mentorbot reload: nothing was sent; the bot carries on as it was")
        let directory = programme.configuration.dataDirectory
        do {
            guard let pid = try StoreLock.holder(of: URL(fileURLWithPath: directory)) else {
                FileHandle.standardError.write(Data("mentorbot reload: no bot is running on \(directory); start it instead\n".utf8))
                throw ExitCode(2)
            }
            // What holds the directory may be another command writing the store (an erasure):
            // a SIGHUP would end it half-way. Where the command line cannot be read, the lock is trusted.
            if let arguments = DaemonProcess.commandLine(of: pid), !DaemonProcess.isDaemon(arguments) {
                let command = arguments.dropFirst().prefix(2).joined(separator: " ")
                let message = "mentorbot reload: \(directory) is held by pid \(pid) (mentorbot \(command)), not by the running bot; "
                    + "wait for it to finish, then start the bot or reload it\n"
                FileHandle.standardError.write(Data(message.utf8))
                throw ExitCode(2)
            }
            guard kill(pid, SIGHUP) == 0 else {
                let reason = String(cString: strerror(errno))
                FileHandle.standardError.write(Data("mentorbot reload: cannot signal the bot (pid \(pid)): \(reason); run this as the bot's user\n".utf8))
                throw ExitCode(2)
            }
            let roster = programme.configuration.roster
            print("OK: the configuration checks out (\(roster.people.count) people, \(roster.pairs.count) pairs); "
                + "the bot (pid \(pid)) is reloading. Its log says what changed (\"reload applied\") or why not (\"RELOAD REFUSED\")")
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("mentorbot reload: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
