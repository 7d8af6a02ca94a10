import ArgumentParser
import BotModel
import DurableStore
import Foundation
import MentorBotDaemon

/// `mentorbot person export|erase ID`: a person's rights over their data, on a stopped bot's data.
struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "Export or erase what the bot holds about one person (stop the bot first).",
        subcommands: [ExportCommand.self, EraseCommand.self])

    struct ExportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write everything the bot holds about a person as JSON and as readable text (a subject access request).")

        @OptionGroup var options: ConfigOption
        @Argument(help: "The person's id in the roster, e.g. E12.") var id: String
        @Option(help: "Folder for ID-export.json and ID-export.txt.") var out = "."
        @Option(help: "Who asks, for the audit log (default: your account on this machine).") var by = operatorName()

        func run() async throws {
            let (configuration, person) = try rosterPerson(id, options)
            do {
                let pairs = configuration.roster.pairs(of: person).map(\.id)
                let data = try await DataRights.export(person, pairIDs: pairs, dataDirectory: URL(fileURLWithPath: configuration.dataDirectory), by: by)
                let folder = URL(fileURLWithPath: out)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                let json = folder.appendingPathComponent("\(person.id)-export.json"), text = folder.appendingPathComponent("\(person.id)-export.txt")
                try encoder.encode(data).write(to: json, options: .atomic)
                try Data(DataRights.readableText(data).utf8).write(to: text, options: .atomic)
                for file in [json, text] { chmod(file.path, 0o600) }
                print("OK: \(json.path) and \(text.path): \(data.answers.count) answers, \(data.incidents.count) incidents, "
                    + "\(data.supportRequests.count) support requests. They hold personal data: hand them over securely, then delete them")
            } catch {
                fail("person export", error)
            }
        }
    }

    struct EraseCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Remove a person's data from the bot's files for good (a right-to-erasure request).")

        @OptionGroup var options: ConfigOption
        @Argument(help: "The person's id in the roster, e.g. E12.") var id: String
        @Flag(help: "Do not ask for confirmation.") var yes = false
        @Option(help: "Who asks, for the audit log (default: your account on this machine).") var by = operatorName()

        func run() async throws {
            let (configuration, person) = try rosterPerson(id, options)
            if !yes {
                print("This removes everything the bot holds about \(person.id) (\(person.matrixID)) from \(configuration.dataDirectory), "
                    + "for good; answers they agreed to have counted anonymously are kept with no link to them. Type yes to go on: ",
                      terminator: "")
                guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    print("Nothing was changed.")
                    return
                }
            }
            do {
                let erasure = try await DataRights.erase(person, dataDirectory: URL(fileURLWithPath: configuration.dataDirectory), by: by)
                print("OK: erased \(person.id): \(erasure.summary). Now remove \(person.id) from the roster (and its pairs), "
                    + "and delete older backups that still hold their data; the bot will not greet them again meanwhile")
            } catch {
                fail("person erase", error)
            }
        }
    }
}

/// `mentorbot audit`: who exported or erased whose data, and the coordinators' steps, oldest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List exports and erasures of people's data and the coordinators' steps on incidents (stop the bot first).")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.loadProgramme().configuration
        do {
            let iso = ISO8601DateFormatter()
            for entry in try await DataRights.auditLog(dataDirectory: URL(fileURLWithPath: configuration.dataDirectory)) {
                print([iso.string(from: entry.at), entry.action, entry.subject, "by " + entry.by, entry.detail ?? ""].joined(separator: "\t"))
            }
        } catch {
            fail("audit", error)
        }
    }
}

/// The roster's person with this id, with the configuration; exits 2 with the reason otherwise.
private func rosterPerson(_ id: String, _ options: ConfigOption) throws -> (Configuration, Person) {
    let configuration = try options.loadProgramme().configuration
    guard let person = configuration.roster.person(id: id) else {
        FileHandle.standardError.write(Data("mentorbot person: nobody has the id \(id) in the roster of \(options.config)\n".utf8))
        throw ExitCode(2)
    }
    return (configuration, person)
}

/// Says why a data command failed, with what to do when the bot still runs, and exits 2.
private func fail(_ command: String, _ error: Error) -> Never {
    var text = "mentorbot \(command): \(error)"
    if case StoreError.locked = error { text += ". Stop it first (systemctl stop mentorbot), then run this again" }
    FileHandle.standardError.write(Data((text + "\n").utf8))
    exit(2)
}

private func operatorName() -> String {
    let environment = ProcessInfo.processInfo.environment
    return environment["SUDO_USER"] ?? environment["USER"] ?? "unknown"
}
