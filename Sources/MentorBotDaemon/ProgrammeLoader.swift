import BotModel
import ConfigurationLoading
import Dialogs
import Foundation
import MentorBotCore
import Safeguarding
import StrictYAML

/// A configuration together with the dialogs it names, loaded and checked as one.
public struct LoadedProgramme: Sendable {
    public let configuration: Configuration
    public let library: DialogLibrary
    public let screener: Screener
    public let configurationFile: String
}

/// Loads a configuration file and its dialogs directory, and reports every problem in both
/// with file, line and key. Used by `mentorbot check` and before the daemon starts.
public enum ProgrammeLoader {
    public static func load(configurationPath: String) throws -> LoadedProgramme {
        let url = URL(fileURLWithPath: configurationPath).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path), let yaml = String(data: data, encoding: .utf8) else {
            throw YAMLProblems([YAMLProblem(file: configurationPath, line: 0, keyPath: "",
                                            message: "cannot read the configuration file (does it exist and is it UTF-8?)")])
        }
        let base = url.deletingLastPathComponent().path
        let dialogsPath = try ConfigurationLoader.dialogsDirectory(yaml: yaml, file: configurationPath, baseDirectory: base)
        let library = try DialogLibrary.load(directory: URL(fileURLWithPath: dialogsPath), skippingBroken: true)
        var problems = library.loadProblems + BotCore.problems(in: library)
        // The phrase lists live beside the catalogs, one per language, each checked like them.
        var screener = Screener(lists: [:])
        do {
            screener = try Screener.load(directory: URL(fileURLWithPath: dialogsPath).appendingPathComponent("safety"))
        } catch let found as YAMLProblems {
            problems += found.problems
        }
        for language in library.catalogs.keys.sorted() where screener.lists[language] == nil && !problems.contains(where: { $0.file.hasSuffix("safety/\(language).yaml") }) {
            problems.append(YAMLProblem(file: "\(dialogsPath)/safety/\(language).yaml", line: 0, keyPath: "",
                                        message: "missing: danger phrases must be screened in every language people use"))
        }
        var configuration: Configuration?
        do {
            configuration = try ConfigurationLoader(supportedLanguages: Set(library.catalogs.keys))
                .load(yaml: yaml, file: configurationPath, baseDirectory: base)
        } catch let found as YAMLProblems {
            problems = found.problems + problems
        } catch let found as YAMLProblem {
            problems.insert(found, at: 0)
        }
        guard let configuration, problems.isEmpty else { throw YAMLProblems(problems) }
        return LoadedProgramme(configuration: configuration, library: library, screener: screener, configurationFile: configurationPath)
    }
}

/// Reads a secret from the environment or a file. The value is never logged or put in an error.
public enum SecretReader {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public static func read(_ source: SecretSource) throws -> String {
        switch source {
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !value.isEmpty else {
                throw Missing(description: "the environment variable \(name) is not set or empty")
            }
            return value
        case .file(let path):
            // A secret others on the machine can read is refused, with the fix: anyone who can
            // read the token can read every conversation the bot has.
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
                throw Missing(description: "the secret file \(path) can be read by other users of this machine "
                    + "(mode \(String(info.st_mode & 0o777, radix: 8))): run chmod 600 \(path)")
            }
            guard let data = FileManager.default.contents(atPath: path),
                  let value = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !value.isEmpty else {
                throw Missing(description: "the secret file \(path) cannot be read or is empty")
            }
            return value
        }
    }
}
