import BotModel
import DurableStore
import Foundation
import MentorBotCore
import ProgrammeReport

/// `mentorbot report`: a month's figures from the data directory, as CSV files and the HTML page.
/// Safe while the bot runs: it reads a consistent copy (as `mentorbot backup` makes), removed after.
public enum ReportFiles {
    /// The state the data directory holds now.
    public static func currentState(dataDirectory: URL) async throws -> BotState {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("mentorbot-report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: copy) }
        try StoreBackup.copy(from: dataDirectory, to: copy)
        let (store, recovered) = try EventStore<DomainEvent, BotState>.open(directory: copy)
        await store.close()
        return recovered.state
    }

    /// Writes the CSV files and the page into `folder` (made if needed); returns what was written.
    public static func write(_ figures: ProgrammeFigures, page: ReportPage, to folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var written: [URL] = []
        for (name, contents) in try ReportTables.files(figures) {
            let file = folder.appendingPathComponent("\(figures.month)-\(name)")
            try Data(contents.utf8).write(to: file, options: .atomic)
            written.append(file)
        }
        let html = folder.appendingPathComponent(BotCore.reportFileName(figures.month))
        try Data(page.html().utf8).write(to: html, options: .atomic)
        written.append(html)
        return written
    }
}
