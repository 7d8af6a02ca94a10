import Foundation
import Testing

/// `mentorbot screen --labelled` as programme staff run it on one file of labelled messages: the
/// file's language comes from its name, as it does for a folder's files, unless `--lang` says.
@Suite struct ScreenCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The summary lines of `mentorbot screen` (phrase lists only: no model needed) on one file.
    func summary(of fileName: String, extra: [String] = []) throws -> [String] {
        let binary = Self.root.appendingPathComponent(".build/debug/mentorbot").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(binary) is missing: build it first (scripts/test.sh runs swift build --build-tests)"])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("screen-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(fileName)
        try "ok | we meet on thursday at the library\n".write(to: file, atomically: true, encoding: .utf8)
        let screen = try ProgramRun(binary, ["screen", "--labelled", file.path, "--phrases-only", "--dialogs", Self.root.appendingPathComponent("Dialogs").path] + extra)
        let text = screen.output
        #expect(screen.status == 0, "\(text) \(screen.errors)")
        return text.split(separator: "\n").map(String.init).filter { $0.contains(": danger") || $0.contains(": ordinary") }
    }

    @Test func aFilesLanguageComesFromItsName() throws {
        let lines = try summary(of: "fa.mine.txt")
        #expect(lines.count == 1 && lines[0].hasPrefix("fa: "), "\(lines)")
    }

    @Test func langOverridesTheNameAndAnUnknownNameIsEnglish() throws {
        let told = try summary(of: "fa.mine.txt", extra: ["--lang", "de"])
        #expect(told.count == 1 && told[0].hasPrefix("de: "), "\(told)")
        let unknown = try summary(of: "mine.txt")
        #expect(unknown.count == 1 && unknown[0].hasPrefix("en: "), "\(unknown)")
    }
}
