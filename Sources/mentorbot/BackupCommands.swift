import ArgumentParser
import BotModel
import DurableStore
import Foundation
import MentorBotDaemon

/// `mentorbot backup DIR`: a consistent copy of the data directory, safe while the bot runs, checked
/// by opening it as the bot would.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the bot's data into a new folder, safely while it runs, and check the copy.")

    @OptionGroup var options: ConfigOption
    @Argument(help: "A new (or empty) folder for the copy, e.g. /var/backups/mentorbot/2026-12-02.") var folder: String

    func run() async throws {
        let dataDirectory = try options.loadProgramme().configuration.dataDirectory
        let destination = URL(fileURLWithPath: folder)
        do {
            try StoreBackup.copy(from: URL(fileURLWithPath: dataDirectory), to: destination)
            print("OK: \(try await describeCheckedCopy(destination))")
        } catch {
            FileHandle.standardError.write(Data("mentorbot backup: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// `mentorbot restore DIR`: puts a checked copy back, with the bot stopped; the present files are
/// moved aside, never deleted.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back in place of the bot's data (stop the bot first); the present files are moved aside.")

    @OptionGroup var options: ConfigOption
    @Argument(help: "A folder made by `mentorbot backup`.") var folder: String
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() async throws {
        let dataDirectory = try options.loadProgramme().configuration.dataDirectory
        let backup = URL(fileURLWithPath: folder)
        do {
            print("The backup holds \(try await describeCheckedCopy(backup)).")
            if !yes {
                print("This replaces the bot's data in \(dataDirectory) with it; the present files are moved aside. Type yes to go on: ",
                      terminator: "")
                guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    print("Nothing was changed.")
                    return
                }
            }
            let aside = try StoreBackup.install(backup, as: URL(fileURLWithPath: dataDirectory))
            print("OK: restored into \(dataDirectory)" + (aside.map { "; the files it held are in \($0.path)" } ?? ""))
        } catch let error as StoreError {
            if case .locked = error {
                FileHandle.standardError.write(Data("mentorbot restore: \(error). Stop it (systemctl stop mentorbot) and try again\n".utf8))
            } else {
                FileHandle.standardError.write(Data("mentorbot restore: \(error)\n".utf8))
            }
            throw ExitCode(2)
        }
    }
}


/// Opens a copy as the bot would (checksums, order, sane values; a write cut short at its end is
/// repaired) and says what it holds.
private func describeCheckedCopy(_ folder: URL) async throws -> String {
    let (store, recovered) = try EventStore<DomainEvent, BotState>.open(directory: folder)
    await store.close()
    let state = recovered.state
    return "\(folder.path): \(recovered.snapshot == nil ? "no snapshot" : "a snapshot") and \(recovered.records.count) journal records after it, "
        + "\(state.people.count) people, \(state.incidents.count) incidents, \(state.outbox.count) messages waiting"
}
