import Foundation
import Testing
@testable import DurableStore

/// Kills a real writer process with SIGKILL at random moments and checks that the store opens
/// and holds every record the writer had been told was durable, in order, without duplicates.
@Suite struct CrashTests {
    static var writerPath: String {
        get throws {
            var candidates: [URL] = []
            if let root = ProcessInfo.processInfo.environment["MENTORBOT_REPO_ROOT"] {
                candidates.append(URL(fileURLWithPath: root).appendingPathComponent(".build/debug/journal-crash-writer"))
            }
            var bundle = Bundle.main.bundleURL
            for _ in 0..<4 {
                candidates.append(bundle.appendingPathComponent("journal-crash-writer"))
                bundle.deleteLastPathComponent()
            }
            candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/journal-crash-writer"))
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw CrashTestSetup(description: "journal-crash-writer is not built; run `swift build --build-tests` (scripts/test.sh does)")
            }
            return found.path
        }
    }

    struct CrashTestSetup: Error, CustomStringConvertible { var description: String }

    /// Runs the writer for `milliseconds`, SIGKILLs it, and returns the highest confirmed index.
    static func runAndKill(directory: URL, milliseconds: Int, snapshotEvery: Int) async throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try writerPath)
        process.arguments = [directory.path, String(snapshotEvery)]
        let output = directory.deletingLastPathComponent().appendingPathComponent("\(directory.lastPathComponent)-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        try process.run()
        try await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try handle.close()
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        return lines.compactMap { Int($0) }.max() ?? -1
    }

    static func verify(_ directory: URL, confirmed: Int) async throws -> Int {
        let (store, recovered) = try EventStore<Int, [Int]>.open(directory: directory)
        await store.close()
        let covered = recovered.snapshot?.last ?? -1
        #expect(recovered.snapshot ?? [] == Array(0..<(covered + 1)), "the snapshot holds every index it covers, in order")
        let expected = Array((covered + 1)..<(covered + 1 + recovered.records.count))
        #expect(recovered.records == expected, "records after the snapshot run on without gaps or duplicates")
        let highest = recovered.records.last ?? covered
        #expect(highest >= confirmed, "confirmed \(confirmed) but only \(highest) survived")
        return highest
    }

    @Test(arguments: [0, 40])
    func everyConfirmedRecordSurvivesSigkill(snapshotEvery: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        var confirmedTotal = 0
        for round in 0..<15 {
            let confirmed = try await Self.runAndKill(directory: directory, milliseconds: 30 + (round * 37) % 170,
                                                       snapshotEvery: snapshotEvery)
            let highest = try await Self.verify(directory, confirmed: confirmed)
            confirmedTotal = max(confirmedTotal, highest)
        }
        #expect(confirmedTotal > 100, "the writer made progress across rounds (\(confirmedTotal) records)")
    }
}
