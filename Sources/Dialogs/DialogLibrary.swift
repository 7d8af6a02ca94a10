import Foundation
import StrictYAML

/// All dialogs and catalogs of one Dialogs/ directory, loaded and validated together.
public struct DialogLibrary: Sendable {
    public let scripts: [String: DialogScript]
    public let catalogs: [String: Catalog]
    /// Line of each message key in each catalog file, for precise problem reports.
    let keyLines: [String: [String: Int]]
    /// Files that could not be read, when loaded with `skippingBroken`; the rest is still checked.
    public let loadProblems: [YAMLProblem]

    public init(scripts: [String: DialogScript], catalogs: [String: Catalog], keyLines: [String: [String: Int]] = [:],
                loadProblems: [YAMLProblem] = []) {
        self.scripts = scripts
        self.catalogs = catalogs
        self.keyLines = keyLines
        self.loadProblems = loadProblems
    }

    /// Loads `directory/*.yaml` as dialogs and `directory/locales/*.yaml` as catalogs.
    /// Every problem in every file is reported at once: thrown, or with `skippingBroken` kept in
    /// `loadProblems` while the files that did load are returned, so that `mentorbot check` can
    /// validate them too in the same pass.
    public static func load(directory: URL, skippingBroken: Bool = false) throws -> DialogLibrary {
        let collector = ProblemCollector()
        var scripts: [String: DialogScript] = [:]
        var catalogs: [String: Catalog] = [:]
        var keyLines: [String: [String: Int]] = [:]
        let files = FileManager.default
        let dialogFiles = try yamlFiles(in: directory, relativeTo: directory.deletingLastPathComponent())
        let catalogFiles = try yamlFiles(in: directory.appendingPathComponent("locales"),
                                         relativeTo: directory.deletingLastPathComponent())
        if dialogFiles.isEmpty && !files.fileExists(atPath: directory.path) {
            throw YAMLProblem(file: directory.path, line: 0, keyPath: "", message: "dialogs directory not found")
        }
        for (url, name) in dialogFiles {
            guard let script = collector.attempt({ try DialogLoader.loadScript(yaml: try readText(url, name), file: name) })
            else { continue }
            if let earlier = scripts[script.id] {
                collector.add(YAMLProblem(file: name, line: 1, keyPath: "id",
                                          message: "dialog id \"\(script.id)\" is already used by \(earlier.file)"))
            }
            scripts[script.id] = script
        }
        for (url, name) in catalogFiles {
            guard let text = collector.attempt({ try readText(url, name) }),
                  let catalog = collector.attempt({ try DialogLoader.loadCatalog(yaml: text, file: name) })
            else { continue }
            let expected = url.deletingPathExtension().lastPathComponent
            if catalog.language != expected {
                collector.add(YAMLProblem(file: name, line: 1, keyPath: "language",
                                          message: "says \"\(catalog.language)\" but the file is named \(expected).yaml"))
            }
            catalogs[catalog.language] = catalog
            keyLines[catalog.language] = messageLines(text)
        }
        if catalogs[Localizer.baseLanguage] == nil {
            collector.add(YAMLProblem(file: "\(directory.lastPathComponent)/locales", line: 0, keyPath: "",
                                      message: "the English catalog en.yaml is required: it is the fallback for every language"))
        }
        if skippingBroken {
            return DialogLibrary(scripts: scripts, catalogs: catalogs, keyLines: keyLines, loadProblems: collector.problems)
        }
        try collector.throwIfAny()
        return DialogLibrary(scripts: scripts, catalogs: catalogs, keyLines: keyLines)
    }

    public func line(of key: String, in language: String) -> Int { keyLines[language]?[key] ?? 0 }

    private static func yamlFiles(in directory: URL, relativeTo base: URL) throws -> [(URL, String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            let url = directory.appendingPathComponent(name)
            let shown = url.path.hasPrefix(base.path + "/") ? String(url.path.dropFirst(base.path.count + 1)) : url.path
            return (url, shown)
        }
    }

    private static func readText(_ url: URL, _ name: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw YAMLProblem(file: name, line: 0, keyPath: "", message: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw YAMLProblem(file: name, line: 0, keyPath: "", message: "is not UTF-8 text")
        }
        return text
    }

    /// Finds the line of each `  key:` under `messages:` with a light scan; the YAML parser has
    /// already accepted the file, this only locates keys for reports.
    private static func messageLines(_ text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        var inMessages = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if !raw.hasPrefix(" ") && !raw.hasPrefix("#") && !raw.isEmpty { inMessages = raw.hasPrefix("messages:") }
            guard inMessages, raw.hasPrefix("  "), let colon = raw.firstIndex(of: ":") else { continue }
            let key = raw[..<colon].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if !key.isEmpty && !key.hasPrefix("#") { result[key] = index + 1 }
        }
        return result
    }
}
